#!/usr/bin/env bash
# Build a dtlint binary that starts on glibc 2.17 and later (manylinux2014: RHEL/CentOS 7,
# Amazon Linux 2, and every newer glibc distribution), for cluster nodes older than the
# build machine.
#
#   scripts/build-cluster-binary.sh [--arch x86_64|aarch64|all] [--out-dir DIR] [--tools-only]
#
# --tools-only installs (or checks) the pinned tools and builds nothing: what CI runs before
# its tests, which build with them.
#
# How: `cargo zigbuild` compiles as `cargo build` does, but links with zig, which links
# against stub libraries of the glibc version named in the target (`<triple>.2.17`) instead
# of the build machine's glibc; the C code in the build (ring, mimalloc) is compiled by
# `zig cc` against that glibc's headers. Both tools come from PyPI, pinned below, into a
# virtualenv of their own (DTLINT_ZIG_TOOLS, default ~/.cache/dtlint-zig-tools, ~410 MB);
# nothing else is installed. Needs: rustup/cargo, python3 with venv and pip, access to PyPI
# (and to the Rust toolchain's server for `--arch aarch64`, to add its standard library).
#
# Writes DIR/dtlint-<arch>-linux-glibc2.17 (DIR defaults to dist/), then fails unless
# scripts/glibc-needed.py finds that the binary needs glibc 2.17 at most.
# Cargo's output goes to CARGO_TARGET_DIR as usual (target/ by default); a second run
# rebuilds nothing, but another tools folder or zig version rebuilds every crate. To stay out
# of the way of other work on the machine, run it as `nice -n 10 scripts/build-cluster-binary.sh`.
# The binary behaves as `cargo build --release`'s does; zig's linker drops the symbol table,
# so a panic's backtrace (RUST_BACKTRACE=1) shows addresses instead of function names.
set -euo pipefail

ZIGLANG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.1
GLIBC=2.17

arch=x86_64
out_dir=dist
tools_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch="${2:?--arch needs x86_64, aarch64 or all}"; shift 2 ;;
        --out-dir) out_dir="${2:?--out-dir needs a directory}"; shift 2 ;;
        --tools-only) tools_only=1; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "build-cluster-binary: unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$arch" in
    x86_64|aarch64) arches=("$arch") ;;
    all) arches=(x86_64 aarch64) ;;
    *) echo "build-cluster-binary: --arch must be x86_64, aarch64 or all" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
repo=$(pwd)

# The pinned tools, in their own virtualenv; reinstalled when a pin changes.
tools="${DTLINT_ZIG_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/dtlint-zig-tools}"
have_tools() {
    [ -x "$tools/bin/cargo-zigbuild" ] &&
        [ "$("$tools/bin/cargo-zigbuild" --version 2>/dev/null)" = "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ] &&
        [ "$("$tools/bin/python" -m ziglang version 2>/dev/null)" = "$ZIGLANG_VERSION" ]
}
if ! have_tools; then
    echo "Installing ziglang==$ZIGLANG_VERSION and cargo-zigbuild==$CARGO_ZIGBUILD_VERSION into $tools" >&2
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check \
        "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
    have_tools || { echo "build-cluster-binary: the tools in $tools do not answer with the pinned versions" >&2; exit 1; }
fi
# cargo-zigbuild runs zig as `python3 -m ziglang` before it looks for a `zig` on PATH: name
# the venv's python, so the pinned zig is the one used.
export PATH="$tools/bin:$PATH"
export CARGO_ZIGBUILD_PYTHON_PATH="$tools/bin/python3"
echo "Using $(cargo-zigbuild --version), zig $(python3 -m ziglang version), $(rustc --version)" >&2
if [ "$tools_only" = 1 ]; then
    exit 0
fi

target_dir="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$out_dir"
for a in "${arches[@]}"; do
    triple="$a-unknown-linux-gnu"
    if command -v rustup >/dev/null 2>&1 && ! grep -qx "$triple" <<<"$(rustup target list --installed)"; then
        rustup target add "$triple"
    fi
    start=$(date +%s)
    cargo zigbuild --release --locked --target "$triple.$GLIBC" --bin dtlint
    echo "Built $triple.$GLIBC in $(( $(date +%s) - start )) s" >&2
    out="$out_dir/dtlint-$a-linux-glibc$GLIBC"
    cp "$target_dir/$triple/release/dtlint" "$out"
    ls -l "$out" >&2
    python3 "$repo/scripts/glibc-needed.py" --max "$GLIBC" "$out"
    if [ "$a" = "$(uname -m)" ]; then
        "$out" --version
    fi
done
