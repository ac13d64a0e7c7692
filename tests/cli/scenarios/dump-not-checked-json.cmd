dump --json --keys-dir @TMP@/no-keys @SHARED@/fixtures/real/misc/unsigned-test.apk
