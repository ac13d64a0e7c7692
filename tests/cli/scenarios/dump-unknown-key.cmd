dump --keys-dir @SHARED@/fixtures/real/alpine-keys @SHARED@/fixtures/real/misc/unsigned-test.apk
