dump --keys-dir @SHARED@/fixtures/real/alpine-keys @SHARED@/fixtures/real/alpine-3.17-main-aarch64/APKINDEX.tar.gz
