# An APK v3 (ADB) file is named as such, not reported as corrupt gzip.
printf 'ADBd\001\000\000\000pkg' > v3.apk
"$PARE" verify v3.apk
