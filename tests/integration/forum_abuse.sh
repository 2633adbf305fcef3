#!/bin/sh
# forum_abuse.sh - the attacks a forum without JavaScript, e-mail or IP
# addresses must hold off, each over real HTTP and named after what it
# stops: CSRF and forged or replayed forms, staff-looking names,
# registration floods, post, like and report floods, links and images
# from new members (trust levels), hostile Markdown, oversized and deeply
# nested posts, members editing or deleting each other's posts; and the
# registration modes: approval and invitation.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

forum_instance inst forum.approve_first_posts=1 forum.trust1_read_posts=5 \
	forum.registrations_per_hour=5 forum.posts_per_day_new=3 \
	forum.likes_per_day_new=2 forum.reports_per_day_new=1 \
	forum.posts_per_minute=1000 || exit 1
start_face inst public || exit 1
P=$FACE_URL
PUB=$FACE_PID

join mod moderna >/dev/null
"$S" forum -d inst role moderna moderator >/dev/null
join anna anna >/dev/null
join ben ben >/dev/null

# ---- forged names ------------------------------------------------------------
for name in 'admin ' 'Site Admin' "$(printf '\320\220dmin')" \
    "$(printf 'ad\342\200\213min')" 'Moderator Bob' 'the_staff'; do
	check "staff-looking name \"$name\" is refused" \
		test "$(join x "$name")" = 400
done
check "...with a clear message" grep -q 'looks like the staff\|alphabet\|invisible' x.out
"$S" forum -d inst reserve 'Press Office' >/dev/null
check "a reserved name is refused, in any spelling" \
	test "$(join y 'press_0ffice')" = 409

# ---- registration flood --------------------------------------------------------
join c1 carla >/dev/null
join c2 dora >/dev/null
check "registration flood: past the hourly budget, joining is refused" \
	test "$(join c3 erik)" = 429
check "...saying when to come back" grep -q 'come back in an hour' c3.out

# ---- CSRF, forged and replayed forms -----------------------------------------
new_thread mod 1 'Reading list' 'one' >/dev/null
T=$(cat mod.thread)
for i in 2 3 4 5 6; do reply mod "$T" "post $i" >/dev/null; done
check "csrf: a reply without its token is refused" \
	test "$(fsend anna "/forum/thread/$T/reply" --data-urlencode 'text=hi')" = 403
check "...saying the form is out of date or not from this site" \
	grep -q 'did not come from this site' anna.out
curl -s -b ben "$P/forum/thread/$T" >ben.page
check "csrf: another member's token is refused" \
	test "$(fsend anna "/forum/thread/$T/reply" --data-urlencode "csrf=$(csrf_of ben.page)" --data-urlencode 'text=hi')" = 403
check "csrf: a form posted from another site (no cookie) is refused" \
	test "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'text=hi' --data-urlencode "csrf=$(csrf_of ben.page)" "$P/forum/thread/$T/reply")" = 403
check "csrf: a login forged from another site (no pre-session cookie) is refused" \
	test "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=anna --data-urlencode 'password=a long password' --data-urlencode csrf=AAAA "$P/forum/login")" = 403
cp ben ben.old
curl -s -b ben "$P/forum/thread/$T" >ben.form
fpost ben /forum /forum/logout >/dev/null
check "a form replayed after logging out is refused" \
	test "$(curl -s -b ben.old -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$(csrf_of ben.form)" --data-urlencode 'text=replayed' "$P/forum/thread/$T/reply")" = 403
login ben ben >/dev/null

# ---- trust levels ---------------------------------------------------------------
check "a new member cannot post links to other sites" \
	test "$(reply anna "$T" 'Buy at [this shop](https://spam.example)')" = 400
check "...and is told why, with their words kept" \
	sh -c "grep -q 'New members cannot post links' anna.out && grep -q 'this shop' anna.out"
check "...nor images" test "$(reply anna "$T" '![x](/forum/flag/de.png)')" = 400
check "a new member's first post waits for approval" test "$(reply anna "$T" 'Hello, all.')" = 303
P1=$(cat anna.post)
fpost mod /forum/queue "/forum/mod/post/$P1" --data-urlencode action=approve >/dev/null
fget anna "/forum/thread/$T" >/dev/null
check "having read and been approved, the member has trust level 1" \
	sh -c "curl -s -b anna '$P/forum/account' | grep -q 'Trust level 1'"
check "...and may post links now" \
	test "$(reply anna "$T" 'See [the source](https://example.org/report)')" = 303
check "...rendered with rel=nofollow" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'href=\"https://example.org/report\" rel=\"nofollow ugc noopener\"'"

# ---- post, like and report floods -------------------------------------------
# carla has read nothing: trust level 0 (forms' tokens come from pages
# that are not threads, which would count as reading)
reply c1 "$T" 'zero' >/dev/null
fpost mod /forum/queue "/forum/mod/post/$(cat c1.post)" --data-urlencode action=approve >/dev/null
reply c1 "$T" 'one' >/dev/null
reply c1 "$T" 'two' >/dev/null
check "post flood: past the daily budget of trust level 0, posting is refused" \
	test "$(reply c1 "$T" 'three')" = 429
check "...saying the limit and that it rises with trust" \
	grep -q 'posted 3 times today.*Limits rise' c1.out
for i in 1 2 3; do reply anna "$T" "more $i" >/dev/null; done
check "limits rise with trust: the fourth post of the day at level 1 goes through" \
	test "$(reply anna "$T" 'more 4')" = 303
posts=$(thread_posts anon "$T" | awk -F'\t' '$4 == "moderna" { print $1 }' | sort -n)
set -- $posts
fpost c1 /forum/account "/forum/post/$1/like" --data-urlencode on=1 >/dev/null
fpost c1 /forum/account "/forum/post/$2/like" --data-urlencode on=1 >/dev/null
check "like flood: past the daily budget, liking is refused" \
	test "$(fpost c1 /forum/account "/forum/post/$3/like" --data-urlencode on=1)" = 429
fpost c1 "/forum/post/$1/report" "/forum/post/$1/report" --data-urlencode 'reason=one' >/dev/null
check "report flood: past the daily budget, reporting is refused" \
	test "$(fpost c1 "/forum/post/$2/report" "/forum/post/$2/report" --data-urlencode 'reason=two')" = 429
check "the account page says what the member's level allows" \
	sh -c "curl -s -b c1 '$P/forum/account' | grep -q 'Trust level 0'"

# ---- hostile posts -----------------------------------------------------------
reply anna "$T" '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) [y](JaVaScRiPt:alert(4)) &#60;svg onload=alert(5)&#62;' >/dev/null
curl -s "$P/forum/thread/$T" >hostile.html
check "hostile markdown: no script, event handler or javascript: link reaches a page" \
	sh -c "! grep -q '<script>alert\|<img src=x\|href=\"javascript\|href=\"JaVaScRiPt\|<svg' hostile.html"
check "...the words are shown as text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' hostile.html
head -c 10485760 /dev/zero | tr '\0' 'a' >big.txt
check "a 10 MB post is refused before it is read" \
	test "$(fpost anna "/forum/thread/$T" "/forum/thread/$T/reply" --data-urlencode "text@big.txt")" = 413
python3 -c 'print(">" * 100000 + " deep")' >deep.txt
check "100,000 nested quotes are refused" \
	test "$(fpost anna "/forum/thread/$T" "/forum/thread/$T/reply" --data-urlencode "text@deep.txt")" = 413
python3 -c 'print("- " * 15000 + "deep")' >lists.txt
check "15,000 nested list items are refused, saying how deep is allowed" \
	sh -c "test \"\$(curl -s -b anna -c anna -o lists.out -w '%{http_code}' --data-urlencode \"csrf=\$(grep -o 'name=\"csrf\" value=\"[^\"]*' anna.form | head -1 | cut -d'\"' -f4)\" --data-urlencode text@lists.txt '$P/forum/thread/$T/reply')\" = 413 && grep -q 'nested 16 deep at most' lists.out"

# ---- members and each other's posts -------------------------------------------
check "one member editing another's post is refused" \
	test "$(fsend ben "/forum/post/$P1/edit" --data-urlencode "csrf=$(csrf_of ben.page)" --data-urlencode 'text=defaced')" = 403
curl -s -b ben "$P/forum/thread/$T" >ben.page
check "...(with a good token too)" \
	test "$(fsend ben "/forum/post/$P1/edit" --data-urlencode "csrf=$(csrf_of ben.page)" --data-urlencode 'text=defaced')" = 403
check "...and its edit page is refused" test "$(fget ben "/forum/post/$P1/edit")" = 403
check "one member deleting another's post is refused" \
	test "$(fsend ben "/forum/post/$P1/delete" --data-urlencode "csrf=$(csrf_of ben.page)")" = 403
check "...the post is as it was" \
	sh -c "curl -s '$P/forum/thread/$T' | grep -q 'Hello, all.' && ! curl -s '$P/forum/thread/$T' | grep -q defaced"
kill -TERM "$PUB"
wait "$PUB"

# ---- a seized forum.db ------------------------------------------------------------
# After all that activity (joining, logging in, reading, posting, liking,
# reporting, moderating), every column of forum.db is read: a value that
# looks like a time (a Unix time from 2001 on) must be a whole day, except
# in the columns that hold public times (posts, edits, threads, the
# public moderation log).
public_times=' threads.created threads.last_at posts.created posts.edited post_edits.at modlog.at '
if [ "$SZ_TEST_ENGINE" = pg ]; then
	# The forum's own tables: on PostgreSQL its database also holds the
	# faces' sealed sessions and shared budgets (store/sessions.h), whose
	# expiry buckets are times by design.
	tables="select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '%fts%' and table_name not in ('sessions', 'budgets', 'budget_minutes', 'schema_version')"
	columns="select column_name from information_schema.columns where table_schema = 'public' and data_type in ('bigint', 'integer') and table_name ="
	int_sql() { echo true; }   # (the columns are integers already)
else
	tables="select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%fts%' and sql not like '%VIRTUAL%'"
	columns="select name from pragma_table_info where arg ="
	int_sql() { echo "typeof(\"$1\") = 'integer'"; }
fi
fine_times=
for t in $(forum_sql inst "$tables"); do
	for c in $(forum_sql inst "$columns '$t'"); do
		case "$public_times" in *" $t.$c "*) continue ;; esac
		n=$(forum_sql inst "select count(*) from \"$t\" where $(int_sql "$c") and \"$c\" between 1000000000 and 4000000000 and \"$c\" % 86400 <> 0")
		[ "$n" = 0 ] || fine_times="$fine_times $t.$c"
	done
done
check "forum_db_keeps_no_activity_time_finer_than_a_day: a seized forum.db says no hour of any member's logins, reads, likes or reports (${fine_times:-none})" \
	test -z "$fine_times"
if [ "$SZ_TEST_ENGINE" = pg ]; then
	skip "...and has no table of rate budgets" "on PostgreSQL the faces' shared budgets table (store/sessions.h) is in the database by design"
else
	check "...and has no table of rate budgets" \
		test "$(forum_sql inst "select count(*) from sqlite_master where name = 'budgets'")" = 0
fi
check "...while the report itself is kept, by its day" \
	test "$(forum_sql inst "select count(*) from reports where at % 86400 = 0")" -ge 1

# ---- approval mode -------------------------------------------------------------
forum_instance appr forum.registration=approval || exit 1
add_editor appr maria || exit 1
start_face appr public || exit 1
P=$FACE_URL
PUB=$FACE_PID
start_editor appr || exit 1
check "approval mode: joining says an account waits" test "$(join p1 paula)" = 303
check "...(the next page says so)" grep -q 'note=approval' p1.go
check "...and logging in is refused until then" test "$(login p2 paula)" = 403
check "...saying why" grep -q 'waits for a moderator' p2.out
editor_login ed maria 'a long editor password' "$(oathtool --totp -b "$SECRET")" >/dev/null
curl -s -b ed -c ed "$EURL/forum/queue" >ed.html
check "the editor sees the member in the queue" grep -q '>paula<' ed.html
# (the queue's form for her: the only member waiting)
PAULA=$(grep -o 'action="/forum/mod/member/[0-9]*"' ed.html | head -1 | grep -o '[0-9]*')
curl -s -b ed -o /dev/null --data-urlencode "csrf=$(csrf_of ed.html)" --data-urlencode action=approve_member --data-urlencode from=queue "$EURL/forum/mod/member/$PAULA"
check "once approved, the member logs in" test "$(login p3 paula)" = 303
kill -TERM "$PUB" "$EPID"
wait "$PUB" "$EPID"

# ---- invitation mode -------------------------------------------------------------
forum_instance inv forum.registration=invite forum.posts_per_minute=2 \
	forum.approve_first_posts=0 || exit 1
start_face inv public || exit 1
P=$FACE_URL
code=$("$S" forum -d inv invite)
check "invite mode: joining without a code is refused" test "$(join i1 ida)" = 400
check "...with a code that is not one, too" \
	test "$(fpost i2 /forum/register /forum/register --data-urlencode name=ida --data-urlencode 'password=a long password' --data-urlencode invite=aaaa-bbbb-cccc-dddd)" = 403
check "a code from samizdat forum invite lets one in" \
	test "$(fpost i3 /forum/register /forum/register --data-urlencode name=ida --data-urlencode 'password=a long password' --data-urlencode "invite=$code")" = 303
check "...once" \
	test "$(fpost i4 /forum/register /forum/register --data-urlencode name=ivan --data-urlencode 'password=a long password' --data-urlencode "invite=$code")" = 403
new_thread i3 1 'Burst' 'one' >/dev/null
reply i3 "$(cat i3.thread)" 'two' >/dev/null
check "burst: past the posts a minute, posting is refused" \
	test "$(reply i3 "$(cat i3.thread)" 'three')" = 429
check "...saying so" grep -q 'this minute' i3.out
# Each edit keeps what the post said before: edits spend the same budget.
E1=$(thread_posts i3 "$(cat i3.thread)" | head -1 | cut -f1)
codes=
for n in 1 2 3; do
	fget i3 "/forum/post/$E1/edit" >/dev/null
	codes="$codes $(fsend i3 "/forum/post/$E1/edit" --data-urlencode "csrf=$(csrf_of i3.html)" --data-urlencode "text=edit $n")"
done
check "edit_flood_is_bounded: past the posts a minute, editing is refused too ($codes)" \
	sh -c "echo '$codes' | grep -q 429"
kill -TERM "$FACE_PID"
wait "$FACE_PID"
finish
