#!/bin/sh
# source.sh - runs source.mjs against a real server, then checks that
# what the browser sent is stored, encrypted.  Screenshots go to
# $SHOTS (default: the build directory's browser-shots/).
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
printf 'A leaked memo.\n' >memo.txt
run_browser source.mjs "$URL" "$SHOTS" "$WORK/memo.txt"
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
