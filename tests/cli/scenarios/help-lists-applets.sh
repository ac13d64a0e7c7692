# Every applet in the table appears in --help, and the man page has it too.
"$PARE" --help > help.txt
"$PARE" help --man > man.scd
for a in version vertest help; do
  grep -q "^  $a " help.txt || { echo "missing $a in --help"; exit 1; }
done
grep -q '^## pare version' man.scd
grep -q -- '--root' man.scd
echo ok
