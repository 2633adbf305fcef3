#!/bin/sh
# forum.sh - members and their posts over real HTTP: joining with a name
# and a password only, logging in and out, threads and replies ("Re:"),
# quoting (the reply form filled in, attributed, linked back), likes,
# edits with their history, the profile beside every post (join date,
# messages, likes, flag, title by activity or set by an admin, badge),
# changing the password, deleting the account (posts stay, "deleted
# member"), pages of a thread and of a board by keyset, the discussion of
# archive documents ("So what do you think?"), search over posts, feeds
# and the JSON API.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

forum_instance inst forum.approve_first_posts=0 forum.trust1_read_posts=0 \
	forum.regular_member_posts=2 forum.posts_per_minute=1000 || exit 1
start_face inst public || exit 1
P=$FACE_URL

# ---- joining --------------------------------------------------------------
fget anon /forum/register >/dev/null
check "joining asks for a name and a password, nothing else" \
	sh -c "grep -q 'name=\"name\"' anon.html && grep -q 'name=\"password\"' anon.html && test \$(sed -n '/action=\"\/forum\/register\"/,/<\/form>/p' anon.html | grep -o '<input' | wc -l) = 3"
check "a member joins and is logged in" test "$(join anna 'Anna Berg')" = 303
check "...and the forum greets them by name" \
	sh -c "curl -s -b anna '$P/forum?note=welcome' | grep -q 'Welcome' && curl -s -b anna '$P/forum' | grep -q '>Anna Berg</a>'"
check "a second member joins" test "$(join ben ben)" = 303
check "a name that is taken is refused" test "$(join other 'anna berg')" = 409
check "...saying so" grep -q "That name is taken" other.out
check "a short password is refused" \
	test "$(fpost x /forum/register /forum/register --data-urlencode name=carla --data-urlencode password=short)" = 400

# ---- threads, replies, quotes --------------------------------------------
check "a member starts a thread" \
	test "$(new_thread anna 1 'The bridge contract' 'Who signed the **second** invoice?')" = 303
T=$(cat anna.thread)
check "the thread shows the post, rendered" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'Who signed the <strong>second</strong> invoice?'"
check "another member replies" test "$(reply ben "$T" 'The same official, a week apart.')" = 303
R=$(cat ben.post)
check "a reply is titled Re: and the thread's title" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'Re: The bridge contract'"
fget anna "/forum/thread/$T/reply?quote=$R" >/dev/null
check "quote opens the reply form with the quoted post, attributed and linked back" \
	grep -q "&gt; \*\*\[ben\](/forum/thread/$T/page/1#p$R) wrote:\*\*" anna.html
check "...and the quoted words" grep -q "&gt; The same official, a week apart." anna.html
quote=$(sed -n '/<textarea/,/<\/textarea>/p' anna.html | sed 's/<[^>]*>//g' | python3 -c 'import html,sys; print(html.unescape(sys.stdin.read()))')
fsend anna "/forum/thread/$T/reply" --data-urlencode "csrf=$(csrf_of anna.html)" \
	--data-urlencode "text=$quote
Thank you, that settles it." --data-urlencode "quote=$R" >/dev/null
check "a reply with a quote shows the quote, linking back to the post" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q '<blockquote>' && curl -s '$P/forum/thread/$T' | grep -q 'href=\"/forum/thread/$T/page/1#p$R\"'"
check "the board lists the thread with its replies" \
	sh -c "curl -s '$P/forum/board/1' | grep -q '2 replies'"
check "the forum's home shows it under New threads and Latest replies" \
	sh -c "curl -s '$P/forum' | grep -A30 'New threads' | grep -q 'The bridge contract' && curl -s '$P/forum' | grep -A10 'Latest replies' | grep -q 'The bridge contract'"
check "an old post's link leads to its page and place" \
	sh -c "curl -s -o /dev/null -w '%{redirect_url}' '$P/forum/post/$R' | grep -q '/forum/thread/$T/page/1#p$R'"

# ---- likes ----------------------------------------------------------------
check "a member likes a post with one button" \
	test "$(fpost anna "/forum/thread/$T" "/forum/post/$R/like" --data-urlencode on=1)" = 303
fpost anna "/forum/thread/$T" "/forum/post/$R/like" --data-urlencode on=1 >/dev/null
check "...which counts once, however often pressed" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q '1 like<'"
check "the author's likes show beside their posts" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -o '<dt>Likes</dt><dd>[0-9]*' | grep -q '>1$'"
check "...and the button now says Unlike" \
	sh -c "curl -s -b anna '$P/forum/thread/$T' | grep -q '>Unlike<'"
check "nobody likes their own post" \
	test "$(fpost ben "/forum/thread/$T" "/forum/post/$R/like" --data-urlencode on=1)" = 403

# ---- edits ----------------------------------------------------------------
fget ben "/forum/post/$R/edit" >/dev/null
check "the author edits their post" \
	test "$(fsend ben "/forum/post/$R/edit" --data-urlencode "csrf=$(csrf_of ben.html)" --data-urlencode 'text=The same official, six days apart.')" = 303
check "the post says it was edited" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'six days apart' && curl -s '$P/forum/thread/$T' | grep -q 'edited'"
check "its history keeps what it said before, for the author" \
	sh -c "curl -s -b ben '$P/forum/post/$R/history' | grep -q 'a week apart'"
check "...and for nobody else" test "$(fget anna "/forum/post/$R/history")" = 403

# ---- profiles -------------------------------------------------------------
"$S" forum -d inst title 'Anna Berg' 'The Chairman' >/dev/null
"$S" forum -d inst badge 'Anna Berg' 'STAFF' >/dev/null
A=$(thread_posts anon "$T" | awk -F'\t' '$4 == "Anna Berg" { print $3; exit }')
check "a member chooses a flag" \
	test "$(fpost anna /forum/account /forum/account/country --data-urlencode country=de)" = 303
curl -s "$P/forum/thread/$T" >page.html
check "next to every post: name, badge, title, flag, join date, messages, likes" \
	sh -c "grep -q 'class=\"badge\">STAFF' page.html && grep -q 'The Chairman' page.html && grep -q 'forum/flag/de.png' page.html && grep -q '<dt>Joined</dt><dd>20' page.html && grep -q '<dt>Messages</dt>' page.html && grep -q '<dt>Likes</dt>' page.html"
check "the flag is served by the face" \
	sh -c "curl -s '$P/forum/flag/de.png' | head -c 8 | od -An -c | grep -q 'P   N   G'"
check "a flag that is not one is not served" test "$(fget anon '/forum/flag/..%2f..%2fetc%2fpasswd.png')" = 404
reply ben "$T" 'third' >/dev/null
check "titles come with activity: Regular Member after 2 posts" \
	sh -c "curl -s '$P/forum/member/$(thread_posts anon "$T" | awk -F'\t' '$4 == "ben" { print $3; exit }')' | grep -q 'Regular Member'"
check "a member's profile shows join date, messages and likes" \
	sh -c "curl -s '$P/forum/member/$A' | grep -q '<dt>Joined</dt>' && curl -s '$P/forum/member/$A' | grep -q '<dt>Likes received</dt>'"

# ---- pages of a thread, of a board ---------------------------------------
i=0
while [ $i -lt 22 ]; do
	reply anna "$T" "filler $i" >/dev/null
	i=$((i + 1))
done
check "a long thread has pages, and page 2 goes on where page 1 ended" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'Page 1 of 2' && curl -s '$P/forum/thread/$T/page/2' | grep -q 'filler 21' && ! curl -s '$P/forum/thread/$T' | grep -q 'filler 21'"
check "a page past the end is not found" test "$(fget anon "/forum/thread/$T/page/3")" = 404
i=0
while [ $i -lt 26 ]; do
	new_thread ben 1 "Topic $i" "text $i" >/dev/null
	i=$((i + 1))
done
older=$(curl -s "$P/forum/board/1" | grep -o 'href="/forum/board/1/older/[0-9.]*' | cut -d'"' -f2)
check "a board's older threads are a page of their own" \
	sh -c "test -n '$older' && curl -s '$P$older' | grep -q 'The bridge contract' && ! curl -s '$P/forum/board/1' | grep -q 'Topic 0<'"
check "...with a way back to newer ones" \
	sh -c "curl -s '$P$older' | grep -q 'rel=\"prev\" href=\"/forum/board/1/newer/'"
check "a page key that is not one is not found" test "$(fget anon '/forum/board/1/older/abc')" = 404

# ---- the archive's discussions -------------------------------------------
printf 'The ministry paid the contractor twice for the northern bridge.\n' >memo.txt
"$S" release create -d inst --intro "Files." "The Bridge Papers" >/dev/null
"$S" release add -d inst 1 memo.txt >/dev/null 2>&1
"$S" release publish -d inst 1 >/dev/null
check "a document's page invites anonymous readers to log in to comment" \
	sh -c "curl -s '$P/doc/1' | grep -q '0 comments on' && curl -s '$P/doc/1' | grep -q 'Members can say what they think.'"
check "...and asks members: So what do you think?" \
	sh -c "curl -s -b anna '$P/doc/1' | grep -q 'So what do you think?'"
check "a member comments on the document" \
	test "$(fpost anna /doc/1 /forum/comment --data-urlencode subject=document:1 --data-urlencode 'text=Twice? Who approved this?')" = 303
check "a second comment joins the same discussion" \
	test "$(fpost ben /doc/1 /forum/comment --data-urlencode subject=document:1 --data-urlencode 'text=The tender committee did.')" = 303
check "the document's page shows 2 comments and the latest of them" \
	sh -c "curl -s '$P/doc/1' | grep -q '2 comments on' && curl -s '$P/doc/1' | grep -q 'The tender committee did.'"
check "the discussion is a thread on the archive's board, linking back" \
	sh -c "curl -s '$P/forum/thread/$(curl -s "$P/doc/1" | grep -o '/forum/thread/[0-9]*' | head -1 | cut -d/ -f4)' | grep -q 'href=\"/doc/1\"'"
check "releases and e-mails have discussions too" \
	sh -c "curl -s '$P/release/1' | grep -q 'comments on'"
check "a comment on a document that does not exist is refused" \
	test "$(fpost anna /doc/1 /forum/comment --data-urlencode subject=document:999 --data-urlencode text=x)" = 404

# ---- search ---------------------------------------------------------------
check "the public search finds posts beside documents" \
	sh -c "curl -s '$P/search?q=tender' | grep -q 'In the discussion'"
check "type:post searches the discussion only" \
	sh -c "curl -s '$P/search?q=official+type%3Apost' | grep -q '<mark>official</mark>'"
check "by:NAME finds a member's posts" \
	sh -c "curl -s '$P/search?q=by%3Aben+tender' | grep -q 'committee did' && ! curl -s '$P/search?q=by%3Aben+twice' | grep -q 'Who approved'"
check "by: with someone nobody is says so" \
	sh -c "curl -s '$P/search?q=by%3Anobodyatall' | grep -q 'No member of the forum is called'"

# ---- feeds and the API ----------------------------------------------------
for f in /forum/feed.atom /forum/board/1/feed.atom "/forum/thread/$T/feed.atom"; do
	curl -s "$P$f" >feed.xml
	check "Atom feed $f is well-formed, with entries" \
		python3 -c 'import sys, xml.etree.ElementTree as E; t = E.parse("feed.xml"); ns = {"a": "http://www.w3.org/2005/Atom"}; sys.exit(0 if t.getroot().findall("a:entry", ns) else 1)'
done
check "the API lists the boards" \
	sh -c "curl -s '$P/api/v1/forum/boards' | python3 -c 'import json,sys; d = json.load(sys.stdin); assert \"General\" in [b[\"name\"] for b in d[\"boards\"]]'"
check "the API gives a thread's posts a page at a time" \
	sh -c "curl -s '$P/api/v1/forum/threads/$T?page=2' | python3 -c 'import json,sys; d = json.load(sys.stdin); assert d[\"page\"] == 2 and d[\"posts\"] and d[\"posts\"][0][\"position\"] == 21'"
check "the API gives a member's profile, without secrets" \
	sh -c "curl -s '$P/api/v1/forum/members/$A' | python3 -c 'import json,sys; d = json.load(sys.stdin); assert d[\"name\"] == \"Anna Berg\" and \"password\" not in json.dumps(d)'"
check "the API says 404 in JSON for what is not there" \
	sh -c "test \"\$(curl -s -o api.json -w '%{http_code}' '$P/api/v1/forum/posts/99999')\" = 404 && python3 -c 'import json; json.load(open(\"api.json\"))'"

# ---- the account ----------------------------------------------------------
login benx ben >/dev/null   # a second session, as a thief of the old password would have
check "a member changes their password" \
	test "$(fpost ben /forum/account /forum/account/password --data-urlencode 'old=a long password' --data-urlencode 'new=another long password')" = 303
check "stolen_session_outlives_password_change: the change logs out every other session of the member" \
	sh -c "! curl -s -b benx '$P/forum' | grep -q 'Log out' && curl -s -b ben '$P/forum' | grep -q 'Log out'"
check "...and not with the old one" test "$(login ben2 ben 'a long password')" = 403
check "...but with the new one" test "$(login ben3 ben 'another long password')" = 303
fpost anna /forum /forum/logout >/dev/null
check "a member logs out" sh -c "! curl -s -b anna '$P/forum' | grep -q 'Log out'"
login anna 'Anna Berg' >/dev/null
check "a member deletes their account" \
	test "$(fpost anna /forum/account /forum/account/delete --data-urlencode 'password=a long password')" = 303
check "...their posts stay, signed by a deleted member" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'deleted member' && curl -s '$P/forum/thread/$T' | grep -q 'Who signed the'"
check "...their name cannot be taken by someone else" test "$(join eve 'Anna Berg')" = 409
check "...and they can no longer log in" test "$(login anna2 'Anna Berg')" = 403
check "the database keeps no password of a deleted account" \
	test "$(forum_sql inst "select password_hash from members where id = $A")" = ""

kill -TERM "$FACE_PID"
wait "$FACE_PID"
stored=inst/forum.db
[ "$SZ_TEST_ENGINE" = pg ] && stored=$(seized inst | cut -d' ' -f2)
check "nothing about readers' addresses or agents is in the forum's database" \
	sh -c "! grep -aqF -e 127.0.0.1 -e curl/ $stored"
finish
