verify --keys-dir @SHARED@/fixtures/real/rsa256-signed/keys @SHARED@/fixtures/real/rsa256-signed/APKINDEX.tar.gz
