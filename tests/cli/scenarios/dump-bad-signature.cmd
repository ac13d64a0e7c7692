dump --keys-dir @SHARED@/fixtures/real/melange-signed-repo/keys @SHARED@/fixtures/real/wolfi/hello-wolfi-2.12.1-r0.apk
