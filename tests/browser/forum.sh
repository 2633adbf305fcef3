#!/bin/sh
# forum.sh - runs forum.mjs against a real public face: a published
# release with a memo, a forum with a board and a moderator.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
forum_instance inst forum.approve_first_posts=0 forum.trust1_read_posts=0 \
	forum.posts_per_minute=100
printf 'The ministry paid the contractor twice for the bridge.\n' >memo.txt
"$SAMIZDAT" release create -d inst --intro "Files." "The Bridge Papers" >/dev/null
"$SAMIZDAT" release add -d inst 1 memo.txt >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst 1 >/dev/null
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL
join mod Moira >/dev/null
"$SAMIZDAT" forum -d inst role Moira moderator >/dev/null
run_browser forum.mjs "$P" "$SHOTS" Moira 'a long password'
check "screenshots were saved at both widths" \
	sh -c "test -s '$SHOTS/forum-4-moderated-1280.png' && test -s '$SHOTS/forum-4-moderated-390.png'"
kill -TERM "$FACE_PID"
wait "$FACE_PID"
finish
