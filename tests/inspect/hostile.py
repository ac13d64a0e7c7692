#!/usr/bin/env python3
"""Write OCI image layouts for tests/inspect/run.sh: hostile and tampered.

    hostile.py DIR [many]

DIR/NAME for NAME in dotdot, absolute, loop, whiteout, tampered (and
many: a layer of 600,000 entries, generated without tarfile's overhead).
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            ti.mode = e.get("mode", 0o644)
            data = e.get("data", b"")
            if e.get("type") == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
            elif e.get("type") == "sym":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e["target"]
            else:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if ti.size else None)
    return buf.getvalue()


def put_blob(d, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h


def layout(d, layers_raw, tamper_config=False):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    descs, diff_ids = [], []
    for raw in layers_raw:
        gz = gzip.compress(raw, compresslevel=1, mtime=0)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": put_blob(d, gz), "size": len(gz)})
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/bin"], "Entrypoint": ["/bin/true"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "hostile.py"} for _ in layers_raw]}).encode()
    cdig = put_blob(d, config)
    if tamper_config:
        with open(os.path.join(d, "blobs", "sha256", cdig[7:]), "ab") as f:
            f.write(b" ")
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": cdig, "size": len(config)},
                           "layers": descs}).encode()
    mdig = put_blob(d, manifest)
    with open(os.path.join(d, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": mdig, "size": len(manifest)}]}, f)


def many_entries(n):
    """A tar of n empty regular files, headers written directly."""
    out = io.BytesIO()
    for i in range(n):
        name = ("d%d/f%d" % (i // 1000, i)).encode()
        h = bytearray(512)
        h[0:len(name)] = name
        h[100:108] = b"0000644\0"
        h[108:116] = b"0000000\0"
        h[116:124] = b"0000000\0"
        h[124:136] = b"00000000000\0"
        h[136:148] = b"00000000000\0"
        h[148:156] = b"        "
        h[156:157] = b"0"
        h[257:265] = b"ustar\x0000"
        s = sum(h)
        h[148:156] = b"%06o\0 " % s
        out.write(h)
    out.write(b"\0" * 1024)
    return out.getvalue()


def main():
    d = sys.argv[1]
    f = lambda name, data=b"x": {"name": name, "data": data}
    layout(os.path.join(d, "dotdot"), [tar_bytes([f("etc/ok"), f("../escape")])])
    layout(os.path.join(d, "absolute"), [tar_bytes([f("etc/ok"), f("/etc/abs")])])
    layout(os.path.join(d, "loop"), [tar_bytes([{"name": "a", "type": "sym", "target": "b"},
                                                {"name": "b", "type": "sym", "target": "a"},
                                                f("a/x")])])
    layout(os.path.join(d, "whiteout"), [
        tar_bytes([{"name": "etc", "type": "dir"}, f("etc/old"), f("etc/keep")]),
        tar_bytes([f("etc/.wh.old", b"")])])
    layout(os.path.join(d, "tampered"), [tar_bytes([f("etc/ok")])], tamper_config=True)
    if len(sys.argv) > 2 and sys.argv[2] == "many":
        layout(os.path.join(d, "many"), [many_entries(600000)])


if __name__ == "__main__":
    main()
