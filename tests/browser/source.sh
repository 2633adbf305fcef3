#!/bin/sh
# source.sh - runs source.mjs against a real server, then checks that
# what the browser sent is stored, encrypted.  Screenshots go to
# $SHOTS (default: the build directory's browser-shots/).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/../integration/lib.sh"
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
	not_ok "playwright-core and chromium are installed (scripts/deps check)"
	finish
fi
SHOTS=${SHOTS:-$here/../../build/browser-shots}
mkdir -p "$SHOTS"
make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
printf 'A leaked memo.\n' >memo.txt
node "$here/source.mjs" "$URL" "$SHOTS" "$WORK/memo.txt" >browser.tap 2>browser.err
status=$?
# Renumber the browser's TAP lines into ours.
grep -E '^(not )?ok ' browser.tap | sed 's/^\(not \)\{0,1\}ok [0-9]* - //' >names
i=0
grep -E '^(not )?ok ' browser.tap | while read -r line; do
	i=$((i + 1))
	what=$(sed -n "${i}p" names)
	case "$line" in
	ok*) echo "ok - browser: $what" ;;
	*) echo "not ok - browser: $what" ;;
	esac
done
[ $status -eq 0 ] || sed 's/^/# /' browser.err | head -20
tap_n=$(grep -cE '^(not )?ok ' browser.tap)
[ $status -eq 0 ] || tap_failed=$((tap_failed + 1))
check "the browser's message and file are stored encrypted (3 files)" \
	test "$(blobs inst)" -eq 3
found=0
for f in $(find inst/blobs -name '*.age'); do
	age -d -i inst.key "$f" >dec 2>/dev/null && cmp -s dec memo.txt && found=1
done
check "the file the browser sent decrypts to the original" test $found = 1
check "screenshots were saved" test -s "$SHOTS/4-sent.png"
stop_server
finish
