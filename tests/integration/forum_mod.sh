#!/bin/sh
# forum_mod.sh - moderation over real HTTP: a new member's first posts in
# the approval queue, reports with a reason, hiding (a hidden post cannot
# be fetched by its address), locking (a locked thread takes no reply),
# pinning, moving, merging, deleting; admins silencing and banning; every
# action in the public moderation log with who, what and why; and the
# same from the editor face, where editors act as staff.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

forum_instance inst forum.approve_first_posts=2 forum.trust1_read_posts=0 \
	forum.posts_per_minute=1000 || exit 1
"$S" forum -d inst board create Other >/dev/null
add_editor inst maria || exit 1
start_face inst public || exit 1
P=$FACE_URL
PPID_PUBLIC=$FACE_PID
start_editor inst || exit 1

join mo moira >/dev/null
join ad adele >/dev/null
join anna anna >/dev/null
join ben ben >/dev/null
"$S" forum -d inst role moira moderator >/dev/null
"$S" forum -d inst role adele admin >/dev/null
# id_of JAR: the id of the member logged in with JAR, as the forum's
# pages link their name.
id_of() {
	curl -s -b "$1" "$P/forum/account" |
		grep -o 'class="name" href="/forum/member/[0-9]*' | head -1 |
		grep -o '[0-9]*$'
}

# ---- the approval queue ----------------------------------------------------
new_thread anna 1 'A first thread' 'My first post.' >/dev/null
T=$(cat anna.thread)
check "a new member's first post waits for approval" \
	sh -c "grep -q 'note=pending' anna.go && curl -s -b anna '$P/forum/thread/$T' | grep -q 'Waits for a moderator'"
check "...unseen by others: the thread is not found" test "$(fget anon "/forum/thread/$T")" = 404
check "...nor listed on its board" sh -c "! curl -s '$P/forum/board/1' | grep -q 'A first thread'"
check "the queue is for staff only" test "$(fget anna /forum/queue)" = 403
fget mo /forum/queue >/dev/null
check "a moderator sees it in the queue" grep -q 'My first post.' mo.html
P1=$(thread_posts mo "$T" | head -1 | cut -f1)
check "...and approves it from there" \
	test "$(fsend mo "/forum/mod/post/$P1" --data-urlencode "csrf=$(csrf_of mo.html)" --data-urlencode action=approve --data-urlencode from=queue)" = 303
check "...back to the queue" grep -q '/forum/queue' mo.go
check "an approved post is there for everyone" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'My first post.'"
reply anna "$T" 'second, also waiting' >/dev/null
P2=$(cat anna.post)
check "the first posts wait: the second too" \
	test "$(thread_posts mo "$T" | awk -F'\t' -v p="$P2" '$1 == p { print $5 }')" = pending
check "a moderator rejects one" \
	test "$(fpost mo /forum/queue "/forum/mod/post/$P2" --data-urlencode action=reject --data-urlencode from=queue --data-urlencode 'reason=spam link')" = 303
reply anna "$T" 'third, still waiting' >/dev/null
fpost mo /forum/queue "/forum/mod/post/$(cat anna.post)" --data-urlencode action=approve >/dev/null
reply anna "$T" 'fourth, at once' >/dev/null
check "once approved twice, a member posts at once" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'fourth, at once'"
P4=$(cat anna.post)
check "search finds a visible post" \
	sh -c "curl -s '$P/search?q=fourth+type%3Apost' | grep -q '<mark>fourth'"

# ---- reports ---------------------------------------------------------------
reply mo "$T" 'staff need no approval' >/dev/null
check "staff posts need no approval" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'staff need no approval'"
check "a member reports a post, with a reason" \
	test "$(fpost ben "/forum/post/$P4/report" "/forum/post/$P4/report" --data-urlencode 'reason=It names a private person')" = 303
check "...once" \
	test "$(fpost ben "/forum/post/$P4/report" "/forum/post/$P4/report" --data-urlencode 'reason=again')" = 409
check "the queue shows the report, its reason and who made it" \
	sh -c "curl -s -b mo '$P/forum/queue' | grep -q 'It names a private person' && curl -s -b mo '$P/forum/queue' | grep -A3 'Reports (1)' | grep -q '>ben<'"

# ---- hiding ---------------------------------------------------------------
check "a moderator hides the post, saying why" \
	test "$(fpost mo "/forum/thread/$T" "/forum/mod/post/$P4" --data-urlencode action=hide --data-urlencode 'reason=private details')" = 303
check "a hidden post is gone from the thread" \
	sh -c "! curl -s '$P/forum/thread/$T' | grep -q 'fourth, at once'"
check "a hidden post fetched by its address is not found" \
	test "$(fget anon "/forum/post/$P4")" = 404
check "...nor by the API" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/api/v1/forum/posts/$P4")" = 404
check "...nor by its history or report pages" \
	sh -c "test \"\$(curl -s -b ben -o /dev/null -w '%{http_code}' '$P/forum/post/$P4/report')\" = 404"
check "...nor by search" sh -c "! curl -s '$P/search?q=fourth+type%3Apost' | grep -q '<mark>fourth'"
check "staff still see it, marked hidden" \
	sh -c "curl -s -b mo '$P/forum/thread/$T' | grep -q 'Hidden by a moderator'"
check "hiding a post closed its report" \
	sh -c "curl -s -b mo '$P/forum/queue' | grep -q 'Reports (0)'"
check "the moderation log says who, what, about what and why" \
	sh -c "curl -s '$P/forum/log' | grep -A6 '>moira<' | grep -q 'hid a post' && curl -s '$P/forum/log' | grep -q 'private details'"
check "...naming the post by its number and thread, in the reader's language" sh -c "
	curl -s '$P/forum/log' | grep -q '#[0-9]* in [^<]*' &&
	curl -s '$P/forum/log?lang=ru' | grep -q '№[0-9]* в теме «' &&
	! curl -s '$P/forum/log?lang=ru' | grep -q '#[0-9]* in '"
fpost mo "/forum/thread/$T" "/forum/mod/post/$P4" --data-urlencode action=unhide >/dev/null
check "unhidden, it is back" sh -c "curl -s '$P/forum/thread/$T' | grep -q 'fourth, at once'"

# ---- threads ---------------------------------------------------------------
check "a moderator locks the thread" \
	test "$(fpost mo "/forum/thread/$T" "/forum/mod/thread/$T" --data-urlencode action=lock --data-urlencode 'reason=enough said')" = 303
check "a locked thread answered is refused" test "$(reply ben "$T" 'one more')" = 403
check "...saying so" grep -q 'locked' ben.out
check "...and shows no reply form" \
	sh -c "curl -s -b ben '$P/forum/thread/$T' | grep -q 'This thread is locked' && ! curl -s -b ben '$P/forum/thread/$T' | grep -q 'Post the reply'"
check "staff may still reply in a locked thread" test "$(reply mo "$T" 'closing note')" = 303
fpost mo "/forum/thread/$T" "/forum/mod/thread/$T" --data-urlencode action=unlock >/dev/null
check "unlocked, members reply again" test "$(reply ben "$T" 'thanks')" = 303
new_thread mo 1 'Forum rules' 'Be kind.' >/dev/null
R=$(cat mo.thread)
check "a moderator pins a thread" \
	test "$(fpost mo "/forum/thread/$R" "/forum/mod/thread/$R" --data-urlencode action=pin)" = 303
check "a pinned thread is sticky on its board" \
	sh -c "curl -s '$P/forum/board/1' | grep -q 'Sticky</span> <a href=\"/forum/thread/$R\"'"
check "a moderator moves a thread to another board" \
	test "$(fpost mo "/forum/thread/$R" "/forum/mod/thread/$R" --data-urlencode action=move --data-urlencode board=2)" = 303
check "...where it is listed now" \
	sh -c "curl -s '$P/forum/board/2' | grep -q 'Forum rules' && ! curl -s '$P/forum/board/1' | grep -q 'Forum rules'"
new_thread mo 1 'Duplicate' 'Said twice.' >/dev/null
D=$(cat mo.thread)
check "a moderator merges a thread into another" \
	test "$(fpost mo "/forum/thread/$D" "/forum/mod/thread/$D" --data-urlencode action=merge --data-urlencode "into=$R")" = 303
check "...whose posts it now holds" \
	sh -c "curl -s '$P/forum/thread/$R' | grep -q 'Said twice.' && curl -s '$P/forum/thread/$D' | grep -q 'merged into'"
check "merging into a thread that does not exist is refused" \
	test "$(fpost mo "/forum/thread/$T" "/forum/mod/thread/$T" --data-urlencode action=merge --data-urlencode into=99999)" = 400
new_thread mo 1 'Doomed' 'Going.' >/dev/null
X=$(cat mo.thread)
fpost mo "/forum/thread/$X" "/forum/mod/thread/$X" --data-urlencode action=delete_thread --data-urlencode 'reason=off topic' >/dev/null
check "a deleted thread is not found" test "$(fget anon "/forum/thread/$X")" = 404

# ---- members: silence, ban -----------------------------------------------
B=$(id_of ben)
check "a moderator may not ban" \
	test "$(fpost mo "/forum/member/$B" "/forum/mod/member/$B" --data-urlencode action=ban)" = 403
check "an admin silences a member" \
	test "$(fpost ad "/forum/member/$B" "/forum/mod/member/$B" --data-urlencode action=silence --data-urlencode 'reason=cool down')" = 303
check "a silenced member posting is refused" test "$(reply ben "$T" 'can I?')" = 403
check "...saying so" grep -q 'You are silenced' ben.out
check "...and liking too" \
	test "$(fpost ben "/forum/thread/$T" "/forum/post/$P4/like" --data-urlencode on=1)" = 403
fpost ad "/forum/member/$B" "/forum/mod/member/$B" --data-urlencode action=unsilence >/dev/null
check "let post again, they post" test "$(reply ben "$T" 'back')" = 303
check "an admin bans a member" \
	test "$(fpost ad "/forum/member/$B" "/forum/mod/member/$B" --data-urlencode action=ban --data-urlencode 'reason=threats')" = 303
check "a banned member's session ends at once" \
	sh -c "curl -s -b ben '$P/forum' | grep -q '>Log in<'"
check "...and they cannot log in again" test "$(login ben2 ben)" = 403
check "...being told why" grep -q 'banned' ben2.out
check "the log shows the ban and its reason, to anyone" \
	sh -c "curl -s '$P/forum/log' | grep -q 'banned a member' && curl -s '$P/forum/log' | grep -q 'threats'"
check "a member cannot moderate" \
	test "$(fpost anna "/forum/thread/$T" "/forum/mod/thread/$T" --data-urlencode action=lock)" = 403

# ---- an approved text swapped for another ------------------------------------
join cleo cleo >/dev/null
new_thread cleo 1 'Cleo asks' 'an innocent first post' >/dev/null
CT=$(cat cleo.thread)
C1=$(thread_posts mo "$CT" | head -1 | cut -f1)
fpost mo /forum/queue "/forum/mod/post/$C1" --data-urlencode action=approve >/dev/null
fget cleo "/forum/post/$C1/edit" >/dev/null
fsend cleo "/forum/post/$C1/edit" --data-urlencode "csrf=$(csrf_of cleo.html)" \
	--data-urlencode 'text=SWAPPED AFTER APPROVAL' >/dev/null
check "edit_after_approval_waits_again: a member whose posts still wait for approval cannot swap an approved text unseen" \
	sh -c "test '$(thread_posts mo "$CT" | awk -F'\t' -v p="$C1" '$1 == p { print $5 }')' = pending && ! curl -s '$P/forum/thread/$CT' | grep -q 'SWAPPED AFTER APPROVAL'"

# ---- the editor face ---------------------------------------------------------
check "editor_names_not_probed_through_the_forum: an editor's login name is not known to the forum" test "$(join maria2 maria)" = 303
s=$(editor_login ed maria 'a long editor password' "$(oathtool --totp -b "$SECRET")")
check "an editor logs in" test "$s" = 303
check "the editor face shows editors the moderation queue" \
	sh -c "curl -s -b ed '$EURL/forum/queue' | grep -q 'Moderation queue'"
curl -s "$P/forum/thread/$T" >/dev/null   # kept for readers not logged in
check "a reader not logged in sees the post (the page is kept for them)" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'My first post.'"
curl -s -b ed -c ed "$EURL/forum/thread/$T" >ed.html
check "...and the threads, with every moderation form" grep -q 'action="/forum/mod/post/' ed.html
check "an editor hides a post from the editor face" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$(csrf_of ed.html)" --data-urlencode action=hide --data-urlencode 'reason=legal advice' "$EURL/forum/mod/post/$P1")" = 303
check "...it is hidden on the public face at once: the kept page is made again" \
	sh -c "! curl -s '$P/forum/thread/$T' | grep -q 'My first post.'"
check "...and the public log names the editors, never an editor's login name" \
	sh -c "curl -s '$P/forum/log' | grep -q 'the editors' \\
	&& ! curl -s '$P/forum/log' | grep -q maria && curl -s '$P/forum/log' | grep -q 'legal advice'"
check "a forged moderation on the editor face (no token) is refused" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' --data-urlencode action=unhide "$EURL/forum/mod/post/$P1")" = 403
check "without an editor's session, the forum pages of the editor face lead to its login" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$EURL/forum/queue")" = 303

# A public face taken over can write forum.db: HTML it plants in a post
# must never reach an editor's browser.
forum_sql inst "UPDATE posts SET html = '<meta http-equiv=\"refresh\" content=\"0;url=http://attacker.example/\"><p>planted</p>' WHERE thread_id = $T"
curl -s -b ed "$EURL/forum/thread/$T" >ed-forged.html
check "forged_post_html_never_reaches_editors: the editor face renders posts again from what their authors wrote" \
	sh -c "! grep -q 'http-equiv\|attacker.example\|planted' ed-forged.html && grep -q 'My first post.' ed-forged.html"

kill -TERM "$PPID_PUBLIC" "$EPID"
wait "$PPID_PUBLIC" "$EPID"
finish
