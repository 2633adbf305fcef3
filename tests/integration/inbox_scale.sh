#!/bin/sh
# inbox_scale.sh - the editor's inbox with 10,000 sources (filled through
# the store by inbox_fill, spread over 30 days): every page is under
# 64 KiB, and paging older then newer through each view (all, unread,
# starred) shows each source exactly once, in order; a typed designation
# finds exactly the sources that bear it; the counts are the database's;
# a source arriving while an editor pages shifts nothing; deleting and
# retention keep every count right; and an inbox from before the counts
# existed is brought up to date.  inbox_walk.py does the paging.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
: "${INBOX_FILL:?set INBOX_FILL to the inbox_fill test program}"
N=10000

make_instance inst
add_editor inst alice
check "an inbox is filled with $N sources through the store" \
	"$INBOX_FILL" inst $N 30
start_editor inst || { not_ok "the editor face starts"; finish; }
s=$(editor_login ed alice 'a long editor password' "$(oathtool --totp -b "$SECRET")")
check "an editor logs in" test "$s" = 303
COOKIE=$(awk '$6 == "sz_editor" { print $7 }' ed)

# What each view must show, from the tables themselves (not the counts
# the inbox keeps, which are what is being checked).
db() { sqlite3 inst/inbox.db "$1"; }
expect() {
	db 'select distinct source_id from submissions' >exp.all
	db 'select distinct b.source_id from items i join submissions b
		on b.id = i.submission_id where i.seen = 0' >exp.unread
	db 'select id from sources where starred <> 0 and id in
		(select source_id from submissions)' >exp.starred
}
thousands() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
counts_line() {
	echo "$(thousands "$(wc -l <exp.all)") sources · $(thousands \
		"$(db 'select count(*) from items where seen = 0')") unread items."
}
expect
for view in all unread starred; do
	python3 "$here/inbox_walk.py" "$EURL" "$COOKIE" $view exp.$view \
		map.$view >walk.$view 2>&1
	n=$(wc -l <exp.$view)
	check "$view: every page of $n sources is under 64 KiB, 50 at most" \
		grep -qx 'size ok' walk.$view
	check "$view: paging older shows each source exactly once" \
		grep -qx 'older ok' walk.$view
	check "$view: paging back newer shows each exactly once, same pages" \
		grep -qx 'newer ok' walk.$view
	check "$view: newest activity first, ties by the higher id" \
		grep -qx 'order ok' walk.$view
	check "$view: no link leads past either end" grep -qx 'ends ok' walk.$view
done
curl -s -b ed "$EURL/inbox" >inbox.html
check "the inbox counts its sources and unread items as the database does" \
	grep -qF "<p id=\"counts\">$(counts_line)</p>" inbox.html
check "...and each view's sources" grep -qF \
	"Unread ($(thousands "$(wc -l <exp.unread)"))" inbox.html

# Designations: one typed as shown, one in capitals with a space, one
# first word alone; each must find exactly the sources bearing it.
found() { # PATH-QUERY: the ids on that page
	curl -s -b ed "$EURL/inbox?$1" | grep -o 'source?id=[0-9]*"' |
		grep -o '[0-9]*' | sort -n | tr '\n' ' '
}
bearing() { # AWK-CONDITION on $2 (the designation): ids from the walk
	awk "$1 { print \$1 }" map.all | sort -n | tr '\n' ' '
}
bad=0
for line in $(awk '$2 ~ /^[a-z]+-[a-z]+$/ { print $1 "/" $2 }' map.all | head -200 |
	awk 'NR % 20 == 1'); do
	d=${line#*/}
	test "$(found "d=$d")" = "$(bearing "\$2 == \"$d\"")" || bad="$bad $d"
done
check "a typed designation finds exactly the sources that bear it" test "$bad" = 0
d=$(awk '$2 ~ /^[a-z]+-[a-z]+$/ { print $2; exit }' map.all)
upper=$(echo "$d" | tr 'a-z-' 'A-Z ')
check "...typed in capitals with a space too" \
	test "$(found "d=$(echo "$upper" | sed 's/ /+/')")" = "$(bearing "\$2 == \"$d\"")"
w=${d%%-*}
check "...and its first word alone finds every source it begins" \
	test "$(found "d=$w")" = "$(bearing "index(\$2, \"$w-\") == 1")"
check "...within a view (unread)" \
	sh -c "test \"\$(curl -s -b ed '$EURL/inbox?show=unread&d=$w' | grep -o 'source?id=[0-9]*\"' | grep -o '[0-9]*' | sort -n | tr '\n' ' ')\" = \"$(awk -v w="$w-" 'index($2, w) == 1 { print $1 }' map.unread | sort -n | tr '\n' ' ')\""
curl -s -b ed "$EURL/inbox?d=nosuchword-zebra" >bad.html
check "a designation that is not one says so, listing nothing" \
	sh -c "grep -q 'is not a designation' bad.html && ! grep -q 'source?id=' bad.html"
curl -s -b ed "$EURL/inbox?d=%3Cscript%3E" >xss.html
check "...and shows what was typed as text" grep -q '&lt;script&gt;' xss.html
s=$(curl -s -b ed -o broken.html -w '%{http_code}' "$EURL/inbox?older=2024-01-01.x")
check "a broken page link is refused with advice" \
	sh -c "test $s = 400 && grep -q 'inbox link is broken' broken.html"

# Keyset paging: sources arriving while an editor reads shift nothing.
curl -s -b ed "$EURL/inbox" | grep -o 'id="older" href="[^"]*' | cut -d'"' -f4 >next
curl -s -b ed "$EURL$(cat next)" | grep -o 'source?id=[0-9]*"' >page2.before
db 'select id from sources' | sort >ids.before
"$INBOX_FILL" inst 60
db 'select id from sources' | sort | comm -13 ids.before - >ids.new
curl -s -b ed "$EURL$(cat next)" | grep -o 'source?id=[0-9]*"' >page2.after
# New sources come with random ids (so their order says nothing of when
# they came): today's may join the next page, but none the editor was to
# see next is skipped or moved before it.
grep -o '[0-9]*' page2.before >p2b
grep -o '[0-9]*' page2.after | grep -vxFf ids.new >p2a
check "60 new sources arriving skip nothing on the page an editor goes to next" \
	sh -c "test -s p2a && head -n \$(wc -l <p2a) p2b | cmp -s - p2a"
# Ids are random (the committer gives them), so the new sources are among
# today's, in no order of arrival.
today=$(date -u +%F)
check "...and each is in the inbox, among today's sources" sh -c "
	test \$(wc -l <ids.new) -eq 60 &&
	test \"\$(sqlite3 inst/inbox.db \"select count(*) from sources where last_day = '$today'
		and id in (\$(paste -sd, ids.new))\")\" = 60 &&
	curl -s -b ed '$EURL/inbox' | grep -o 'class=\"day\">[0-9-]*' | sort -u |
		grep -qx 'class=\"day\">$today'"

# Deleting, retention: the counts follow.
ID=$(head -1 exp.all)
curl -s -b ed "$EURL/source?id=$ID" >src.html
s=$(curl -s -b ed -o /dev/null -w '%{http_code}' \
	-d "csrf=$(csrf_of src.html)&id=$ID&confirm=yes" "$EURL/delete")
check "an editor deletes a source" test "$s" = 303
db "update submissions set day = '$(date -u -d '40 days ago' +%F)'
	where source_id % 10 = 0"
"$SAMIZDAT" purge -d inst --days 30 >purge.out
check "retention deletes a tenth of the submissions" grep -q 'Deleted [0-9]' purge.out
expect
curl -s -b ed "$EURL/inbox" >inbox2.html
check "after both, the counts are still the database's" \
	grep -qF "<p id=\"counts\">$(counts_line)</p>" inbox2.html
python3 "$here/inbox_walk.py" "$EURL" "$COOKIE" unread exp.unread map.u2 >walk.u2 2>&1
check "...and paging still shows each remaining unread source once" \
	sh -c "grep -qx 'older ok' walk.u2 && grep -qx 'newer ok' walk.u2"
check "a deleted source's page is gone" test "$(curl -s -b ed -o /dev/null \
	-w '%{http_code}' "$EURL/source?id=$ID")" = 404
kill -TERM $EPID; wait $EPID

# An inbox from before migration 4: take its columns, indexes, triggers
# and totals away again (and what later ones added), and open it.
db "select hex(uid), designation, submissions, unread from sources order by uid" >kept
db "drop table login_failures;
	drop trigger source_desk_counted; drop trigger source_desk_uncounted;
	drop table desk_totals; drop table desk_editors; drop table desks;
	drop index sources_activity; drop index sources_unread;
	drop index sources_starred; drop index sources_designation;
	drop trigger submission_added; drop trigger submission_removed;
	drop trigger item_added; drop trigger item_removed; drop trigger item_seen;
	drop trigger source_counted; drop trigger source_uncounted;
	drop table inbox_totals; alter table sources drop column designation;
	alter table sources drop column submissions;
	alter table sources drop column unread;
	alter table sources drop column desk;
	alter table replies drop column deleted; pragma user_version = 3"
"$SAMIZDAT" purge -d inst --days 3650 >/dev/null
check "an older inbox is migrated: designations and counts as before" \
	sh -c "db() { sqlite3 inst/inbox.db \"\$1\"; }
	db 'select hex(uid), designation, submissions, unread from sources order by uid' | cmp -s - kept"
check "...and its totals are the database's" test \
	"$(db 'select sources, unread_items from inbox_totals')" = \
	"$(wc -l <exp.all)|$(db 'select count(*) from items where seen = 0')"
finish
