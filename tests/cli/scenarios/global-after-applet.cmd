version -t 2 1 --root /nonexistent -v
