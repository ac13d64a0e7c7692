version -t 1.9 1.10
