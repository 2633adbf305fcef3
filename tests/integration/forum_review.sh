#!/bin/sh
# forum_review.sh - the attacks a security review of the forum replayed,
# over real HTTP, each named after what it stops: reading posts of hidden
# or deleted threads through the pages around a post (report, edit,
# history, quoting, liking, the API); titles of hidden threads in the
# public moderation log; filling the session table so nobody can log in;
# and what the editor face shows of a post with links and images.
# (Login lockout by strangers' tries is in forum_login.sh; edits held
# for approval in one step are in the forum store's unit tests.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

forum_instance inst forum.approve_first_posts=2 forum.trust1_read_posts=0 \
	forum.posts_per_minute=1000 max_sessions=16 || exit 1
add_editor inst maria || exit 1
start_face inst public || exit 1
P=$FACE_URL
PPID_PUBLIC=$FACE_PID
start_editor inst || exit 1

join a alice >/dev/null
join b bob >/dev/null
join m modsquad >/dev/null
"$S" forum -d inst role modsquad moderator >/dev/null
login m modsquad >/dev/null   # a moderator from now on

# ---- posts of hidden and deleted threads ------------------------------------------
new_thread m 1 'Secret plans' 'the hidden words of the first post' >/dev/null
T=$(cat m.thread)
reply m "$T" 'a second post, hidden with its thread' >/dev/null
thread_posts m "$T" >t.posts
P1=$(awk -F'\t' '$2 == 1 { print $1 }' t.posts)
P2=$(awk -F'\t' '$2 == 2 { print $1 }' t.posts)
new_thread m 1 'Open talk' 'anyone may read this' >/dev/null
V=$(cat m.thread)
check "a member may report a post of a visible thread" \
	test "$(fget b "/forum/post/$P1/report")" = 200
fpost m "/forum/thread/$T" "/forum/mod/thread/$T" \
	--data-urlencode action=hide_thread --data-urlencode 'reason=doxxing' >/dev/null
check "hidden_thread_read_through_report_page: a member gets 404 for its post's report page" \
	test "$(fget b "/forum/post/$P2/report")" = 404
check "...and not its words" sh -c "! grep -q 'hidden with its thread' b.html"
check "...nor through its edit page" test "$(fget b "/forum/post/$P1/edit")" = 404
check "...nor through its history" test "$(fget b "/forum/post/$P1/history")" = 404
check "...nor by its address" test "$(fget b "/forum/post/$P1")" = 404
check "...nor through the JSON API" \
	test "$(fget b "/api/v1/forum/posts/$P1")" = 404
check "...nor quoted into a reply in a visible thread" \
	sh -c "test \"\$(curl -s -b b -o b.q -w '%{http_code}' '$P/forum/thread/$V/reply?quote=$P1')\" = 404 && ! grep -q 'hidden words' b.q"
check "...nor liked" \
	test "$(fpost b "/forum/thread/$V" "/forum/post/$P1/like" --data-urlencode on=1)" = 404
check "...nor reported" \
	test "$(fpost b "/forum/thread/$V" "/forum/post/$P1/report" --data-urlencode 'reason=spam')" = 404
check "the moderators still read it" \
	sh -c "test \"\$(curl -s -b m -o m.h -w '%{http_code}' '$P/forum/post/$P1/history')\" = 200 && grep -q 'hidden words' m.h"

new_thread m 1 'Doomed thread' 'words of a deleted thread' >/dev/null
D=$(cat m.thread)
PD=$(thread_posts m "$D" | cut -f1)
fpost m "/forum/thread/$D" "/forum/mod/thread/$D" \
	--data-urlencode action=delete_thread --data-urlencode 'reason=off topic' >/dev/null
check "deleted_thread_read_through_report_page: a member gets 404, not its words" \
	sh -c "test \"\$(curl -s -b b -o b.d -w '%{http_code}' '$P/forum/post/$PD/report')\" = 404 && ! grep -q 'deleted thread' b.d"

# ---- hidden titles in the public log ----------------------------------------------
curl -s "$P/forum/log" >log.html
check "hidden_title_in_moderation_log: the public log does not name a hidden or deleted thread" \
	sh -c "! grep -q 'Secret plans\|Doomed thread' log.html"
check "...it says a hidden thread was acted on, and why" \
	sh -c "grep -q 'a hidden thread' log.html && grep -q 'doxxing' log.html"
check "...moderators still see the titles" \
	sh -c "curl -s -b m '$P/forum/log' | grep -q 'Secret plans'"

# ---- the editor face: links and images as text -------------------------------------
new_thread m 1 'Sources' 'See [the leak](https://spy.example/doc) and ![a photo](https://tracker.example/p.png).' >/dev/null
L=$(cat m.thread)
editor_login ed maria 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")" >/dev/null
curl -s -b ed "$EURL/forum/thread/$L" >ed.html
check "the editor face shows a post with an outside link and an image" \
	sh -c "! grep -q 'cannot be shown' ed.html && grep -q 'the leak (https://spy.example/doc)' ed.html"
check "...the image as its description and address, never fetched" \
	sh -c "grep -q 'a photo (https://tracker.example/p.png)' ed.html && ! grep -q '<img[^>]*tracker' ed.html"
check "...the link as text, never followed" \
	sh -c "! grep -q 'href=\"https://spy.example' ed.html"

# ---- a title that turns its line around (security review 2) ----------------------
# U+202E (right-to-left override), never closed, turned the rest of every
# line the title was shown on around: the author's name, the counts.
rlo=$(printf '\342\200\256')
lri=$(printf '\342\201\246')
new_thread m 1 "${rlo}Gnidaelsim${lri} title" 'body' >/dev/null
R=$(cat m.thread)
curl -s "$P/forum/board/1" >rlo.html
check "bidi_override_title: direction overrides and isolates are taken out of a thread's title" \
	sh -c "[ -n '$R' ] && grep -q '>Gnidaelsim title</a>' rlo.html && ! grep -q '$rlo' rlo.html && ! grep -q '$lri' rlo.html"
check "...and a title of nothing else is refused" \
	test "$(fpost m /forum/board/1/new /forum/board/1/new --data-urlencode "title=$rlo$rlo" --data-urlencode 'text=x')" = 400

# ---- session-table exhaustion (max_sessions = 16) ---------------------------------
codes=
for i in $(seq 1 16); do codes="$codes $(login al$i alice)"; done
check "session_table_exhaustion: one member's 16 logins all succeed" \
	test "$codes" = "$(printf ' 303%.0s' $(seq 1 16))"
check "...and ended their own oldest sessions: five stay" \
	sh -c "curl -s -b al11 '$P/forum' | grep -q '>Log in<' && ! curl -s -b al12 '$P/forum' | grep -q '>Log in<'"
check "...while another member's session lives on" \
	sh -c "! curl -s -b b '$P/forum' | grep -q '>Log in<'"
check "...and another member still logs in" test "$(login bb bob)" = 303
for n in carla dora erik; do
	join "$n" "$n" >/dev/null
	for i in 1 2 3 4 5; do login "$n$i" "$n" >/dev/null; done
done
check "session_table_exhaustion: a full table of members' sessions still lets a member log in" \
	test "$(login b2 bob)" = 303
check "...who is logged in" sh -c "! curl -s -b b2 '$P/forum' | grep -q '>Log in<'"

kill -TERM "$PPID_PUBLIC" "$EPID"
wait "$PPID_PUBLIC" "$EPID"
finish
