#!/bin/sh
# mirror_forum.sh - the discussion in a mirror export: the forum's boards,
# threads, members' pages and moderation log as an anonymous reader sees
# them (no forms, nothing hidden or awaiting approval), comments under
# the documents they discuss linked to their threads, a browse index of
# boards; a second export after a moderator hides a post, and a third
# after a thread is hidden, rewrite only what changed and remove what is
# gone, while sha256sum -c, minisign and a link checker over the whole
# copy still pass; the torrent carries the forum too.  Posts are made through the public face, over HTTP.
# A post made after an export is in the next one, an incremental one.
# On both engines: tests/pg/engine.sh runs it on PostgreSQL, whose forum
# keeps its change log in forum_changes (the archive's shares the
# database), SQLite's in forum.db's changes.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
. "$here/../integration/lib.sh"
for tool in minisign python3 curl transmission-show; do
	if ! command -v $tool >/dev/null 2>&1; then
		not_ok "$tool is installed (scripts/deps check)"
		finish
	fi
done
S=$SAMIZDAT

bridge_papers inst
for kv in forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
    forum.approve_first_posts=0 forum.trust1_read_posts=0 \
    forum.posts_per_minute=1000; do
	sed -i "s/^${kv%%=*} = .*/${kv%%=*} = ${kv#*=}/" inst/samizdat.conf
done
"$S" forum -d inst board create General --about "Anything" >/dev/null
"$S" mirror keygen -d inst --no-passphrase >/dev/null 2>&1
start_face inst public || exit 1
P=$FACE_URL
FPID=$FACE_PID
join anna anna >/dev/null
join mo moira >/dev/null
"$S" forum -d inst role moira moderator >/dev/null
new_thread anna 1 'Who signed the invoice?' 'The invoice was signed twice.' >/dev/null
T=$(cat anna.thread)
reply mo "$T" 'A reply the moderator will hide.' >/dev/null
HIDE=$(cat mo.post)
fpost anna /forum/account /forum/comment --data-urlencode subject=document:1 \
	--data-urlencode 'text=This memo names the contractor.' >/dev/null
C=$(forum_sql inst "select id from threads where subject_kind = 2 and subject_id = 1")
# 52 lines of moderation: the public log has an older page
fget mo /forum/account >/dev/null
tok=$(csrf_of mo.html)
i=0
while [ $i -lt 26 ]; do
	fsend mo "/forum/mod/thread/$T" --data-urlencode "csrf=$tok" \
		--data-urlencode action=pin >/dev/null
	fsend mo "/forum/mod/thread/$T" --data-urlencode "csrf=$tok" \
		--data-urlencode action=unpin >/dev/null
	i=$((i + 1))
done
check "the posts were made on the live face" test -n "$T" -a -n "$HIDE" -a -n "$C"

if [ "$SZ_TEST_ENGINE" = pg ]; then
	CHANGES=forum_changes
	COLUMNS="select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_name = 'forum_changes'"
else
	CHANGES=changes
	COLUMNS="select group_concat(name) from pragma_table_info('changes')"
fi
n0=$(forum_sql inst "select count(*) from $CHANGES")
fget mo "/forum/thread/$T" >/dev/null
fget anna "/forum/board/1" >/dev/null
check "reading (a member's read position kept) leaves no trace in the forum's change log" \
	test "$(forum_sql inst "select count(*) from $CHANGES")" = "$n0" -a \
	"$n0" -gt 0 -a "$(forum_sql inst "select count(*) from reads")" -gt 0
check "the change log holds no time" \
	test "$(forum_sql inst "$COLUMNS")" = 'seq,kind,id'

links() {
	python3 "$here/../browser/linkcheck.py" out >links.out 2>&1
	grep -q ' 0 broken$' links.out || sed 's/^/# /' links.out | tail -5
	grep -q ' 0 broken$' links.out
}
verifies() {
	(cd out && sha256sum -c --quiet MANIFEST && minisign -Vqm MANIFEST -p ../inst/mirror.pub)
}

"$S" mirror export -q -d inst out >export1.out 2>&1
check "the export with a forum succeeds" grep -q '^exported out: ' export1.out
check "the forum's start page lists its boards" \
	grep -q 'General' out/forum.html
check "a board's page lists its threads" \
	grep -q 'Who signed the invoice?' out/forum/board/1.html
check "a thread's page shows its posts" \
	sh -c "grep -q 'The invoice was signed twice.' out/forum/thread/$T.html && grep -q 'A reply the moderator will hide.' out/forum/thread/$T.html"
check "its first page is there by number too (posts link to their page)" \
	test -s "out/forum/thread/$T/page/1.html"
check "members' pages, the moderation log and the feeds are there" \
	sh -c "ls out/forum/member/*.html >/dev/null && test -s out/forum/log.html && test -s out/forum/feed.atom && test -s out/forum/thread/$T/feed.atom"
check "a document's page shows its comments, linked to their thread" \
	sh -c "grep -q 'This memo names the contractor.' out/doc/1.html || grep -q \"forum/thread/$C.html\" out/doc/1.html"
check "the comment's thread is in the copy" test -s "out/forum/thread/$C.html"
check "the browse page lists the discussion's boards" \
	grep -q 'href="./forum.html"' out/browse.html
check "no page of the copy has a form, a CSRF token or a login link" \
	sh -c "! grep -rlE '<form|csrf|forum/login|forum/register' out --include='*.html'"
check "sha256sum -c and minisign pass" verifies
check "a link checker over the whole export finds no broken link" links
check "the moderation log's older page is in the copy" \
	sh -c 'ls out/forum/log/older/*.html >/dev/null 2>&1'
check "the MANIFEST lists the forum's pages" \
	grep -q "  forum/thread/$T.html\$" out/MANIFEST

"$S" mirror torrent out -o forum.torrent >/dev/null 2>&1
transmission-show forum.torrent >show.out 2>&1
check "the torrent of the export carries the forum's pages" \
	grep -q "out/forum/thread/$T.html" show.out

reply anna "$T" 'A second signature turned up in the ledger.' >/dev/null
LATE=$(cat anna.post)
"$S" mirror export -q -d inst out >export_late.out 2>&1
written=$(sed -n 's/.*files (\([0-9]*\) written.*/\1/p' export_late.out)
check "a post made on the live face after an export is in the next, incremental one ($written files written)" \
	sh -c "test -n '$LATE' && ! grep -q 'everything rendered' export_late.out && test '$written' -ge 1 -a '$written' -le 20 && grep -q 'A second signature turned up in the ledger.' out/forum/thread/$T.html"
check "...and the copy still verifies" verifies

before=$(stat -c %Y out/email/2.html)
sleep 1
check "a moderator hides a post on the live face" \
	test "$(fpost mo /forum/account "/forum/mod/post/$HIDE" --data-urlencode action=hide --data-urlencode 'reason=off topic')" = 303
"$S" mirror export -q -d inst out >export2.out 2>&1
written=$(sed -n 's/.*files (\([0-9]*\) written.*/\1/p' export2.out)
check "the next export is incremental and writes few files ($written)" \
	sh -c "! grep -q 'everything rendered' export2.out && test '$written' -ge 1 -a '$written' -le 20"
check "the hidden post is gone from the copy" \
	sh -c "! grep -rq 'A reply the moderator will hide.' out"
check "the other post is still there" \
	grep -q 'The invoice was signed twice.' "out/forum/thread/$T.html"
check "the moderation log in the copy says so" grep -q 'off topic' out/forum/log.html
check "pages it does not touch are left as they were" \
	test "$(stat -c %Y out/email/2.html)" -eq "$before"
check "sha256sum -c and minisign still pass" verifies
check "still no broken link" links

check "a moderator hides the whole thread" \
	test "$(fpost mo /forum/account "/forum/mod/thread/$T" --data-urlencode action=hide_thread --data-urlencode 'reason=spam')" = 303
"$S" mirror export -q -d inst out >export3.out 2>&1
check "a hidden thread's files are removed" \
	sh -c "! test -e out/forum/thread/$T.html && ! test -e out/forum/thread/$T/page/1.html && ! test -e out/forum/thread/$T/feed.atom"
check "its board no longer lists it" \
	sh -c "! grep -q 'Who signed the invoice?' out/forum/board/1.html"
check "the export says it removed files" grep -Eq ' [1-9][0-9]* removed\)' export3.out
check "sha256sum -c and minisign pass after the removal" verifies
check "and no link points at what was removed" links
"$S" mirror export -q -d inst out >export4.out 2>&1
check "an export with nothing new in the forum writes nothing" \
	grep -q '(0 written, ' export4.out

# A copy speaks the instance's first language: the forum's pages and the
# discussion under a document too, not English beside a Russian archive.
cp inst/samizdat.conf conf.saved
echo "languages = ru en" >>inst/samizdat.conf
"$S" mirror export -q -d inst out_ru >export_ru.out 2>&1
check "a copy of an instance whose first language is Russian has its forum in Russian" \
	sh -c "grep -q 'lang=\"ru\"' out_ru/forum/thread/$C.html && grep -q 'lang=\"ru\"' out_ru/forum.html"
check "...the discussion under a document too" \
	sh -c "! grep -q 'Discussion' out_ru/doc/1.html && grep -q 'lang=\"ru\"' out_ru/doc/1.html"
cp conf.saved inst/samizdat.conf

"$S" release unpublish -d inst 1 >/dev/null
"$S" mirror export -q -d inst out >export5.out 2>&1
check "a discussion outlives its unpublished document, which it no longer links" \
	sh -c "grep -q 'no longer published' out/forum/thread/$C.html && ! grep -q 'doc/1.html' out/forum/thread/$C.html"
check "and no link of the copy points at the unpublished pages" links
kill $FPID 2>/dev/null
wait $FPID 2>/dev/null
finish
