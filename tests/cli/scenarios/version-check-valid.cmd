version -c 1.0 2.3.4_rc1-r3 1.0~abc
