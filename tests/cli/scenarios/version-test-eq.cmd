version -t 1.2-r1 1.2-r1
