version -t 1.0 1.0_rc1
