#!/usr/bin/env python3
"""dtlint on Apache Spark: check (and audit) line-based captures too large for one machine.

When to use it: your captures are NDJSON / JSON Lines files or application logs (plain, .gz or
.zst) in HDFS or object storage, and a single `dtlint check` over them would take too long. It
writes what that single run (`cd ROOT && dtlint check INPUT...`) would have written: the same
findings with their files, entries, lines and columns, the same summary and audit; suppressions,
the baseline, DT901 and DT902 are judged once over the whole by `dtlint merge`.

What it costs: on 1,000,000 lines in local mode with 2 cores (bench/spark.py), the check stage
used about 1.3x the CPU of a single run (0.8x its responses per CPU second), on top of a
session's fixed cost of about 12 CPU seconds; with --read spark about 3x.

How (--read direct, the default): the driver lists the files and cuts them into splits of
spark.sql.files.maxPartitionBytes (a .gz or .zst file is one split); each task opens its files
with pyarrow.fs, finds the lines whose first byte lies in its split (looking at the byte before
the split and reading past its end to finish the last line) and writes them, as they are, into
`dtlint check - --stdin-format framed --partial` (and `dtlint audit ...`) as one framed chunk
`NAME TAB START+LENGTH TAB MTIME TAB LF BYTES`; nothing is decoded, so lone CRs and invalid UTF-8
stay as they are. Each task writes dtlint's partial result to the work folder itself; the driver
merges them. With --read spark, Spark's text reader reads the lines instead (LF alone as the
delimiter, cast to binary) and they pass through the JVM and Arrow to the tasks. See
examples/spark/README.md, and where the result can differ from a single run (names starting
with `_`, .json and .har files; with --read spark also empty files).

    spark-submit examples/spark/job.py --dtlint dist/dtlint-x86_64-linux-glibc2.17 \
        --root hdfs:///data --work hdfs:///tmp/dtlint-2026-11 \
        --report json=report.json --audit html=audit.html captures/ -- --app-type internal

Arguments after `--` go to every shard's dtlint and to the merge: the app, rule selection,
severities. The job exits with the merge's status (1 when findings fail the run, as dtlint
check does), or 0 with --exit-zero; a shard whose dtlint fails (a bad flag, an unreadable
profile) fails the job with dtlint's message.
"""
import argparse
import fcntl
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
import pyarrow.fs as pafs
from pyspark import SparkFiles, StorageLevel, TaskContext
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
    parser.add_argument("--read", choices=("direct", "spark"), default="direct", help="direct (default): each task reads its byte range of a file itself (pyarrow.fs) and hands it to dtlint as one framed chunk, and writes dtlint's partial result to --work itself; spark: Spark's text reader reads the lines, which pass through the JVM and Arrow to the task, and the partial results are written with write.text (no DT004 for empty files)")
    parser.add_argument("--split-bytes", type=int, help="the size of a split in --read direct (default: spark.sql.files.maxPartitionBytes); .gz and .zst files are one split each")
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


def feed_all(blocks, procs, failure):
    """Writes every block to each dtlint's standard input, then closes them; an exception other
    than a closed pipe goes into `failure`, reported by the task once dtlint has exited."""
    try:
        for block in blocks:
            for proc in procs:
                proc.stdin.write(block)
    except BrokenPipeError:
        pass  # dtlint stopped reading: its exit status says why
    except BaseException as e:
        failure.append(e)
    finally:
        for proc in procs:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass


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
        procs = start_dtlint(ship, commands)
        outputs = [[] for _ in procs]
        errors = [b"" for _ in procs]
        failure = []

        def feed():
            feed_all((frame(batch) for batch in batches), procs, failure)

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


# Codecs of the line-based files a single run decompresses, by suffix, as pyarrow names them.
CODECS = {".gz": "gzip", ".zst": "zstd"}
# What a task reads (and writes to dtlint) at a time.
BLOCK = 8 << 20


def list_files(spark, uris):
    """(URI, size, modification time in whole seconds) of every line-based file under the inputs,
    as Spark's text reader lists them (the same glob, the same names passed over: `_x`, `.x`),
    without reading them and without a Spark job: the file index of a text DataFrame over the
    inputs names the files (empty ones too), their sizes and times are asked of the file
    system. A file reached from two inputs is listed once."""
    df = spark.read.option("recursiveFileLookup", "true").option("pathGlobFilter", LINE_FORMATS).text(uris)
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found = {}
    for uri in df.inputFiles():
        if location(uri) not in found:
            path = jvm.org.apache.hadoop.fs.Path(uri)
            status = path.getFileSystem(conf).getFileStatus(path)
            # Whole seconds, rounded down, as Spark's _metadata.file_modification_time cast to long.
            found[location(uri)] = (uri, status.getLen(), status.getModificationTime() // 1000)
    return sorted(found.values())


def plan(files, split_bytes, open_cost, name_of):
    """The splits of the files, packed into partitions as Spark packs a file source's splits
    (largest first, a partition closed when the next split would take it past split_bytes,
    counting open_cost per split). A split is (URI, name, mtime, codec, start, length); a
    compressed file is one split, an empty file one empty split."""
    splits = []
    for path, size, mtime in files:
        name = name_of(path)
        codec = next((c for suffix, c in CODECS.items() if path.endswith(suffix)), None)
        if codec or size == 0:
            splits.append((path, name, mtime, codec, 0, size))
        else:
            splits.extend((path, name, mtime, None, start, min(split_bytes, size - start)) for start in range(0, size, split_bytes))
    partitions, current, filled = [], [], 0
    for split in sorted(splits, key=lambda s: -s[5]):
        if current and filled + split[5] > split_bytes:
            partitions.append(current)
            current, filled = [], 0
        current.append(split)
        filled += split[5] + open_cost
    if current:
        partitions.append(current)
    return partitions


_filesystems = {}


def arrow_fs(uri):
    """(pyarrow file system, path in it) of a Hadoop URI (file:/x, hdfs://nn:8020/x, s3a://b/x)."""
    scheme, authority, path = location(uri)
    if scheme in ("", "file"):
        return pafs.LocalFileSystem(), path
    scheme = "s3" if scheme in ("s3a", "s3n") else scheme
    key = (scheme, authority)
    if key not in _filesystems:
        _filesystems[key] = pafs.FileSystem.from_uri("%s://%s/" % key)
    fs, base = _filesystems[key]
    return fs, base.rstrip("/") + path


def line_start(stream, at, size):
    """The offset of the first line that starts at or after `at` in a file of `size` bytes: `at`
    when the byte before it is a LF, else the byte after the next LF (or the end)."""
    if at <= 0 or at >= size:
        return min(max(at, 0), size)
    stream.seek(at - 1)
    pos = at - 1
    while True:
        buf = stream.read(64 << 10)
        if not buf:
            return size
        i = buf.find(b"\n")
        if i >= 0:
            return pos + i + 1
        pos += len(buf)


def pieces(split):
    """The bytes to write to dtlint for a split, in pieces of at most BLOCK bytes, read without
    decoding anything: framed chunks of whole lines, those whose first byte lies in [start,
    start + length) (of the decompressed content for a compressed file)."""
    path, name, mtime, codec, start, length = split
    head = "%s\t%%d+%%d\t%d\t\n" % (name, mtime)
    if length == 0:
        yield (head % (0, 0)).encode()  # an empty file: DT004, as in a single run
        return
    fs, at = arrow_fs(path)
    if codec is None:
        # One chunk: its bounds are found with two short reads, its bytes are passed on as read.
        with fs.open_input_file(at) as stream:
            size = stream.size()
            begin, end = line_start(stream, start, size), line_start(stream, start + length, size)
            if end <= begin:
                return  # a line that began before the split runs past its end
            yield (head % (begin, end - begin)).encode()
            stream.seek(begin)
            left = end - begin
            while left:
                buf = stream.read_buffer(min(BLOCK, left))
                if not buf.size:
                    raise OSError("%s: %d bytes shorter than when listed" % (path, left))
                left -= buf.size
                yield buf
        return
    # A compressed file: its length is known at the end only, so it goes in chunks of whole
    # lines of about BLOCK bytes, each at its offset in the decompressed content.
    with fs.open_input_stream(at, compression=codec) as stream:
        pending, pos, sent = b"", 0, False
        while True:
            buf = stream.read(BLOCK)
            pending = pending + buf if pending else buf
            cut = len(pending) if not buf else pending.rfind(b"\n") + 1
            if cut:
                yield (head % (pos, cut)).encode()
                yield memoryview(pending)[:cut]
                pos, pending, sent = pos + cut, pending[cut:], True
            if not buf:
                break
        if not sent:
            yield (head % (0, 0)).encode()  # nothing in it


def start_dtlint(ship, commands):
    """The shipped binary started once per command, reading framed records on standard input."""
    binary, profile, threads = ship
    path = SparkFiles.get(binary)
    if not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = dict(os.environ)
    env.setdefault("RAYON_NUM_THREADS", threads)  # the cores a task has (spark.task.cpus)
    # The profile shipped with the binary, or none: a dtlint.toml where the task runs is not the user's.
    profile_args = ["--profile", SparkFiles.get(profile)] if profile else ["--no-profile"]
    return [
        subprocess.Popen([path] + cmd[:2] + profile_args + cmd[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for cmd in commands
    ]


def direct(ship, commands, work):
    """The function each partition runs in --read direct: starts one dtlint per command, writes
    it the framed chunks of the partition's splits from a thread, copies what each prints to
    WORK/COMMAND/part-NNNNN (written under a hidden name, renamed when complete), and fails the
    task when a dtlint exits with a status other than 0. Yields the bytes each one wrote."""

    def run(index, partition):
        splits = [split for group in partition for split in group]
        attempt = TaskContext.get().attemptNumber() if TaskContext.get() else 0
        fs, base = arrow_fs(work)
        finals = ["%s/%s/part-%05d" % (base, cmd[0], index) for cmd in commands]
        temps = ["%s/%s/.part-%05d.%d.tmp" % (base, cmd[0], index, attempt) for cmd in commands]
        procs = start_dtlint(ship, commands)
        for proc in procs:
            try:  # fewer, larger transfers to dtlint (Linux; the default pipe holds 64 KB)
                fcntl.fcntl(proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
            except (AttributeError, OSError):
                pass
        errors = [b"" for _ in procs]
        written = [0 for _ in procs]
        failure = []

        def feed():
            feed_all((piece for split in splits for piece in pieces(split)), procs, failure)

        def drain(i):
            errors[i] = procs[i].stderr.read()

        def copy(i):
            try:
                with fs.open_output_stream(temps[i]) as out:
                    while True:
                        block = procs[i].stdout.read(1 << 20)
                        if not block:
                            break
                        out.write(block)
                        written[i] += len(block)
            except BaseException as e:
                failure.append(e)
                procs[i].stdout.read()  # let dtlint finish

        threads = [threading.Thread(target=feed, daemon=True)]
        for i in range(len(procs)):
            threads.append(threading.Thread(target=drain, args=(i,), daemon=True))
            threads.append(threading.Thread(target=copy, args=(i,), daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            for i, proc in enumerate(procs):
                if proc.wait() != 0:
                    raise RuntimeError("dtlint %s exited with %d: %s" % (commands[i][0], proc.returncode, errors[i].decode(errors="replace")))
            if failure:
                raise failure[0]
            for temp, final in zip(temps, finals):
                fs.move(temp, final)
        finally:
            for temp in temps:
                try:
                    fs.delete_file(temp)
                except (OSError, FileNotFoundError):
                    pass
        yield written

    return run


def qualified(spark, uri):
    """A path or URI qualified against the default file system, as Hadoop qualifies it."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).makeQualified(path).toUri().toString()


def check_direct(spark, args, ship, commands, roots, work):
    """--read direct: list, split, read, check and write the partial results; no data passes
    through the JVM."""
    conf = spark.sparkContext._jvm.org.apache.spark.network.util.JavaUtils
    split_bytes = args.split_bytes or conf.byteStringAsBytes(spark.conf.get("spark.sql.files.maxPartitionBytes", "128MB"))
    open_cost = conf.byteStringAsBytes(spark.conf.get("spark.sql.files.openCostInBytes", "4MB"))
    files = list_files(spark, [uri for uri, _ in roots])
    partitions = plan(files, split_bytes, open_cost, namer(roots))
    fs, base = arrow_fs(work)
    if fs.get_file_info(base).type != pafs.FileType.NotFound:
        sys.exit("%s already exists: pass a new folder as --work" % work)
    for cmd in commands:
        fs.create_dir(base + "/" + cmd[0])
    if partitions:
        sc = spark.sparkContext
        sc.parallelize(partitions, len(partitions)).mapPartitionsWithIndex(direct(ship, commands, work)).collect()
    for cmd in commands:
        with fs.open_output_stream(base + "/" + cmd[0] + "/_SUCCESS"):
            pass


def check_spark(spark, ship, commands, roots, work):
    """--read spark: Spark's text reader reads the lines; they pass through the JVM and Arrow to
    the tasks, whose output is written with write.text."""
    lines = read_lines(spark, [uri for uri, _ in roots])
    out = lines.mapInArrow(shard(ship, commands, namer(roots)), "kind tinyint, line binary")
    if len(commands) > 1:
        out = out.persist(StorageLevel.MEMORY_AND_DISK)  # one pass over the inputs for both
    for i, cmd in enumerate(commands):
        # One text file per partition, in order: check/part-00000..., audit/part-00000...
        out.filter(F.col("kind") == i).select(F.col("line").cast("string")).write.text(work.rstrip("/") + "/" + cmd[0])
    out.unpersist()


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
    work = qualified(spark, args.work) if args.work else "file://" + scratch + "/partials"
    if args.read == "direct":
        check_direct(spark, args, ship, commands, roots, work)
    else:
        check_spark(spark, ship, commands, roots, work)

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
