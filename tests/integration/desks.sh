#!/bin/sh
# desks.sh - a source writing to one desk is read by that desk's editors
# only: every file it leaves on the server decrypts (`age -d`) with their
# keys and with no other desk's, nor with the instance-wide recipient's;
# the other desk's editors do not see the source in their inbox and get a
# 403 when they open it by its address.  A source that chooses no desk is
# read by everyone; with desk_required it must choose.  The choice is
# held with the source's first submission and written with its period's
# batch, never when the source sends: a held submission fixes the desk
# for the next ones as a stored one does.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
add_editor inst anna && ANNA=$SECRET
add_editor inst boris && BORIS=$SECRET
"$SAMIZDAT" desk add -d inst Investigations anna >/dev/null
"$SAMIZDAT" desk add -d inst Legal boris >/dev/null
start_server inst || { not_ok "the source face starts"; finish; }
start_editor inst || { not_ok "the editor face starts"; finish; }

# new_files LIST: the stored files not in LIST (one name a line).
new_files() {
	find inst/blobs -name '*.age' | sort >now.list
	comm -13 "$1" now.list
}
# (storage checks: what the database holds, on either engine)
desk_of() {
	db_rows inst inbox "select desk from sources where id = $1"
}


new_source a
commit inst   # the source is stored, with nothing sent yet
SA=$(db_rows inst inbox 'select id from sources')
find inst/blobs -name '*.age' | sort >before.list
check "the submission form offers each desk as a radio button" sh -c "
	grep -q 'name=\"desk\" value=\"[0-9]*\"[^>]*> Investigations' a.home.html &&
	grep -q 'name=\"desk\" value=\"[0-9]*\"[^>]*> Legal' a.home.html"
check "...and, by default, any editor" \
	grep -q 'name="desk" value="0" checked' a.home.html
INV=$(grep -o 'name="desk" value="[0-9]*"[^>]*> Investigations' a.home.html |
	grep -o 'value="[0-9]*"' | grep -o '[0-9]*')
printf 'the minister signed it\n' >memo.txt
db=$(inbox_state inst)
s=$(submit a -F "desk=$INV" -F "message=for the investigations desk" \
	-F "files=@memo.txt;type=text/plain")
check "a source sends a message and a file to the Investigations desk" test "$s" = 303
check "...which writes nothing to the database when it is sent" \
	sh -c "[ '$(inbox_state inst)' = '$db' ] && [ '$(desk_of "$SA")' = 0 ]"
curl -s -c a -b a "$URL/source" >a.held.html
check "...while held, the source's page names its desk and offers no other" sh -c "
	grep -q 'id=\"desk\"' a.held.html && grep -q 'Investigations' a.held.html &&
	! grep -q 'name=\"desk\"' a.held.html"
LEGAL=$(grep -o 'name="desk" value="[0-9]*"[^>]*> Legal' a.home.html |
	grep -o 'value="[0-9]*"' | grep -o '[0-9]*')
printf 'same period\n' >same.txt
cp a.held.html a.home.html
s=$(submit a -F "desk=$LEGAL" -F "files=@same.txt;type=text/plain")
check "...and a second one in the same period naming another desk is taken" test "$s" = 303
commit inst
check "the period's batch makes Investigations the source's desk" \
	test "$(desk_of $SA)" = "$INV"

n=0 anna_ok=0 others=0
for f in $(new_files before.list); do
	n=$((n + 1))
	age -d -i anna.key "$f" >/dev/null 2>&1 && anna_ok=$((anna_ok + 1))
	age -d -i boris.key "$f" >/dev/null 2>&1 && others=$((others + 1))
	age -d -i inst.key "$f" >/dev/null 2>&1 && others=$((others + 1))
done
check "every file stored ($n) decrypts with the desk's editor's key, the second submission's too" \
	sh -c "[ $n -ge 3 ] && [ $anna_ok = $n ]"
check "...and none with the other desk's editor's key or the instance-wide recipient's" \
	test "$others" = 0

curl -s -c a -b a "$URL/source" >a.home2.html
check "the source's page names its desk and offers no other" sh -c "
	grep -q 'id=\"desk\"' a.home2.html && grep -q 'Investigations' a.home2.html &&
	! grep -q 'name=\"desk\"' a.home2.html"
printf 'more\n' >more.txt
cp a.home2.html a.home.html
find inst/blobs -name '*.age' | sort >before.list
s=$(submit a -F "desk=$LEGAL" -F "files=@more.txt;type=text/plain")
commit inst
newest=$(new_files before.list)
check "a later submission naming another desk still goes to the first" sh -c "
	[ $s = 303 ] && [ -n '$newest' ] && age -d -i anna.key $newest >/dev/null 2>&1 &&
	! age -d -i boris.key $newest >/dev/null 2>&1 && [ '$(desk_of "$SA")' = $INV ]"

s=$(editor_login eb boris 'a long editor password' "$(oathtool --totp -b "$BORIS")")
check "the Legal desk's editor logs in" test "$s" = 303
curl -s -b eb "$EURL/inbox" >eb.inbox.html
check "...and does not see the Investigations source in the inbox" \
	sh -c "! grep -q 'href=\"/source?id=$SA\"' eb.inbox.html"
check "...nor open it by its address (403)" \
	test "$(curl -s -b eb -o eb.src.html -w '%{http_code}' "$EURL/source?id=$SA")" = 403
check "...nor download its items" \
	sh -c "[ \"\$(curl -s -b eb -o dl -w '%{http_code}' '$EURL/download?item=1')\" != 200 ] &&
	! age -d -i anna.key dl >/dev/null 2>&1"

s=$(editor_login ea anna 'a long editor password' "$(oathtool --totp -b "$ANNA")")
curl -s -b ea "$EURL/inbox" >ea.inbox.html
check "the Investigations editor sees the source" \
	grep -q "href=\"/source?id=$SA\"" ea.inbox.html
check "...and opens it" \
	test "$(curl -s -b ea -o /dev/null -w '%{http_code}' "$EURL/source?id=$SA")" = 200

new_source b
find inst/blobs -name '*.age' | sort >before.list
s=$(submit b -F "desk=0" -F "message=for anyone")
commit inst
newest=$(new_files before.list)
SB=$("$SAMIZDAT" inbox list -d inst | cut -f1 | grep -vx "$SA")
check "a source that chooses no desk is read by every editor and the instance-wide recipient" sh -c "
	[ $s = 303 ] && [ -n '$newest' ] && age -d -i anna.key $newest >/dev/null &&
	age -d -i boris.key $newest >/dev/null && age -d -i inst.key $newest >/dev/null"
curl -s -c b -b b "$URL/source" >b.home2.html
check "...and its page says so, offering no desk any more" sh -c "
	grep -q 'Any of our editors can read what you send' b.home2.html &&
	! grep -q 'name=\"desk\"' b.home2.html"
curl -s -b eb "$EURL/inbox" >eb.inbox2.html
check "...and listed for the Legal editor too" grep -q "href=\"/source?id=$SB\"" eb.inbox2.html
new_source d
before=$(blobs inst)
s=$(submit d -F "desk=999" -F "message=to a desk that is not there")
check "a desk that does not exist is refused, nothing kept" \
	sh -c "[ $s = 400 ] && [ \$(find inst/blobs -name '*.age' | wc -l) = $before ]"

# ---- a desk removed while a first submission to it is held ----------------------
"$SAMIZDAT" desk add -d inst Sports boris >/dev/null
new_source e
SPORTS=$(grep -o 'name="desk" value="[0-9]*"[^>]*> Sports' e.home.html |
	grep -o 'value="[0-9]*"' | grep -o '[0-9]*')
find inst/blobs -name '*.age' | sort >before.list
s=$(submit e -F "desk=$SPORTS" -F "message=the match was fixed")
"$SAMIZDAT" desk remove -d inst Sports >rm.out
check "desk_removed_while_first_submission_held: the removal (the submission still held) closes the desk" \
	sh -c "[ $s = 303 ] && grep -q 'Removed the Sports desk' rm.out &&
	'$SAMIZDAT' desk list -d inst | grep -q '^Sports	closed	'"
new_source f
check "...the form offers it to no new source" sh -c "! grep -q '> Sports' f.home.html"
check "...and a new source naming it anyway is refused" \
	test "$(submit f -F "desk=$SPORTS" -F "message=me too")" = 400
commit inst
SE=$("$SAMIZDAT" inbox list -d inst | awk -F'\t' '$3 == "Sports" { print $1 }')
newest=$(new_files before.list)
check "...the batch stores the held submission with its desk, which still exists" \
	sh -c "[ -n '$SE' ] && [ -n '$newest' ] && age -d -i boris.key $newest >/dev/null &&
	'$SAMIZDAT' desk list -d inst | grep -q '^Sports	'"
"$SAMIZDAT" desk list -d inst >list.out
check "...listed, closed, with its source and its editor" \
	grep -q "^Sports	closed	1 source	boris\$" list.out
curl -s -b eb "$EURL/inbox" >eb.inbox3.html
check "...and its editor sees the source in the inbox" \
	grep -q "href=\"/source?id=$SE\"" eb.inbox3.html
curl -s -c e -b e "$URL/source" >e.home.html
find inst/blobs -name '*.age' | sort >before.list
s=$(submit e -F "message=one more thing")
commit inst
newest=$(new_files before.list)
check "...the source of a closed desk still writes to its editors" \
	sh -c "[ $s = 303 ] && [ -n '$newest' ] && age -d -i boris.key $newest >/dev/null &&
	! age -d -i anna.key $newest >/dev/null 2>&1"
"$SAMIZDAT" desk add -d inst Weather boris >/dev/null
"$SAMIZDAT" desk remove -d inst Weather >/dev/null
commit inst
check "a removed desk that nothing was sent to is deleted by the next batch" \
	sh -c "! '$SAMIZDAT' desk list -d inst | grep -q '^Weather	'"

stop_server
kill -TERM "$EPID" 2>/dev/null
wait "$EPID" 2>/dev/null
sed -i 's/^desk_required = .*/desk_required = 1/' inst/samizdat.conf
start_server inst || { not_ok "the source face starts again"; finish; }
new_source c
check "with desk_required the form offers no 'any editor' choice" \
	sh -c "! grep -q 'name=\"desk\" value=\"0\"' c.home.html && grep -q 'name=\"desk\"[^>]*required' c.home.html"
s=$(submit c -F "message=to nobody in particular")
check "...and a submission without a desk is refused with a clear message" \
	sh -c "[ $s = 400 ] && grep -q 'Choose who should read what you send' c.submit.html"
stop_server
finish
