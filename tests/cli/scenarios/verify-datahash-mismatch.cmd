verify @SHARED@/fixtures/real/wolfi/aws-c-s3-0.4.9-r0.apk @SHARED@/fixtures/real/wolfi/neon-4604-r0.apk
