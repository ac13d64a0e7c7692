version --frob -t 1 2
