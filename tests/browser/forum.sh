#!/bin/sh
# forum.sh - runs forum.mjs against a real public face: a published
# release with a memo, a forum with a board and a moderator.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
memo_forum inst || { not_ok "the public face starts"; finish; }
join mod Moira >/dev/null
"$SAMIZDAT" forum -d inst role Moira moderator >/dev/null
run_browser forum.mjs "$P" "$SHOTS" Moira 'a long password'
check "screenshots were saved at both widths" \
	sh -c "test -s '$SHOTS/forum-4-moderated-1280.png' && test -s '$SHOTS/forum-4-moderated-390.png'"
kill -TERM "$FACE_PID"
wait "$FACE_PID"
finish
