#!/bin/sh
# attack_withdrawn_discussion.sh - the attack: the newsroom removes a
# document that says too much (`release remove`, or Remove on the editor
# face), yet its discussion stayed public: a thread named after it (its
# title), readers' quotes of it, in the forum's pages, feeds, API and
# mirror exports.  Now removing hides the discussion too, logged without
# naming it, and staff can still read it.  (An unpublished release is not
# removed: its discussions outlive it, saying so; interop/mirror_forum.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

forum_instance inst forum.approve_first_posts=0 forum.trust1_read_posts=0 \
	forum.posts_per_minute=1000 || exit 1
start_face inst public || exit 1
P=$FACE_URL
PUB=$FACE_PID
printf 'Inspector Kowalski wrote this on the night shift.\n' >'Kowalski notes.txt'
printf 'The tender was never advertised.\n' >minutes.txt
"$S" release create -d inst "The Bridge Papers" >/dev/null
"$S" release add -d inst 1 'Kowalski notes.txt' minutes.txt >/dev/null 2>&1
"$S" release publish -d inst 1 >/dev/null
join anna anna >/dev/null
fpost anna /doc/1 /forum/comment --data-urlencode subject=document:1 \
	--data-urlencode 'text=Only the night shift knew Kowalski was there.' >/dev/null
fpost anna /release/1 /forum/comment --data-urlencode subject=release:1 \
	--data-urlencode 'text=What a release.' >/dev/null
T=$(curl -s "$P/doc/1" | grep -o '/forum/thread/[0-9]*' | head -1 | cut -d/ -f4)
check "the document's discussion is public before" sh -c "
	test -n '$T' && curl -s '$P/forum/thread/$T' | grep -q 'night shift knew'"

# what anyone may read of the forum: pages, feeds, API, log
public_forum() {
	for p in /forum /forum/feed.atom "/forum/thread/$T" \
	    "/forum/thread/$T/feed.atom" /forum/log "/api/v1/forum/threads/$T"; do
		curl -s "$P$p"
	done
	for b in $(curl -s "$P/api/v1/forum/boards" | grep -o '"id":[0-9]*' | cut -d: -f2); do
		curl -s "$P/forum/board/$b"
		curl -s "$P/forum/board/$b/feed.atom"
		curl -s "$P/api/v1/forum/boards/$b"
	done
}
"$S" release remove -d inst 1 1 >remove.out 2>&1
check "withdrawn_discussion: release remove succeeds" test $? -eq 0
public_forum >after.txt
check "withdrawn_discussion: the removed document's title and quotes leave the forum" \
	sh -c "! grep -q 'Kowalski' after.txt"
check "...its thread is gone for readers" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/forum/thread/$T")" = 404
check "...the moderation log says a thread was hidden, and why" \
	sh -c "curl -s '$P/forum/log' | grep -q 'withdrawn from the archive'"
check "...hidden as a moderator hides it: staff still read it" \
	test "$(forum_sql inst "SELECT state FROM threads WHERE id = $T")" = 1
check "the release's own discussion stays" \
	sh -c "curl -s '$P/forum/feed.atom' | grep -q 'What a release'"

# The same from the editor face: its removal hides the discussion too.
fpost anna /doc/2 /forum/comment --data-urlencode subject=document:2 \
	--data-urlencode 'text=Never advertised, says Nowak.' >/dev/null
check "...the second document's discussion is public before" \
	sh -c "curl -s '$P/forum/feed.atom' | grep -q 'Nowak'"
add_editor inst alice
start_editor inst || { not_ok "the editor face starts"; kill $PUB; finish; }
editor_login ed alice 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")" >/dev/null
curl -s -b ed -c ed "$EURL/releases" >rel.html
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of rel.html)" --data "id=2&release=1" \
	"$EURL/release/remove")
check "withdrawn_discussion: the editor face removes a document" test "$s" = 303
check "...and its discussion leaves the forum's feed" \
	sh -c "! curl -s '$P/forum/feed.atom' | grep -q 'Nowak'"
kill -TERM $EPID $PUB
wait $EPID $PUB
finish
