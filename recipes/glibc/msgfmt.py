#!/usr/bin/env python3
"""A small msgfmt for glibc's po/ files (the build root has no gettext).

Usage: msgfmt.py [--version] -o OUT.mo IN.po
Reads a PO file as bytes (its charset is kept as it is), drops fuzzy,
obsolete and untranslated entries (the header is kept), and writes a GNU
.mo file: little-endian, the entries sorted by msgid, no hash table.
Messages with <PRIuMAX>-style macros (GNU's system-dependent strings,
written in .mo revision 1 segments) are left out: they stay untranslated.
Handles msgctxt (context EOT msgid), msgid_plural (msgid NUL plural;
msgstr[n] joined by NUL) and C escapes in strings.
"""
import struct
import sys

ESC = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b'"': b'"', b"\\": b"\\", b"a": b"\a",
       b"b": b"\b", b"f": b"\f", b"v": b"\v", b"?": b"?", b"'": b"'"}


def unquote(s):
    s = s.strip()
    if len(s) < 2 or s[:1] != b'"' or s[-1:] != b'"':
        raise ValueError("not a string: %r" % s)
    s, out, i = s[1:-1], bytearray(), 0
    while i < len(s):
        c = s[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        n = s[i + 1:i + 2]
        if n in ESC:
            out += ESC[n]
            i += 2
        elif n == b"x":
            j = i + 2
            while j < len(s) and s[j:j + 1] in b"0123456789abcdefABCDEF" and j < i + 4:
                j += 1
            out.append(int(s[i + 2:j], 16))
            i = j
        elif n.isdigit():
            j = i + 1
            while j < len(s) and j < i + 4 and s[j:j + 1] in b"01234567":
                j += 1
            out.append(int(s[i + 1:j], 8) & 0xFF)
            i = j
        else:
            raise ValueError("bad escape in %r" % s)
    return bytes(out)


def parse(data):
    entries, cur, field, fuzzy = {}, {}, None, False

    def flush():
        nonlocal cur, fuzzy
        if "msgid" in cur:
            msgid = cur["msgid"]
            if "msgid_plural" in cur:
                msgid += b"\0" + cur["msgid_plural"]
                strs = [cur[k] for k in sorted(k for k in cur if k.startswith("msgstr["))]
                msgstr = b"\0".join(strs)
            else:
                msgstr = cur.get("msgstr", b"")
            if "msgctxt" in cur:
                msgid = cur["msgctxt"] + b"\x04" + msgid
            translated = msgstr.replace(b"\0", b"") != b""
            if b"<PRI" in msgid:  # GNU's system-dependent strings: not written
                translated = False
            if (cur["msgid"] == b"" and "msgctxt" not in cur) or (translated and not fuzzy):
                entries[msgid] = msgstr
        cur, fuzzy = {}, False

    for raw in data.split(b"\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(b"#"):
            if "msgid" in cur and field and field.startswith("msgstr"):
                flush()
                field = None
            if line.startswith(b"#,") and b"fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith(b'"'):
            if field is None:
                raise ValueError("string outside an entry: %r" % line)
            cur[field] += unquote(line)
            continue
        key, _, rest = line.partition(b" ")
        key = key.decode("ascii")
        if key in ("msgctxt", "msgid") and "msgid" in cur and field and field.startswith("msgstr"):
            keep = fuzzy
            flush()
            fuzzy = keep
        if key not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not (
                key.startswith("msgstr[") and key.endswith("]")):
            raise ValueError("unknown keyword %r" % key)
        if key.startswith("msgstr["):
            key = "msgstr[%06d]" % int(key[7:-1])
        field = key
        cur[field] = unquote(rest)
    flush()
    return entries


def write_mo(entries, out):
    keys = sorted(entries)
    n = len(keys)
    orig_at, trans_at = 28, 28 + 8 * n
    data_at = 28 + 16 * n
    blob, otab, ttab = bytearray(), [], []
    for k in keys:
        otab.append((len(k), data_at + len(blob)))
        blob += k + b"\0"
    for k in keys:
        v = entries[k]
        ttab.append((len(v), data_at + len(blob)))
        blob += v + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, orig_at, trans_at, 0, data_at)
    body = b"".join(struct.pack("<2I", *e) for e in otab + ttab)
    with open(out, "wb") as f:
        f.write(head + body + bytes(blob))


def main(argv):
    if "--version" in argv:
        print("msgfmt (GNU gettext-tools compatible, pare recipes/glibc) 0.21")
        return 0
    if len(argv) != 3 or argv[0] != "-o":
        print("usage: msgfmt.py -o OUT.mo IN.po", file=sys.stderr)
        return 2
    with open(argv[2], "rb") as f:
        entries = parse(f.read())
    write_mo(entries, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
