dump --json -v --keys-dir @SHARED@/fixtures/real/alpine-keys @SHARED@/fixtures/real/alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk
