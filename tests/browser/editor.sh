#!/bin/sh
# editor.sh - runs editor.mjs against real source and editor faces: a
# source submits (with curl), the editor logs in and replies in Chromium
# with JavaScript off, and the source then reads the reply.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
make_instance inst
add_editor inst maria
start_server inst || { not_ok "the source face starts"; finish; }
start_editor inst || { not_ok "the editor face starts"; finish; }
new_source src
printf 'memo\n' >memo.txt
s=$(submit src -F "message=hello" -F files=@memo.txt)
check "a source has submitted" test "$s" = 303
commit inst
run_browser editor.mjs "$EURL" "$SHOTS" maria 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")"
check "the source reads the editor's reply" \
	sh -c "curl -s -b src '$URL/source' | grep -q 'Which department'"
check "screenshots were saved" test -s "$SHOTS/editor-4-replied.png"
stop_server
kill -TERM $EPID; wait $EPID
finish
