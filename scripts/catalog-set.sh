#!/bin/sh
# The set file the main job and the compatibility scenarios import with:
# sets/base.yaml, less what the catalog does not use, plus rules for
# packages the catalog brings in that the base set has none for.
#   - npm: no catalog image uses it; its closure (hundreds of node-*
#     packages) would double the import's time;
#   - nginx: its iproute2 serves the init script only (and brings tc plugins
#     and scripts needing coreutils);
#   - bash: base-files would fight baselayout over /etc (os-release, ...),
#     debianutils is for maintainer scripts;
#   - postgresql-client-15: postgresql-client-common is Debian's perl
#     wrapper around the client binaries (and brings netbase, which fights
#     baselayout over /etc/protocols); the binaries work without it;
#   - postgresql-15: locales (perl scripts) and libc-bin (ldd, a bash
#     script) serve Debian's cluster tools; initdb --locale=C and the
#     server need neither; the JIT (llvmjit.so and its bitcode: LLVM and z3,
#     130 MB) goes to postgresql-15-jit, which the server loads only when
#     jit is on and present;
#   - python3-numpy: the module, not its tools (f2py wants python3's
#     /usr/bin/python3, dh_numpy3 perl): the image names its interpreter;
#   - node-acorn (libnode108 needs it): its command-line script wants
#     /usr/bin/env (coreutils); node loads the library, not the script.
# The rules are merged into the base set's own (a package the base set
# already has rules for keeps them and gains these; never a duplicate key).
#   usage: scripts/catalog-set.sh > FILE
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$src/sets/base.yaml" <<'PY'
import sys, yaml
base = yaml.safe_load(open(sys.argv[1]))
extra = yaml.safe_load("""
nginx: {ignore-depends: [iproute2]}
bash: {ignore-depends: [base-files, debianutils]}
postgresql-client-15: {ignore-depends: [postgresql-client-common]}
postgresql-15:
  ignore-depends: [locales, locales-all, libc-bin, postgresql-common, libllvm14]
  split:
    postgresql-15-jit: [usr/lib/postgresql/15/lib/llvmjit*, usr/lib/postgresql/15/lib/bitcode/**]
python3-numpy: {ignore-depends: [python3], drop: [usr/bin/*]}
node-acorn: {drop: [usr/share/nodejs/acorn/bin/*, usr/bin/acorn]}
""")
base["import"] = [n for n in base.get("import", []) if n != "npm"]
pkgs = base.setdefault("packages", {})
for name, rules in extra.items():
    have = pkgs.setdefault(name, {}) or {}
    pkgs[name] = have
    for k, v in rules.items():
        if isinstance(v, list):
            have[k] = have.get(k, []) + [x for x in v if x not in have.get(k, [])]
        elif isinstance(v, dict):
            sub = have.setdefault(k, {})
            for sk, sv in v.items():
                sub.setdefault(sk, sv)  # a subpackage the base set has keeps its globs
        else:
            have.setdefault(k, v)
yaml.safe_dump(base, sys.stdout, sort_keys=False, width=1000)
PY
