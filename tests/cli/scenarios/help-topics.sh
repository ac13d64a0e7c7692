# help topics: pare help TOPIC, the list in --help, and the same sections in
# the man page source.
"$PARE" help environment | head -3
"$PARE" --help | tail -1
"$PARE" help --man | grep '^# ' | tail -6
"$PARE" help nosuch || echo "exit $?"
"$PARE" help image sign
"$PARE" help image build | grep -c '^  '
"$PARE" help image nope || echo "exit $?"
