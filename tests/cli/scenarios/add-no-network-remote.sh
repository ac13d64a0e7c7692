# --no-network never downloads: a remote repository without a cached index
# is unavailable (a warning), nothing is fetched.
mkdir -p root
"$PARE" --root "$PWD/root" --arch x86_64 -X http://127.0.0.1:1/repo --no-network add --simulate foo || echo "exit $?"
