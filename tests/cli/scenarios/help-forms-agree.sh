# `pare help CMD`, `pare CMD --help` and `pare CMD -h` print the same text.
a=$("$PARE" help version)
b=$("$PARE" version --help)
c=$("$PARE" -h version)
[ "$a" = "$b" ] && [ "$a" = "$c" ]
printf '%s\n' "$a" | head -1
