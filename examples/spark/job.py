#!/usr/bin/env python3
"""dtlint on Apache Spark: check (and audit) line-based captures too large for one machine.

When to use it: your captures are NDJSON / JSON Lines files or application logs (plain, .gz or
.zst) in HDFS or object storage, and a single `dtlint check` over them would take too long. It
writes what that single run (`cd ROOT && dtlint check INPUT...`) would have written: the same
findings with their files, entries, lines and columns, the same summary and audit; suppressions,
the baseline, DT901 and DT902 are judged once over the whole by `dtlint merge`.

What it costs: CPU, not time. On 1,000,000 lines in local mode with 2 cores (bench/spark.py),
the check stage used about 3x the CPU of a single run (a third of it in dtlint, the rest moving
the bytes through the JVM and a Python worker), on top of a session's fixed cost of about 11 CPU
seconds. Use it when one machine is too slow, for anything else run dtlint once.

How: Spark reads every line byte-exactly (the record delimiter is LF alone, so a lone CR stays in
its line; the line is cast to binary, never decoded, so invalid UTF-8 stays as it is); each
partition pipes its lines, framed with their origin (the name a single run gives the file, the
start of the split, the file's modification time), into `dtlint check - --stdin-format framed
--partial` (and `dtlint audit ...`); the partial results are written with write.text, one file
per partition, and merged on the driver. examples/spark/README.md says more, and where the result
can differ from a single run (empty files, names starting with `_`, .json and .har files).

    spark-submit examples/spark/job.py --dtlint dist/dtlint-x86_64-linux-glibc2.17 \
        --root hdfs:///data --work hdfs:///tmp/dtlint-2026-11 \
        --report json=report.json --audit html=audit.html captures/ -- --app-type internal

Arguments after `--` go to every shard's dtlint and to the merge: the app, rule selection,
severities. The job exits with the merge's status (1 when findings fail the run, as dtlint
check does), or 0 with --exit-zero; a shard whose dtlint fails (a bad flag, an unreadable
profile) fails the job with dtlint's message.
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import pyarrow as pa
import pyarrow.compute as pc
from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# What a single run reads line by line, plain or compressed as dtlint reads it (gzip, zstd); Spark
# decompresses these by their suffix. Other codecs Spark reads (.bz2, ...) a single run passes over.
LINE_FORMATS = "*.{ndjson,jsonl,log}{,.gz,.zst}"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Arguments after -- are passed to every shard's dtlint check (and audit) and to dtlint merge.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders, as you would give them to dtlint check (relative to --root)")
    parser.add_argument("--root", default=".", help="the folder a single run would be started in; names of findings are relative to it as a single run's are (default: the current folder of the default file system)")
    parser.add_argument("--dtlint", default=shutil.which("dtlint"), help="the dtlint binary to ship to the executors; it must run on them (default: dtlint on PATH)")
    parser.add_argument("--work", help="a new folder for the partial results, on storage the driver and the executors share (default: a temporary local folder, for local mode)")
    parser.add_argument("--profile", help="a dtlint.toml: rules and app settings for the shards, suppressions for the merge (no dtlint.toml is looked for otherwise)")
    parser.add_argument("--baseline", help="a baseline file, applied by the merge (DT901 is judged over the whole)")
    parser.add_argument("--report", action="append", default=[], metavar="FORMAT=PATH", help="write the merged findings in FORMAT (json, ndjson, sarif, junit, github, markdown, human) to PATH, - for standard output (repeatable; default: human=-)")
    parser.add_argument("--statistics", action="store_true", help="group findings by rule and pointer in the reports (human, json)")
    parser.add_argument("--parquet", metavar="URI", help="also write the merged findings as Parquet here")
    parser.add_argument("--audit", action="append", default=[], metavar="FORMAT=PATH", help="also run the exposure audit and write it in FORMAT (html, markdown, json) to PATH (repeatable)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run (failures of dtlint or Spark still fail the job)")
    return parser.parse_args(argv)


def split_argv(argv):
    """The job's own arguments, and those after the first -- (for dtlint)."""
    if "--" in argv:
        at = argv.index("--")
        return argv[:at], argv[at + 1 :]
    return argv, []


def pairs(values, option):
    out = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not fmt or not path:
            sys.exit("%s expects FORMAT=PATH, not %r" % (option, value))
        out.append((fmt, path))
    return out


def location(uri):
    """(scheme, authority, decoded path) of a Hadoop URI, however it is spelled (file:/x, file:///x, %20)."""
    parts = urllib.parse.urlsplit(uri)
    return parts.scheme, parts.netloc, urllib.parse.unquote(parts.path).rstrip("/")


def input_roots(spark, root, inputs):
    """Each input's qualified URI (resolved against --root as Hadoop resolves paths) and its name."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    base = jvm.org.apache.hadoop.fs.Path(root)
    out = []
    for name in inputs:
        if "\t" in name or "\n" in name:
            sys.exit("input names may not hold a TAB or a line feed: %r" % name)
        path = jvm.org.apache.hadoop.fs.Path(base, name)
        out.append((path.getFileSystem(conf).makeQualified(path).toUri().toString(), name))
    return out


def namer(roots):
    """A function from a file's URI (Spark's _metadata.file_path) to the name a single run gives
    the file: the input as given, joined with the file's path below it as dtlint joins them."""
    located = [(location(uri), name) for uri, name in roots]
    cache = {}

    def name_of(file_uri):
        if file_uri not in cache:
            scheme, authority, path = location(file_uri)
            for (r_scheme, r_authority, r_path), name in located:
                if (scheme, authority) != (r_scheme, r_authority):
                    continue
                if path == r_path:
                    cache[file_uri] = name
                    break
                if path.startswith(r_path + "/"):
                    rest = path[len(r_path) + 1 :]
                    cache[file_uri] = name + ("" if name.endswith("/") else "/") + rest
                    break
            else:
                raise ValueError("%s is under none of the inputs" % file_uri)
            if "\t" in cache[file_uri] or "\n" in cache[file_uri]:
                raise ValueError("file names may not hold a TAB or a line feed: %r" % cache[file_uri])
        return cache[file_uri]

    return name_of


def read_lines(spark, uris):
    """Every line of every line-based file under the inputs, byte-exact, with its origin. One
    read of all the inputs: a file reached from two of them is read once, as in a single run."""
    df = (
        spark.read.option("lineSep", "\n")  # LF alone: a lone CR stays in its line
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", LINE_FORMATS)
        .text(uris)
    )
    return df.select(
        F.col("_metadata.file_path").alias("path"),
        # POSITION \t MTIME \t LINE \n after the name, which the shard prepends. The line is cast
        # to binary, never decoded, so invalid UTF-8 stays as it is.
        F.concat(
            F.col("_metadata.file_block_start").cast("string"),
            F.lit("\t"),
            F.col("_metadata.file_modification_time").cast("long").cast("string"),
            F.lit("\t"),
            F.col("value"),
            F.lit("\n"),
        )
        .cast("binary")
        .alias("rest"),
    )


def shard(ship, commands, name_of):
    """The function each partition runs (with mapInArrow): starts one dtlint per command, writes
    the framed lines to each from a thread, yields (kind, line) for every line they print, and
    fails the task when one exits with a status other than 0."""

    def frame(batch):
        paths = batch.column(0).dictionary_encode()
        names = pa.array([name_of(p).encode() + b"\t" for p in paths.dictionary.to_pylist()], pa.binary())
        framed = pc.binary_join_element_wise(names.take(paths.indices), batch.column(1), b"")
        _, offsets, data = framed.buffers()
        offsets = memoryview(offsets).cast("q" if pa.types.is_large_binary(framed.type) else "i")
        return data[offsets[framed.offset] : offsets[framed.offset + len(framed)]]

    def run(batches):
        binary, profile, threads = ship
        path = SparkFiles.get(binary)
        if not os.access(path, os.X_OK):
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        env = dict(os.environ)
        env.setdefault("RAYON_NUM_THREADS", threads)  # the cores a task has (spark.task.cpus)
        # The profile shipped with the binary, or none: a dtlint.toml where the task runs is not the user's.
        profile_args = ["--profile", SparkFiles.get(profile)] if profile else ["--no-profile"]
        procs = [
            subprocess.Popen([path] + cmd[:2] + profile_args + cmd[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for cmd in commands
        ]
        outputs = [[] for _ in procs]
        errors = [b"" for _ in procs]
        failure = []

        def feed():
            try:
                for batch in batches:
                    block = frame(batch)
                    for proc in procs:
                        proc.stdin.write(block)
            except BrokenPipeError:
                pass  # dtlint stopped reading: its exit status says why
            except BaseException as e:  # reported by the task, after dtlint has exited
                failure.append(e)
            finally:
                for proc in procs:
                    try:
                        proc.stdin.close()
                    except BrokenPipeError:
                        pass

        def drain(i, stream, into):
            if into is None:
                errors[i] = stream.read()
            else:
                into.extend(line.rstrip(b"\n") for line in stream)

        threads = [threading.Thread(target=feed, daemon=True)]
        for i, proc in enumerate(procs):
            threads.append(threading.Thread(target=drain, args=(i, proc.stderr, None), daemon=True))
            # The first command's output is streamed below; the others are gathered meanwhile.
            if i > 0:
                threads.append(threading.Thread(target=drain, args=(i, proc.stdout, outputs[i]), daemon=True))
        for t in threads:
            t.start()
        chunk = []
        for line in procs[0].stdout:
            chunk.append(line.rstrip(b"\n"))
            if len(chunk) == 4096:
                yield pa.RecordBatch.from_arrays([pa.array([0] * len(chunk), pa.int8()), pa.array(chunk, pa.binary())], ["kind", "line"])
                chunk = []
        for t in threads:
            t.join()
        for i, proc in enumerate(procs):
            if proc.wait() != 0:
                raise RuntimeError("dtlint %s exited with %d: %s" % (commands[i][0], proc.returncode, errors[i].decode(errors="replace")))
        if failure:
            raise failure[0]
        if chunk:
            yield pa.RecordBatch.from_arrays([pa.array([0] * len(chunk), pa.int8()), pa.array(chunk, pa.binary())], ["kind", "line"])
        for i in range(1, len(procs)):
            if outputs[i]:
                yield pa.RecordBatch.from_arrays([pa.array([i] * len(outputs[i]), pa.int8()), pa.array(outputs[i], pa.binary())], ["kind", "line"])

    return run


def local_copy(spark, uri):
    """The work folder as a local path for `dtlint merge`: itself when local, else a copy."""
    scheme, _, path = location(uri)
    if scheme in ("", "file"):
        return path, None
    jvm = spark.sparkContext._jvm
    src = jvm.org.apache.hadoop.fs.Path(uri)
    fs = src.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    tmp = tempfile.mkdtemp(prefix="dtlint-partials-")
    fs.copyToLocalFile(False, src, jvm.org.apache.hadoop.fs.Path("file://" + tmp), True)
    return os.path.join(tmp, os.path.basename(path)), tmp


def merge(dtlint, folder, fmt, path, extra):
    """`dtlint merge` of a folder of partial results; its exit status (0, or 1 when findings fail
    the run), or the job ends when it fails (2: a partial result unreadable or unfinished)."""
    cmd = [dtlint, "merge", folder, "--format", fmt] + extra + ([] if path == "-" else ["-o", path])
    code = subprocess.run(cmd, stdin=subprocess.DEVNULL, check=False).returncode
    if code not in (0, 1):
        sys.exit("dtlint merge exited with %d: %s" % (code, " ".join(cmd)))
    return code


def main(argv):
    own, dtlint_args = split_argv(argv)
    args = parse_args(own)
    if not args.dtlint or not os.access(args.dtlint, os.X_OK):
        sys.exit("no dtlint binary: pass --dtlint PATH")
    reports = pairs(args.report, "--report") or ([] if args.parquet else [("human", "-")])
    audits = pairs(args.audit, "--audit")

    spark = SparkSession.builder.appName("dtlint").getOrCreate()
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.dtlint))
    if args.profile:
        sc.addFile(os.path.abspath(args.profile))
    commands = [["check", "-", "--stdin-format", "framed", "--partial", "--exit-zero"] + dtlint_args]
    if audits:
        commands.append(["audit", "-", "--stdin-format", "framed", "--partial"] + dtlint_args)
    ship = (os.path.basename(args.dtlint), args.profile and os.path.basename(args.profile), sc.getConf().get("spark.task.cpus", "1"))

    roots = input_roots(spark, args.root, args.inputs)
    scratch = None if args.work else tempfile.mkdtemp(prefix="dtlint-work-")
    work = args.work or "file://" + scratch
    lines = read_lines(spark, [uri for uri, _ in roots])
    out = lines.mapInArrow(shard(ship, commands, namer(roots)), "kind tinyint, line binary")
    if len(commands) > 1:
        out = out.persist(StorageLevel.MEMORY_AND_DISK)  # one pass over the inputs for both
    for i, cmd in enumerate(commands):
        # One text file per partition, in order: check/part-00000..., audit/part-00000...
        out.filter(F.col("kind") == i).select(F.col("line").cast("string")).write.text(work.rstrip("/") + "/" + cmd[0])
    out.unpersist()

    folder, tmp = local_copy(spark, work)
    # The merge is given the shards' settings (it refuses an audit made for another caller).
    merge_args = (["--profile", args.profile] if args.profile else ["--no-profile"]) + dtlint_args
    status = 0
    baseline = ["--baseline", args.baseline] if args.baseline else []
    for fmt, path in reports:
        status = max(status, merge(args.dtlint, os.path.join(folder, "check"), fmt, path, merge_args + baseline + (["--statistics"] if args.statistics else [])))
    if args.parquet:
        # The merged findings pass through the driver: NDJSON, less the closing summary record.
        with tempfile.NamedTemporaryFile(suffix=".ndjson") as f:
            status = max(status, merge(args.dtlint, os.path.join(folder, "check"), "ndjson", f.name, merge_args + baseline))
            records = [line for line in open(f.name, encoding="utf-8") if not line.startswith('{"type":')]
        if records:
            spark.read.json(sc.parallelize(records, max(1, len(records) // 100_000))).write.parquet(args.parquet)
    for fmt, path in audits:
        status = max(status, merge(args.dtlint, os.path.join(folder, "audit"), fmt, path, merge_args))
    for folder in (tmp, scratch):
        if folder:
            shutil.rmtree(folder)
    spark.stop()
    return 0 if args.exit_zero else status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
