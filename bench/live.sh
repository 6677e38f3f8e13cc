#!/usr/bin/env bash
# The proxy's added latency (p50, p99) and requests/s against calling the mock directly, in
# the same run (issue 16: added p50 <= 1 ms, throughput >= 0.5x direct on 2 cores).
#
#   bash bench/live.sh [SECONDS]      (throughput time per side, default 4)
#
# Both servers run the release binary on loopback; the load comes from bench/live.rs (one
# client in sequence for latency, 16 keep-alive clients for throughput), alternating direct
# and proxied rounds so drift on a shared machine falls on both alike.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --locked --quiet --bin dtlint --example live_bench --manifest-path "$root/Cargo.toml"
"$root/target/release/examples/live_bench" "$root/target/release/dtlint" "${1:-4}"
