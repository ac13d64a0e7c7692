version --json -t 1 2
