"""The Python side of bench/python.py: bodies per second of dtlint.check on one thread over the
first N lines of an NDJSON corpus, as bytes (what ``response.content`` is), as str, and as a
parsed object; plus what ``str.encode`` alone costs. Prints one JSON object for the driver.

    python bench/python/binding.py FILE N RUNS
"""

import json
import sys
import time

import dtlint


def best_of(runs, fn, items):
    best = float("inf")
    findings = 0
    for _ in range(runs):
        start = time.perf_counter()
        findings = 0
        for item in items:
            findings += len(fn(item))
        best = min(best, time.perf_counter() - start)
    return {"bodies": len(items), "findings": findings, "seconds": best}


def main():
    path, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, "rb") as f:
        raw = [line.rstrip(b"\n") for _, line in zip(range(n), f)]
    text = [line.decode("utf-8") for line in raw]
    parsed = [json.loads(line) for line in text[: n // 4]]
    checker = dtlint.checker()
    print(json.dumps({
        "check(bytes)": best_of(runs, dtlint.check, raw),
        "check(str)": best_of(runs, dtlint.check, text),
        "check(parsed object)": best_of(runs, dtlint.check, parsed),
        "Checker.check_bytes": best_of(runs, checker.check_bytes, raw),
        "str.encode alone": best_of(runs, lambda s: (s.encode("utf-8"),), text),
    }))


if __name__ == "__main__":
    main()
