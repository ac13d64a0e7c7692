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
#   - node-acorn (libnode108 needs it): its command-line script wants
#     /usr/bin/env (coreutils); node loads the library, not the script.
#   usage: scripts/catalog-set.sh > FILE
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sed '/^import:/,/^[a-z]/{/^  - npm$/d}' "$src/sets/base.yaml"
printf '  nginx:\n    ignore-depends: [iproute2]\n'
printf '  bash:\n    ignore-depends: [base-files, debianutils]\n'
printf '  postgresql-client-15:\n    ignore-depends: [postgresql-client-common]\n'
printf '  node-acorn:\n    drop: [usr/share/nodejs/acorn/bin/*, usr/bin/acorn]\n'
