index --allow-untrusted x.apk
