# --progress-fd writes apk's DONE/TOTAL lines (each state once); --print-arch
# (--arch, the root's etc/apk/arch, the host's); -q quiets image build.
R="$SHARED/fixtures/real/melange-signed-repo"
"$PARE" --root r --initdb -X "$R" --keys-dir "$R/keys" --progress-fd 3 add pretend-baselayout > /dev/null 3> progress.txt
tail -1 progress.txt
sort progress.txt | uniq -d | wc -l
"$PARE" --arch aarch64 --print-arch
mkdir -p a/etc/apk && echo armv7 > a/etc/apk/arch && "$PARE" --root a --print-arch
cat > img.yaml <<YAML
contents:
  repositories: [$R]
  keyring: [$R/keys/melange.rsa.pub]
  packages: [pretend-baselayout]
archs: [x86_64]
YAML
"$PARE" -q image build img.yaml -o out
"$PARE" image build -q img.yaml q:1 out.tar
ls out.tar out.spdx.json
"$PARE" --progress-fd x version -t 1 2 || echo "exit $?"
"$PARE" --force-refresh --force-missing-repositories --print-arch
"$PARE" -q --progress-fd 3 image build img.yaml -o out2 3>&1
"$PARE" -q --root q --initdb -X "$R" --keys-dir "$R/keys" add pretend-baselayout; echo "quiet add: exit $?"
