#!/bin/sh
# source_i18n.sh - runs source_i18n.mjs against a real server with two
# desks: every page of the source face in English, Chinese, Russian and
# Arabic at 1280 and 390 px (screenshots in $SHOTS/source-LANG-WIDTH-*),
# none overflowing, none with English left, Arabic right to left.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
make_instance inst
add_editor inst anna
add_editor inst boris
"$SAMIZDAT" desk add -d inst Investigations anna >/dev/null
"$SAMIZDAT" desk add -d inst Legal boris >/dev/null
start_server inst || { not_ok "the server starts"; finish; }
printf 'A leaked memo.\n' >memo.txt
run_browser source_i18n.mjs "$URL" "$SHOTS" "$WORK/memo.txt"
check "screenshots of the Arabic pages at 390 px were saved" \
	test -s "$SHOTS/source-ar-390-3-form.png"
stop_server
finish
