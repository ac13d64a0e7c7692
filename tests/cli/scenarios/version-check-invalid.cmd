version -c 1.0 1.0-r1 bogus 2.0_p1 1..2
