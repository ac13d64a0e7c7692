dump @SHARED@/fixtures/real/misc/hello-0.1.0-r0.apk
