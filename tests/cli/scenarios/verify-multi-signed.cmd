verify --keys-dir @SHARED@/fixtures/real/multi-signed/keys @SHARED@/fixtures/real/multi-signed/APKINDEX.tar.gz
