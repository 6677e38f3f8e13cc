#!/usr/bin/env python3
"""Print the highest glibc version an ELF binary needs, and the symbols that need it.

    python3 scripts/glibc-needed.py [--max 2.17] [--all] FILE

The dynamic loader refuses to start a binary when the C library lacks one of the
symbol versions (GLIBC_x.y) the binary's `.gnu.version_r` section names ("version
`GLIBC_2.34' not found"), so the highest of them is the oldest glibc the binary runs on.
This reads that section, and `.gnu.version` with `.dynsym` to name the symbols behind
each version, with Python's standard library only (no readelf or objdump needed).

A version all of whose references are weak (the linker marks it WEAK) does not stop
the binary from starting: the loader resolves those symbols to null, and the code that
asked for them weakly checks for that. Such versions are shown apart and do not count
against --max.

Exit status: 0 when the binary needs at most --max (or --max is not given), 1 when it
needs more, 2 when the file cannot be read as a dynamically linked ELF file.
"""

import argparse
import mmap
import struct
import sys

SHT_DYNSYM = 11
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
VER_FLG_WEAK = 0x2
SHN_UNDEF = 0
SHN_XINDEX = 0xFFFF
STB_WEAK = 2


class ElfError(Exception):
    pass


def version_key(name):
    """GLIBC_2.3.4 -> (2, 3, 4); None for names without a number (GLIBC_PRIVATE)."""
    try:
        return tuple(int(part) for part in name.split("_", 1)[1].split("."))
    except (IndexError, ValueError):
        return None


def parse_max(text):
    key = version_key("GLIBC_" + text)
    if key is None:
        raise argparse.ArgumentTypeError(f"not a glibc version: {text!r}")
    return key


def read_needs(data):
    """Return [(file, version, weak, [(symbol, weak_ref)])] from an ELF file's bytes."""
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    cls, endian = data[4], data[5]
    if cls not in (1, 2) or endian not in (1, 2):
        raise ElfError("unknown ELF class or byte order")
    e = "<" if endian == 1 else ">"
    is64 = cls == 2

    def unpack(fmt, offset):
        try:
            return struct.unpack_from(e + fmt, data, offset)
        except struct.error:
            raise ElfError("truncated ELF file") from None

    if is64:
        shoff, = unpack("Q", 0x28)
        shentsize, shnum, shstrndx = unpack("HHH", 0x3A)
        sh_fmt = "IIQQQQIIQQ"  # name type flags addr offset size link info align entsize
    else:
        shoff, = unpack("I", 0x20)
        shentsize, shnum, shstrndx = unpack("HHH", 0x2E)
        sh_fmt = "IIIIIIIIII"
    if shoff == 0:
        raise ElfError("no section headers (stripped with sstrip?); try `readelf -V`")

    def section(index):
        name, stype, _f, _a, offset, size, link, _i, _al, entsize = unpack(
            sh_fmt, shoff + index * shentsize)
        return {"type": stype, "offset": offset, "size": size, "link": link,
                "entsize": entsize}

    if shnum == 0:  # more than 0xff00 sections: the count is in section 0
        shnum = section(0)["size"]
    del shstrndx  # sections are found by type, not by name
    sections = [section(i) for i in range(shnum)]

    def string(sec, offset):
        start = sec["offset"] + offset
        end = data.find(b"\0", start, sec["offset"] + sec["size"])
        if end < 0:
            raise ElfError("unterminated string")
        return data[start:end].decode("utf-8", "replace")

    verneed = next((s for s in sections if s["type"] == SHT_GNU_VERNEED), None)
    if verneed is None:
        return []  # statically linked, or no versioned imports at all
    strtab = sections[verneed["link"]]

    # Elf{32,64}_Verneed and Elf{32,64}_Vernaux have the same layout in both classes.
    by_index = {}  # vna_other -> entry
    needs = []
    pos = verneed["offset"]
    while True:
        _ver, cnt, vn_file, vn_aux, vn_next = unpack("HHIII", pos)
        file_name = string(strtab, vn_file)
        apos = pos + vn_aux
        for _ in range(cnt):
            _hash, flags, other, vna_name, vna_next = unpack("IHHII", apos)
            entry = {"file": file_name, "version": string(strtab, vna_name),
                     "weak": bool(flags & VER_FLG_WEAK), "symbols": []}
            by_index[other] = entry
            needs.append(entry)
            if vna_next == 0:
                break
            apos += vna_next
        if vn_next == 0:
            break
        pos += vn_next

    # Name the symbols: .gnu.version has one 16-bit index per .dynsym entry.
    versym = next((s for s in sections if s["type"] == SHT_GNU_VERSYM), None)
    dynsym = next((s for s in sections if s["type"] == SHT_DYNSYM), None)
    if versym is not None and dynsym is not None:
        dynstr = sections[dynsym["link"]]
        entsize = dynsym["entsize"] or (24 if is64 else 16)
        count = min(dynsym["size"] // entsize, versym["size"] // 2)
        for i in range(1, count):
            index, = unpack("H", versym["offset"] + 2 * i)
            entry = by_index.get(index & 0x7FFF)
            if entry is None:
                continue
            at = dynsym["offset"] + i * entsize
            if is64:
                st_name, st_info, _other, st_shndx = unpack("IBBH", at)
            else:
                st_name, = unpack("I", at)
                st_info, _other, st_shndx = unpack("BBH", at + 12)
            if st_shndx != SHN_UNDEF:
                continue
            entry["symbols"].append((string(dynstr, st_name), st_info >> 4 == STB_WEAK))
    return needs


def show(version):
    return ".".join(str(n) for n in version)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Print the highest glibc symbol version an ELF binary needs.")
    parser.add_argument("file")
    parser.add_argument("--max", type=parse_max, metavar="X.Y",
                        help="exit 1 when the binary needs a newer glibc than X.Y")
    parser.add_argument("--all", action="store_true",
                        help="list every GLIBC version needed, not only the highest")
    args = parser.parse_args(argv)

    try:
        with open(args.file, "rb") as f:
            # Mapped, not read: a debug build is hundreds of megabytes, of which this
            # reads a few pages.
            try:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                raise ElfError("not an ELF file") from None
            needs = read_needs(data)
    except (OSError, ElfError) as err:
        print(f"glibc-needed: {args.file}: {err}", file=sys.stderr)
        return 2

    glibc = [n for n in needs if n["version"].startswith("GLIBC_")]
    private = sorted({n["version"] for n in glibc if version_key(n["version"]) is None})
    numbered = [n for n in glibc if version_key(n["version"]) is not None]
    strong = [n for n in numbered if not n["weak"]]
    weak = [n for n in numbered if n["weak"]]

    def symbols_of(entries, version):
        names = set()
        for n in entries:
            if version_key(n["version"]) == version:
                names.update(name + (" (weak)" if is_weak else "") for name, is_weak in n["symbols"])
        return sorted(names)

    def files_of(entries, version):
        return sorted({n["file"] for n in entries if version_key(n["version"]) == version})

    if not glibc:
        print(f"{args.file}: needs no versioned glibc symbols (statically linked or not glibc)")
        return 0

    highest = max((version_key(n["version"]) for n in strong), default=None)
    if highest is None:
        print(f"{args.file}: needs glibc (no numbered version)")
    else:
        print(f"{args.file}: needs glibc {show(highest)}"
              f" ({', '.join(files_of(strong, highest))})")
        shown = sorted({version_key(n["version"]) for n in strong}, reverse=True)
        for version in shown if args.all else [highest]:
            names = symbols_of(strong, version)
            print(f"  GLIBC_{show(version)}: {len(names)} symbol(s): {' '.join(names)}")
    for version in sorted({version_key(n["version"]) for n in weak}, reverse=True):
        names = symbols_of(weak, version)
        print(f"  GLIBC_{show(version)} weak only, not needed to start: {' '.join(names)}")
    for name in private:
        print(f"  {name}: needs glibc's private interface, which ties it to one glibc build")

    if args.max is not None:
        too_new = highest is not None and highest > args.max
        if too_new or private:
            print(f"FAIL: {args.file} needs more than glibc {show(args.max)}", file=sys.stderr)
            return 1
        print(f"OK: {args.file} runs on glibc {show(args.max)} and later")
    return 0


if __name__ == "__main__":
    sys.exit(main())
