dump @SHARED@/fixtures/real/misc/hello-0.1.0-r0.apk @SHARED@/fixtures/real/misc/replaces-0.0.1-r0.apk
