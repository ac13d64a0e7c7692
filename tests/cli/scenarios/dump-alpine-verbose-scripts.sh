# -v adds each script's text under its line (only the scripts section is compared).
"$PARE" dump -v --keys-dir "$SHARED/fixtures/real/alpine-keys" \
	"$SHARED/fixtures/real/alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk" |
	sed -n '/^scripts:/,/^$/p'
