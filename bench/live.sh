#!/usr/bin/env bash
# The proxy's cost against calling the mock directly and against a plain forwarding nginx, in
# the same run, all on 127.0.0.1 in front of one `dtlint mock`:
#   - added latency (p50, p99) of one client calling in sequence (issue 16: added p50 <= 1 ms);
#   - in rounds rotating direct, nginx, `dtlint proxy`, `dtlint proxy --record` (to a temp
#     file), requests/s of 16 keep-alive clients (issue 16: >= 0.5x direct on 2 cores) and the
#     proxy process's CPU per exchange: utime+stime from /proc/PID/stat over the round (nginx:
#     master + its one worker) over the exchanges (issue 23: dtlint <= 1.3x nginx, --record
#     adds <= 25%). Per-round rows, then medians.
# Then the same over TLS (issue 28): a TLS front (a second nginx, a certificate for
# oapi.dingtalk.com from a CA the bench makes) before the same mock, and in the same rounds the
# clients over TLS straight to it, nginx forwarding to it over TLS (verify on, keep-alive,
# session reuse), and `dtlint proxy --upstream https://oapi.dingtalk.com` reaching it by
# --connect-to, where it offers HTTP/1.1 and where it offers HTTP/2; then the TLS connections
# the front accepted from each side (its access log) against the requests they carried, beside
# dtlint's own count: the handshake is paid per upstream connection, not per call.
#
#   bash bench/live.sh [SECONDS [ROUNDS]]      (a side and round, default 4; rounds, default 5)
#
# CPU comes in 10 ms clock ticks: keep rounds >= 4 s so the tick error (printed as ±) stays
# small. nginx (apt-get install -y nginx-light) runs with one worker, keep-alive to the mock
# (keepalive 32, HTTP/1.1, Connection ""), Host passed on, access_log off, buffering as
# default, with its prefix, configuration, pid, logs and temp paths in a temp directory, so
# /etc/nginx is not used; the first answer through it must equal the mock's own (request id
# aside) or the bench stops. Release binaries (built here, in $CARGO_TARGET_DIR if set); the
# load comes from bench/live.rs. Every server started is stopped on exit, failure or signal.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
seconds="${1:-4}"
rounds="${2:-5}"

nginx="$(command -v nginx || true)"
[ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then
    echo "nginx is needed for the comparison: apt-get install -y nginx-light (as root)" >&2
    exit 2
fi
nginx="$(readlink -f "$nginx")"

cargo build --release --locked --quiet --bin dtlint --example live_bench --manifest-path "$root/Cargo.toml"
dtlint="$(readlink -f "$target/release/dtlint")"
bench="$target/release/examples/live_bench"

work="$(mktemp -d)"
bench_pid=""
cleanup() {
    if [ -n "$bench_pid" ]; then kill -TERM "$bench_pid" 2>/dev/null || true; fi
    # Only processes the bench wrote down, and only while they still run dtlint or nginx.
    local pid left=()
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            case "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" in
                "$dtlint" | "$nginx") if kill -TERM "$pid" 2>/dev/null; then left+=("$pid"); fi ;;
            esac
        done < "$work/pids"
    fi
    if [ "${#left[@]}" -gt 0 ]; then
        sleep 1
        for pid in "${left[@]}"; do
            case "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" in
                "$dtlint" | "$nginx") kill -KILL "$pid" 2>/dev/null || true ;;
            esac
        done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Bounded: the rounds of both parts, their latency parts and start-up, with room to spare.
limit=$(awk -v s="$seconds" -v r="$rounds" 'BEGIN { printf "%d", 240 + 2 * 8 * r * (s + 1) }')
timeout "$limit" "$bench" "$dtlint" "$nginx" "$work" "$(getconf CLK_TCK)" "$seconds" "$rounds" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
[ "$status" -ne 124 ] || echo "the bench took over $limit s and was stopped" >&2
exit "$status"
