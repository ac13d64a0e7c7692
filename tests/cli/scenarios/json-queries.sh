# --json on info, list, search and stats; list --installed.
R="$SHARED/fixtures/real/melange-signed-repo"
"$PARE" --root r --initdb -X "$R" --keys-dir "$R/keys" add -q pretend-baselayout > /dev/null
"$PARE" --root r list --installed
"$PARE" --root r --json list --installed | python3 -c 'import json,sys; print([p["name"] for p in json.load(sys.stdin)])'
"$PARE" --root r --json info | python3 -c 'import json,sys; print([(p["name"], p["version"]) for p in json.load(sys.stdin)])'
"$PARE" --root r -X "$R" --keys-dir "$R/keys" --json info replayout | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["license"])'
"$PARE" --root r -X "$R" --keys-dir "$R/keys" --json search custom | python3 -c 'import json,sys; print(sorted(p["name"] for p in json.load(sys.stdin)))'
"$PARE" --root r -X "$R" --keys-dir "$R/keys" --json list 'replay*' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
"$PARE" --root r --json stats
rm r/var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json
"$PARE" --root r --json audit --system | python3 -c 'import json,sys; print([(x["reason"], x["path"], x["package"]) for x in json.load(sys.stdin)])'
"$PARE" --root r -X "$R" --keys-dir "$R/keys" --json policy replayout
