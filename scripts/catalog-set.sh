#!/bin/sh
# The set file the main job and the compatibility scenarios import with:
# sets/base.yaml, less what the catalog does not use, plus rules for
# packages the catalog brings in that the base set has none for (a package
# base.yaml already names must get its rules there: a name given twice is an
# error).
#   - npm: no catalog image uses it; its closure (hundreds of node-*
#     packages) would double the import's time;
#   - nginx: its iproute2 serves the init script only (and brings tc plugins
#     and scripts needing coreutils);
#   - bash: base-files would fight baselayout over /etc (os-release, ...),
#     debianutils is for maintainer scripts;
#   - python3-numpy: the module, not its tools (f2py wants python3's
#     /usr/bin/python3, dh_numpy3 perl): the image names its interpreter;
#   - node-acorn (libnode108 needs it): its command-line script wants
#     /usr/bin/env (coreutils); node loads the library, not the script.
#   usage: scripts/catalog-set.sh > FILE
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sed '/^import:/,/^[a-z]/{/^  - npm$/d}' "$src/sets/base.yaml"
printf '  nginx:\n    ignore-depends: [iproute2]\n'
printf '  bash:\n    ignore-depends: [base-files, debianutils]\n'
printf '  python3-numpy:\n    ignore-depends: [python3]\n    drop: [usr/bin/*]\n'
printf '  node-acorn:\n    drop: [usr/share/nodejs/acorn/bin/*, usr/bin/acorn]\n'
