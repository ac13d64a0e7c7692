# import-deb keeps what a .deb says about itself: Conflicts and Breaks as
# '!' atoms (self-conflicts through Provides dropped, versions mapped as
# package versions are, an imported name mapped to its APK name), Replaces
# on an imported package, versioned Provides, the Debian version and purl
# (.PKGINFO, `pare info --origin`), and non-root owners of the data tar
# (numeric here: the ids have no names on the building host).
export SOURCE_DATE_EPOCH=1700000000
"$PARE" keygen -b 2048 -o . k > /dev/null
mkdir -p a/DEBIAN a/usr/bin b/DEBIAN b/var/lib/beta
cat > a/DEBIAN/control <<'CTL'
Package: alpha
Version: 1:1.0-1
Architecture: amd64
Maintainer: Test <test@example.org>
Provides: mta (= 1.0), alpha-tools
Conflicts: beta (<< 2.0~rc1), gamma, mta, alpha-tools
Breaks: delta (<= 0.9-1+deb12u1), epsilon (>> 3)
Replaces: beta, zeta
Description: alpha
 A test package.
CTL
printf '#!/bin/sh\n' > a/usr/bin/alpha && chmod 755 a/usr/bin/alpha
cat > b/DEBIAN/control <<'CTL'
Package: beta
Version: 2.0-1
Architecture: amd64
Maintainer: Test <test@example.org>
Description: beta
 Another test package.
CTL
echo data > b/var/lib/beta/state
chown -R 4242:4243 b/var/lib/beta && chmod 0750 b/var/lib/beta && chmod 0640 b/var/lib/beta/state
dpkg-deb --root-owner-group -Zgzip --build a alpha.deb > /dev/null
dpkg-deb -Zgzip --build b beta.deb > /dev/null
"$PARE" import-deb --set none --distro debian-12 -o repo -k k.rsa alpha.deb beta.deb > /dev/null
"$PARE" --allow-untrusted dump repo/x86_64/alpha-10000000001.0-r1.apk |
	grep -E '^  (depend|replaces|provides|debian_[a-z]+|purl) ='
"$PARE" --allow-untrusted dump repo/x86_64/beta-2.0-r1.apk | grep ' var/' | awk '{for (i = 3; i <= NF; i++) if ($i ~ /^var\//) print $1, $2, $i}'
"$PARE" --allow-untrusted -X "$PWD/repo" info --origin alpha
