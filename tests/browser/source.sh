#!/bin/sh
# source.sh - runs source.mjs against a real server, then checks that
# what the browser sent is stored, encrypted.  Screenshots go to
# $SHOTS (default: the build directory's browser-shots/).
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
printf 'A leaked memo.\n' >memo.txt
run_browser source.mjs "$URL" "$SHOTS" "$WORK/memo.txt"
commit inst
check "the browser's message and file are stored encrypted (2 items)" \
	test "$(blobs inst)" -eq 2
unpack inst.key out $(find inst/blobs -name '*.age')
check "the file the browser sent decrypts to the original, under its name" \
	cmp -s out/memo.txt memo.txt
check "screenshots were saved" test -s "$SHOTS/4-sent.png"
stop_server
finish
