dump @SHARED@/fixtures/real/wolfi/aws-c-s3-0.4.9-r0.apk
