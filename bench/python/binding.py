"""Bodies per second of dtlint.check from Python on one thread, over the first N lines (as str)
of an NDJSON corpus; compare with `cargo run --release --example rust_bench` on the same file.

    RAYON_NUM_THREADS=1 python bench/bench.py ../bench-corpus/responses.ndjson 20000
"""

import sys
import time

import dtlint
from dtlint import _dtlint


def best_of(runs, fn, lines):
    best = float("inf")
    findings = 0
    for _ in range(runs):
        start = time.perf_counter()
        findings = 0
        for line in lines:
            out = fn(line)
            findings += 0 if fn is str.encode else len(out)
        best = min(best, time.perf_counter() - start)
    return best, findings


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for _, line in zip(range(n), f)]
    encoded = [line.encode("utf-8") for line in lines]
    checker = _dtlint.Checker()
    for label, fn, data in [
        ("dtlint.check(str)", dtlint.check, lines),
        ("Checker.check_str (no wrapper)", checker.check_str, lines),
        ("dtlint.check(bytes)", dtlint.check, encoded),
        ("str.encode alone (what a str costs over bytes)", str.encode, lines),
    ]:
        best, findings = best_of(5, fn, data)
        print(f"{label}: {len(lines)} bodies, {findings} findings, best of 5 {best:.3f} s, {len(lines) / best:.0f} bodies/s")


if __name__ == "__main__":
    main()
