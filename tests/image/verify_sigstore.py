#!/usr/bin/env python3
"""Verify a sigstore (cosign) signature of an image in a registry the way
containers/image does for a policy {"type": "sigstoreSigned", "keyPath": KEY,
"signedIdentity": {"type": "matchRepository"}}.

usage: verify_sigstore.py REGISTRY REPO REFERENCE PUBKEY

REGISTRY is host:port (plain http), REPO the repository name, REFERENCE a
tag or sha256 digest.  The image manifest's digest D is the sha256 of the
bytes the registry serves; the signatures are the layers of the manifest
tagged sha256-<hex of D>.sig whose media type is
application/vnd.dev.cosign.simplesigning.v1+json.  One must pass: its
annotation dev.cosignproject.cosign/signature verifies (RSA PKCS#1 v1.5,
SHA-256, checked with openssl) over the payload blob; the payload has
exactly the fields critical{identity{docker-reference}, image
{docker-manifest-digest}, type} and optional; type is "cosign container
image signature"; docker-manifest-digest is D; docker-reference names
REGISTRY/REPO.  Debian 12's skopeo is built with sigstore disabled, so the
tests use this where skopeo cannot verify.  Prints one line; exit 0 when
accepted, 1 when refused.
"""
import base64
import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.request

MT_PAYLOAD = "application/vnd.dev.cosign.simplesigning.v1+json"
ACCEPT = ", ".join(["application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json"])


def get(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def exact(obj, keys, where):
    if not isinstance(obj, dict) or set(obj) != set(keys):
        raise ValueError("%s: fields %s, want exactly %s" % (where, sorted(obj) if isinstance(obj, dict) else obj, sorted(keys)))


def check_payload(payload, digest, identity):
    p = json.loads(payload)
    exact(p, ["critical", "optional"], "payload")
    c = p["critical"]
    exact(c, ["identity", "image", "type"], "critical")
    exact(c["identity"], ["docker-reference"], "critical.identity")
    exact(c["image"], ["docker-manifest-digest"], "critical.image")
    if c["type"] != "cosign container image signature":
        raise ValueError("type %r" % c["type"])
    if c["image"]["docker-manifest-digest"] != digest:
        raise ValueError("signed digest %s, image is %s" % (c["image"]["docker-manifest-digest"], digest))
    # matchRepository: the repository of the signed reference (tag and
    # digest dropped) is the image's
    ref = c["identity"]["docker-reference"].split("@")[0]
    name = ref
    last = ref.split("/")[-1]
    if ":" in last:
        name = ref[: len(ref) - len(last)] + last.split(":")[0]
    if name != identity:
        raise ValueError("signed identity %s, image is %s" % (name, identity))


def verify_sig(pubkey, payload, sig_b64):
    with tempfile.TemporaryDirectory() as d:
        open(d + "/payload", "wb").write(payload)
        open(d + "/sig", "wb").write(base64.b64decode(sig_b64, validate=True))
        p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pubkey, "-signature",
                            d + "/sig", d + "/payload"], capture_output=True)
        return p.returncode == 0


def main():
    registry, repo, reference, pubkey = sys.argv[1:5]
    base = "http://%s/v2/%s" % (registry, repo)
    manifest = get("%s/manifests/%s" % (base, reference), ACCEPT)
    digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    tag = "sha256-%s.sig" % digest[7:]
    try:
        sigm = json.loads(get("%s/manifests/%s" % (base, tag), ACCEPT))
    except urllib.error.HTTPError as e:
        print("REFUSED: %s/%s@%s: no signature manifest %s (HTTP %d)" % (registry, repo, digest, tag, e.code))
        return 1
    reasons = []
    for layer in sigm.get("layers", []):
        if layer.get("mediaType") != MT_PAYLOAD:
            continue
        payload = get("%s/blobs/%s" % (base, layer["digest"]))
        if "sha256:" + hashlib.sha256(payload).hexdigest() != layer["digest"]:
            reasons.append("payload blob does not match its digest")
            continue
        sig = layer.get("annotations", {}).get("dev.cosignproject.cosign/signature", "")
        if not verify_sig(pubkey, payload, sig):
            reasons.append("signature does not verify with %s" % pubkey)
            continue
        try:
            check_payload(payload, digest, "%s/%s" % (registry, repo))
        except ValueError as e:
            reasons.append(str(e))
            continue
        print("ACCEPTED: %s/%s@%s signed by %s" % (registry, repo, digest, pubkey))
        return 0
    print("REFUSED: %s/%s@%s: %s" % (registry, repo, digest, "; ".join(reasons) or "no signature layer"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
