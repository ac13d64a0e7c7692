version -t 1
