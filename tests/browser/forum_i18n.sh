#!/bin/sh
# forum_i18n.sh - runs forum_i18n.mjs against a real public face with a
# published release and a forum with a board, a thread and its replies:
# the forum's pages a reader meets (home, a board, a thread, a member,
# the moderation log,
# joining (a name refused, then a password too short: a refusal with a
# number in it) and logging in with a refusal shown, a document's discussion,
# a search the parser could not read and one it read its own way) in
# English, Chinese, Russian and Arabic at 1280 and 390 px (screenshots in
# $SHOTS/forum-LANG-WIDTH-*), none overflowing, none with English left,
# Arabic right to left.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
pot=$browser_here/../../po/samizdat.pot
memo_forum inst || { not_ok "the public face starts"; finish; }
join anna 'Anna Berg' >/dev/null
join ben ben >/dev/null
new_thread anna 1 'The bridge contract' 'Who signed the **second** invoice?' \
	>/dev/null
T=$(cat anna.thread)
reply ben "$T" 'The same official, a week apart.' >/dev/null
reply anna "$T" 'Then the tender committee knew.' >/dev/null
fpost anna /doc/1 /forum/comment --data-urlencode subject=document:1 \
	--data-urlencode 'text=Twice? Who approved this?' >/dev/null
run_browser forum_i18n.mjs "$P" "$SHOTS" "$pot" "$T"
check "screenshots of the Arabic forum at 390 px were saved" \
	test -s "$SHOTS/forum-ar-390-3-thread.png"
kill -TERM "$FACE_PID"
wait "$FACE_PID"
finish
