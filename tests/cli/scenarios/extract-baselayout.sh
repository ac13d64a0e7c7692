# A real signed Alpine package: trusted with Alpine's keys, extracted into a
# new directory with its modes, times and symlinks; no temporary left.
real="$SHARED/fixtures/real"
"$PARE" extract -C root --keys-dir "$real/alpine-keys" \
	"$real/alpine-3.17-main-aarch64/alpine-baselayout-3.2.0-r23.apk"
echo "entries: $(find root -mindepth 1 | wc -l)"
echo "temporaries: $(find root -name '.apk.*' | wc -l)"
for l in var/run var/spool/cron/crontabs var/spool/mail; do
	echo "$l -> $(readlink "root/$l")"
done
stat -c '%A %s %Y %n' root/etc/motd root/etc/crontabs/root root/sbin/mkmntdirs
stat -c '%A %Y %n' root/tmp root/var/empty root/root root/etc
sha1sum root/etc/profile.d/locale.sh | cut -d' ' -f1
