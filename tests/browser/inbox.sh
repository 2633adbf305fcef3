#!/bin/sh
# inbox.sh - runs inbox.mjs: an editor pages, filters and searches an
# inbox of 120 sources (filled through the store) on a 390 px screen.
# The newest source gets the widest designation there is, so the layout
# is checked at its worst.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
: "${INBOX_FILL:?set INBOX_FILL to the inbox_fill test program}"
make_instance inst
add_editor inst maria
"$INBOX_FILL" inst 120 10
# mummified-mammogram: words 4039 and 3821 of the EFF list, the widest
# pair in a proportional font
sqlite3 inst/inbox.db "update sources set designation = 4039 * 7776 + 3821,
	starred = 1 where id = (select id from sources
	order by last_day desc, id desc limit 1)"
start_editor inst || { not_ok "the editor face starts"; finish; }
run_browser inbox.mjs "$EURL" "$SHOTS" maria 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")"
check "screenshots were saved" test -s "$SHOTS/inbox-4-source.png"
kill -TERM $EPID; wait $EPID
finish
