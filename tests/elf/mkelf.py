#!/usr/bin/env python3
"""Write minimal, valid dynamic ELF files of any class, byte order and
machine (the host toolchain only makes x86 ones): one PT_LOAD over the
whole file, PT_INTERP, PT_DYNAMIC with DT_NEEDED libc.so.6 and
libbar.so.2, DT_SONAME, DT_RUNPATH, a DT_VERNEED on libc.so.6
(GLIBC_2.17, GLIBC_2.34) and a DT_VERDEF (base + FOO_1.0); no sections.

usage: mkelf.py OUTDIR   (writes the seed set used by the fuzz corpus and
the reader's unit test: elf64-be-s390x.so elf32-be-ppc.so elf32-le-arm.so
elf64-le-aarch64.so)
"""
import os
import struct
import sys

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT = dict(NULL=0, NEEDED=1, STRTAB=5, STRSZ=10, SONAME=14, RUNPATH=29, FLAGS_1=0x6ffffffb,
          VERDEF=0x6ffffffc, VERDEFNUM=0x6ffffffd, VERNEED=0x6ffffffe, VERNEEDNUM=0x6fffffff)


def elf_hash(name):
    h = 0
    for c in name.encode():
        h = ((h << 4) + c) & 0xffffffff
        g = h & 0xf0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xffffffff
    return h


def align(b, n=8):
    return b + b"\0" * (-len(b) % n)


def build(is64, big, machine, interp="/lib/ld-test.so.1", soname="libtest.so.1"):
    e = ">" if big else "<"
    strs = b"\0"
    off = {}
    for s in ("libc.so.6", "libbar.so.2", soname, "$ORIGIN/../lib", "GLIBC_2.17", "GLIBC_2.34",
              "FOO_1.0"):
        off[s] = len(strs)
        strs += s.encode() + b"\0"
    ehsize, phsize = (64, 56) if is64 else (52, 32)
    nph = 3
    pos = ehsize + nph * phsize
    interp_b = interp.encode() + b"\0"
    interp_off = pos
    pos = len(align(b"\0" * (pos + len(interp_b))))
    str_off = pos
    pos = len(align(b"\0" * (pos + len(strs))))
    # verneed: one entry, two aux
    vn_off = pos
    vn = struct.pack(e + "HHIII", 1, 2, off["libc.so.6"], 16, 0)
    vn += struct.pack(e + "IHHII", elf_hash("GLIBC_2.17"), 0, 2, off["GLIBC_2.17"], 16)
    vn += struct.pack(e + "IHHII", elf_hash("GLIBC_2.34"), 0, 3, off["GLIBC_2.34"], 0)
    pos += len(vn)
    vd_off = pos
    vd = struct.pack(e + "HHHHIII", 1, 1, 1, 1, elf_hash(soname), 20, 28)
    vd += struct.pack(e + "II", off[soname], 0)
    vd += struct.pack(e + "HHHHIII", 1, 0, 2, 1, elf_hash("FOO_1.0"), 20, 0)
    vd += struct.pack(e + "II", off["FOO_1.0"], 0)
    pos = len(align(b"\0" * (pos + len(vd))))
    dyn_off = pos
    tags = [("NEEDED", off["libc.so.6"]), ("NEEDED", off["libbar.so.2"]),
            ("SONAME", off[soname]), ("RUNPATH", off["$ORIGIN/../lib"]),
            ("STRTAB", str_off), ("STRSZ", len(strs)), ("VERNEED", vn_off),
            ("VERNEEDNUM", 1), ("VERDEF", vd_off), ("VERDEFNUM", 2), ("FLAGS_1", 8),
            ("NULL", 0)]
    dfmt = e + ("qQ" if is64 else "iI")
    dyn = b"".join(struct.pack(dfmt, DT[t], v) for t, v in tags)
    total = dyn_off + len(dyn)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if big else 1, 1, 0]) + b"\0" * 8
    if is64:
        eh = ident + struct.pack(e + "HHIQQQIHHHHHH", 3, machine, 1, 0, ehsize, 0, 0, ehsize,
                                 phsize, nph, 64, 0, 0)
        ph = lambda t, o, sz: struct.pack(e + "IIQQQQQQ", t, 4, o, o, o, sz, sz, 8)
    else:
        eh = ident + struct.pack(e + "HHIIIIIHHHHHH", 3, machine, 1, 0, ehsize, 0, 0, ehsize,
                                 phsize, nph, 40, 0, 0)
        ph = lambda t, o, sz: struct.pack(e + "IIIIIIII", t, o, o, o, sz, sz, 4, 8)
    img = bytearray(total)
    img[0:ehsize] = eh
    phs = ph(PT_LOAD, 0, total) + ph(PT_INTERP, interp_off, len(interp_b)) + \
        ph(PT_DYNAMIC, dyn_off, len(dyn))
    img[ehsize:ehsize + len(phs)] = phs
    img[interp_off:interp_off + len(interp_b)] = interp_b
    img[str_off:str_off + len(strs)] = strs
    img[vn_off:vn_off + len(vn)] = vn
    img[vd_off:vd_off + len(vd)] = vd
    img[dyn_off:dyn_off + len(dyn)] = dyn
    return bytes(img)


SEEDS = {
    "elf64-be-s390x.so": (True, True, 22),
    "elf32-be-ppc.so": (False, True, 20),
    "elf32-le-arm.so": (False, False, 40),
    "elf64-le-aarch64.so": (True, False, 183),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (is64, big, machine) in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(build(is64, big, machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
