#!/usr/bin/env bash
# Build the wheel `pip install dtlint` installs: the Python module `dtlint._dtlint` and the
# whole `dtlint` command line, both for glibc 2.17 and later (manylinux2014), for this
# machine's architecture.
#
#   scripts/build-wheel.sh [--profile dist|ci] [--out-dir DIR] [--no-install-check] [--tools-only]
#
# --tools-only installs (or checks) the pinned tools, zig, cargo-zigbuild and maturin, and
# builds nothing: what CI runs before its tests (tests/python.rs builds the wheel with them).
#
# What goes in:
# - `dtlint` (the root crate's bin target, default features), built by
#   scripts/build-cluster-binary.sh (cargo zigbuild against glibc 2.17, which also checks it),
#   and put into the wheel as a data script, `dtlint-<version>.data/scripts/dtlint`: pip copies
#   it onto PATH (the venv's bin/) as it is, executable, with no Python in front of it.
#   maturin takes the data from `python/<module-name>.data/`, here `python/dtlint._dtlint.data/`
#   (the full module name, dots and all; used when present, no setting needed). This script
#   fills that folder before `maturin build` and removes it afterwards, so that a later
#   `maturin develop` does not install a stale binary. It is in .gitignore.
# - the module: `maturin build --zig --compatibility manylinux2014` in python/ (zig links the
#   cdylib against glibc 2.17 stubs; maturin checks the symbols and tags the wheel
#   manylinux_2_17 / manylinux2014).
#
# --profile (both builds run cargo's `release` profile, whose settings this sets through
# CARGO_PROFILE_RELEASE_* in the environment, which cargo puts above every Cargo.toml's
# [profile.release]; build-cluster-binary.sh only builds `--release`, and the root Cargo.toml
# has no fast profile of its own):
#   dist (default)  LTO=fat,   CODEGEN_UNITS=1   the figures of the root's [profile.dist] and of
#                                                python/Cargo.toml's [profile.release]: the
#                                                wheel to publish
#   ci              LTO=false, CODEGEN_UNITS=16, DEBUG=false, OPT_LEVEL=1
#                                                quick to build from nothing (a cold build is
#                                                mostly LLVM optimizing the dependencies): the
#                                                wheel CI tests, whose speed nobody measures
#
# Cargo's output goes to CARGO_TARGET_DIR (target/ by default), in two folders of its own per
# profile: wheel-<profile>/ for the binary and wheel-<profile>-module/ for the module. Not one:
# cargo keeps the linker in its fingerprints but not in the artifacts' names, and
# cargo-zigbuild 0.24.1 and the cargo-zigbuild 0.24.0 inside maturin 1.16.0 name different
# linker wrappers, so in a shared folder each build recompiled, for itself, every crate the
# two have in common (most of the library's dependencies), and a rerun rebuilt everything.
# Apart, a second run with nothing changed rebuilds nothing.
#
# --out-dir DIR (default: dist/ at the repository's root; a relative DIR is taken from the
# current directory). The wheel is built into a scratch folder and moved there only after the
# checks passed: the .so and the binary need glibc 2.17 at most (scripts/glibc-needed.py),
# the wheel is tagged manylinux_2_17, the script is executable in the archive; then (unless
# --no-install-check) it is installed into a scratch venv where `dtlint --version` must run as
# an ELF binary and `import dtlint; dtlint.check(b'{}')` must work.
#
# Needs: cargo/rustup, python3 with venv and pip, access to PyPI the first time: zig and
# cargo-zigbuild come pinned from build-cluster-binary.sh's tools venv (DTLINT_ZIG_TOOLS),
# maturin pinned below into a venv of its own (DTLINT_MATURIN_VENV, default
# ~/.cache/dtlint-maturin).
# Run it as `nice -n 10 scripts/build-wheel.sh` to stay out of the way of other work.
set -euo pipefail

MATURIN_VERSION=1.16.0
GLIBC=2.17
MODULE=dtlint._dtlint

die() { echo "build-wheel: $*" >&2; exit 1; }

profile=dist
out_dir=
install_check=1
tools_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) profile="${2:?--profile needs dist or ci}"; shift 2 ;;
        --out-dir) out_dir="${2:?--out-dir needs a directory}"; shift 2 ;;
        --no-install-check) install_check=0; shift ;;
        --tools-only) tools_only=1; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "build-wheel: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$profile" in
    dist) export CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 ;;
    ci) export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
               CARGO_PROFILE_RELEASE_DEBUG=false ;;
    *) echo "build-wheel: --profile must be dist or ci, not $profile" >&2; exit 2 ;;
esac

caller_dir=$(pwd)
cd "$(dirname "$0")/.."
repo=$(pwd)
case "$out_dir" in
    "") out_dir="$repo/dist" ;;
    /*) ;;
    *) out_dir="$caller_dir/$out_dir" ;;
esac

for tool in cargo rustc python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH (needs a Rust toolchain and python3)"
done
python3 -c 'import venv, ensurepip, zipfile' 2>/dev/null ||
    die "python3 lacks venv/ensurepip (on Debian/Ubuntu: apt-get install python3-venv)"
[ -f python/pyproject.toml ] && [ -f python/Cargo.toml ] || die "python/pyproject.toml or python/Cargo.toml missing in $repo"

arch=$(uname -m)
case "$arch" in
    x86_64|aarch64) ;;
    *) die "no manylinux2014 build for $arch (x86_64 and aarch64 only)" ;;
esac
triple="$arch-unknown-linux-gnu"
cache="${XDG_CACHE_HOME:-$HOME/.cache}"
tools="${DTLINT_ZIG_TOOLS:-$cache/dtlint-zig-tools}"
maturin_venv="${DTLINT_MATURIN_VENV:-$cache/dtlint-maturin}"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
data_dir="$repo/python/$MODULE.data"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dtlint-wheel.XXXXXX")
cleanup() { rm -rf "$scratch" "$data_dir"; }
trap cleanup EXIT
elapsed() { echo $(( $(date +%s) - $1 )); }
t0=$(date +%s)

# maturin, pinned, in a venv of its own.
if [ "$("$maturin_venv/bin/maturin" --version 2>/dev/null)" != "maturin $MATURIN_VERSION" ]; then
    echo "Installing maturin==$MATURIN_VERSION into $maturin_venv" >&2
    python3 -m venv "$maturin_venv" || die "cannot create a venv at $maturin_venv"
    "$maturin_venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION" ||
        die "pip could not install maturin==$MATURIN_VERSION into $maturin_venv"
    [ "$("$maturin_venv/bin/maturin" --version 2>/dev/null)" = "maturin $MATURIN_VERSION" ] ||
        die "$maturin_venv/bin/maturin does not answer with version $MATURIN_VERSION"
fi
if [ "$tools_only" = 1 ]; then
    "$repo/scripts/build-cluster-binary.sh" --tools-only || die "installing the zig tools failed"
    exit 0
fi
echo "build-wheel: profile $profile (CARGO_PROFILE_RELEASE_LTO=$CARGO_PROFILE_RELEASE_LTO," \
    "CODEGEN_UNITS=$CARGO_PROFILE_RELEASE_CODEGEN_UNITS), cargo output in $target_dir/wheel-$profile{,-module}" >&2

# 1. The command line binary, for glibc 2.17: build-cluster-binary.sh installs or checks the
#    pinned zig tools, builds, and fails unless glibc-needed.py passes it.
t=$(date +%s)
CARGO_TARGET_DIR="$target_dir/wheel-$profile" "$repo/scripts/build-cluster-binary.sh" --arch "$arch" --out-dir "$scratch/bin" ||
    die "building the dtlint binary failed (scripts/build-cluster-binary.sh)"
binary="$scratch/bin/dtlint-$arch-linux-glibc$GLIBC"
[ -x "$binary" ] || die "scripts/build-cluster-binary.sh did not leave $binary"
echo "build-wheel: binary built in $(elapsed "$t") s" >&2

rm -rf "$data_dir"
mkdir -p "$data_dir/scripts"
cp "$binary" "$data_dir/scripts/dtlint"
chmod 755 "$data_dir/scripts/dtlint"

# 2. zig for maturin from the tools venv (maturin runs
#    `python3 -m ziglang` when no `zig` is on PATH: the tools venv's python3 comes first).
[ -x "$tools/bin/python3" ] && "$tools/bin/python3" -m ziglang version >/dev/null 2>&1 ||
    die "no ziglang in $tools (scripts/build-cluster-binary.sh should have installed it)"
export PATH="$tools/bin:$PATH"
export CARGO_ZIGBUILD_PYTHON_PATH="$tools/bin/python3"

# 3. The module, and the wheel around both.
t=$(date +%s)
(cd python && CARGO_TARGET_DIR="$target_dir/wheel-$profile-module" "$maturin_venv/bin/maturin" build --release --locked --target "$triple" \
    --zig --compatibility manylinux2014 --out "$scratch/wheel") ||
    die "maturin build failed"
echo "build-wheel: module and wheel built in $(elapsed "$t") s" >&2
shopt -s nullglob
wheels=("$scratch"/wheel/*.whl)
[ ${#wheels[@]} -eq 1 ] || die "expected one wheel from maturin, found ${#wheels[@]}"
wheel=${wheels[0]}

# 4. Check what is in it.
mkdir -p "$scratch/unpacked"
python3 - "$wheel" "$scratch/unpacked" "$GLIBC" <<'EOF' || die "the wheel's contents fail the checks above"
import os, stat, sys, zipfile
wheel, dest, glibc = sys.argv[1], sys.argv[2], sys.argv[3]
tag = "manylinux_" + glibc.replace(".", "_")
# PEP 600's name, or its legacy alias (maturin writes both tags).
legacy = {"2.17": "manylinux2014", "2.12": "manylinux2010", "2.5": "manylinux1"}.get(glibc, tag)
errors = []
name = os.path.basename(wheel)
if tag not in name:
    errors.append(f"file name {name} lacks {tag}")
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    wheel_meta = next((n for n in names if n.endswith(".dist-info/WHEEL")), None)
    tags = [l.split(":", 1)[1].strip() for l in z.read(wheel_meta).decode().splitlines()
            if l.startswith("Tag:")] if wheel_meta else []
    print("Tags:", " ".join(tags))
    if not tags or not all(tag in t or legacy in t for t in tags):
        errors.append(f"WHEEL tags {tags} are not all {tag} or {legacy}")
    sos = [n for n in names if n.startswith("dtlint/_dtlint") and n.endswith(".so")]
    scripts = [n for n in names if n.endswith(".data/scripts/dtlint")]
    if len(sos) != 1:
        errors.append(f"expected one dtlint/_dtlint*.so, found {sos}")
    if len(scripts) != 1:
        errors.append(f"expected one *.data/scripts/dtlint, found {scripts}")
    for n in sos + scripts:
        info = z.getinfo(n)
        mode = info.external_attr >> 16
        if n in scripts and not mode & stat.S_IXUSR:
            errors.append(f"{n} is not executable in the archive (mode {oct(mode)})")
        z.extract(info, dest)
        print(f"{n}: {info.file_size} bytes, {info.compress_size} compressed, mode {oct(mode)}")
        with open(os.path.join(dest, "files.txt"), "a") as f:
            f.write(os.path.join(dest, n) + "\n")
for e in errors:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
while read -r f; do
    python3 "$repo/scripts/glibc-needed.py" --max "$GLIBC" "$f" ||
        die "$(basename "$f") in the wheel needs a newer glibc than $GLIBC"
done <"$scratch/unpacked/files.txt"

# 5. Install it as pip would, and run both halves.
if [ "$install_check" = 1 ]; then
    python3 -m venv "$scratch/venv" || die "cannot create a scratch venv"
    "$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel" ||
        die "pip could not install $wheel"
    installed="$scratch/venv/bin/dtlint"
    [ -x "$installed" ] || die "pip did not install an executable $installed"
    [ "$(head -c 4 "$installed" | od -An -c | tr -d ' ')" = '177ELF' ] ||
        die "$installed is not the ELF binary (a wrapper script?)"
    "$installed" --version || die "the installed dtlint does not run"
    "$scratch/venv/bin/python" -c 'import dtlint; print("dtlint.check(b\"{}\") ->", len(dtlint.check(b"{}")), "findings")' ||
        die "the installed module does not import or check"
fi

mkdir -p "$out_dir" || die "cannot create $out_dir"
mv -f "$wheel" "$out_dir/" || die "cannot move the wheel to $out_dir"
wheel="$out_dir/$(basename "$wheel")"
echo "build-wheel: done in $(elapsed "$t0") s" >&2
echo "Wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB)"
