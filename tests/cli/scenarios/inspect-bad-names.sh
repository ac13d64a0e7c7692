# File names an image may carry (invalid UTF-8, an escape sequence) reach
# the table as \xNN, never raw to the terminal, and no evidence line is
# lost from --json or the SARIF file (jansson refuses invalid UTF-8).
mkdir -p r/usr/bin r/tmp
touch "r/usr/bin/$(printf 'a\377b')" "r/usr/bin/$(printf 'c\033[31md')"
chmod 4755 "r/usr/bin/$(printf 'a\377b')"
"$PARE" inspect r | grep -F -e 'setuid (owner' -e 'invalid UTF-8' | LC_ALL=C sort
"$PARE" inspect --json --sarif s.sarif r > j.json || echo "inspect exit $?"
python3 - <<'PY'
import json
j = json.load(open("j.json")); s = json.load(open("s.sarif"))
for c in j["checks"]:
    if c["id"] in ("CNT-015", "CNT-028"):
        print(c["id"], c["result"], c["evidenceTotal"], c["evidence"])
for r in s["runs"][0]["results"]:
    if r["ruleId"] in ("CNT-015", "CNT-028"):
        print(r["ruleId"], r["message"]["text"], r.get("locations", [{}])[0].get("physicalLocation"))
PY
