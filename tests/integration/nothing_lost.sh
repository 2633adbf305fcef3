#!/bin/sh
# nothing_lost.sh - what a source typed survives a stale form: an expired
# token brings the form back with the message filled in (and a word that
# the files must be chosen again); after an ended session the message
# goes with the login form and comes back in the submission form; nothing
# of either is stored until it is sent.  Error pages
# lead back to the source's own page; a logged-in source on the start page
# is offered to continue; a reply is announced at the top of the page,
# and the source can delete it once read.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
add_editor inst anna
start_server inst || { not_ok "the source face starts"; finish; }
start_editor inst || { not_ok "the editor face starts"; finish; }

MSG='The director <b>knew</b> & said nothing'
new_source a
printf 'x\n' >f1.txt
printf 'y\n' >f2.txt
before=$(blobs inst)
s=$(curl -s -c a -b a -o stale.html -w '%{http_code}' -F "csrf=an-old-token" \
	-F "message=$MSG" -F "files=@f1.txt" -F "files=@f2.txt" "$URL/submit")
check "a form with an expired token comes back (403), nothing stored" \
	sh -c "[ $s = 403 ] && [ \$(find inst/blobs -name '*.age' | wc -l) = $before ]"
check "...saying nothing was sent" grep -q 'id="stale"' stale.html
check "...with the message filled in, as text" \
	grep -q '<textarea id="message"[^>]*>The director &lt;b&gt;knew&lt;/b&gt; &amp; said nothing</textarea>' stale.html
check "...and asking for the two files again" grep -q 'Choose your 2 files again' stale.html
check "...with a fresh token that sends" sh -c "
	cp stale.html a.home.html
	[ \$(curl -s -c a -b a -o /dev/null -w '%{http_code}' -F csrf=\$(grep -o 'name=\"csrf\" value=\"[^\"]*' stale.html | head -1 | cut -d'\"' -f4) -F 'message=again' '$URL/submit') = 303 ]"

s=$(curl -s -o gone.html -w '%{http_code}' -F "csrf=whatever" \
	-F "message=$MSG" -F "files=@f1.txt" "$URL/submit")
check "a form sent after the session ended shows the message (403)" \
	sh -c "[ $s = 403 ] && grep -q 'The director &lt;b&gt;knew' gone.html"
check "...in the login form, to go with it" \
	grep -q '<textarea id="message" name="message" dir="auto">The director &lt;b&gt;knew' gone.html
check "...and keeps nothing (only the submission sent before is held)" \
	sh -c "[ $(blobs inst) = $before ] && [ $(held "$PID") = 1 ]"
CODEA=$CODE
curl -s -c g -b g "$URL/" >g.start.html
s=$(curl -s -c g -b g -o g.wrong.html -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of g.start.html)" \
	--data-urlencode "codename=not my codename at all" \
	--data-urlencode "message=$MSG" "$URL/login")
check "a wrong codename keeps the carried message in the form" sh -c "
	[ $s = 403 ] && grep -q 'name=\"message\"[^>]*>The director &lt;b&gt;knew' g.wrong.html"
s=$(curl -s -c g -b g -o g.in.html -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of g.wrong.html)" \
	--data-urlencode "codename=$CODEA" --data-urlencode "message=$MSG" "$URL/login")
check "logging in again brings the submission form back, the message filled in" sh -c "
	[ $s = 200 ] && grep -q 'id=\"again\"' g.in.html &&
	grep -q '<textarea id=\"message\"[^>]*>The director &lt;b&gt;knew' g.in.html"
cp g.in.html g.home.html
check "...and it sends" test "$(submit g -F "message=$MSG")" = 303
commit inst
SA=$("$SAMIZDAT" inbox list -d inst | cut -f1)
before=$(blobs inst)

curl -s -c a -b a "$URL/" >start.html
check "a logged-in source on the start page is offered to continue" \
	grep -q 'id="continue" href="/source"' start.html
s=$(curl -s -c a -b a -o err.html -w '%{http_code}' -d "csrf=bad" -d "reply=1" "$URL/reply/delete")
check "an error page leads back to the source's own page" \
	sh -c "[ $s = 403 ] && grep -q 'href=\"/source\"' err.html"

CODE=$(oathtool --totp -b "$SECRET")
editor_login ed anna 'a long editor password' "$CODE" >/dev/null
curl -s -b ed "$EURL/source?id=$SA" >esrc.html
curl -s -b ed -o /dev/null --data-urlencode "csrf=$(csrf_of esrc.html)" \
	--data-urlencode "id=$SA" --data-urlencode "text=Where did you find it?" "$EURL/reply"
curl -s -c a -b a "$URL/source" >a.home.html
check "a reply that arrived is announced at the top of the source's page" sh -c "
	grep -q 'id=\"reply-arrived\"' a.home.html &&
	[ \$(grep -n 'reply-arrived' a.home.html | cut -d: -f1) -lt \$(grep -n '<h1>' a.home.html | cut -d: -f1) ]"
RID=$(grep -o 'name="reply" value="[0-9]*"' a.home.html | head -1 | grep -o '[0-9]*')
rblobs=$(blobs inst)
# The attack (a seized disk dating a source's visit): deleting the reply
# at once marked its row and removed its file, so the database's and the
# blob directory's change times told, to the nanosecond, when the source
# was there.  The deletion now waits for the period's end, like a
# submission.
disk_times() {
	find inst -path inst/tmp -prune -o -print0 | sort -z |
		xargs -0 stat -c '%n %Y.%y %Z.%z'
}
disk_times >times.before
db=$(inbox_state inst)
s=$(curl -s -c a -b a -o /dev/null -w '%{http_code} %{redirect_url}' \
	-d "csrf=$(csrf_of a.home.html)" -d "reply=$RID" "$URL/reply/delete")
check "the source deletes the reply it read" \
	sh -c "echo '$s' | grep -q '^303 .*/source?deleted=1'"
curl -s -c a -b a "$URL/source" >a.home3.html
check "...it is gone from the page at once" \
	sh -c "! grep -q 'Where did you find it' a.home3.html"
disk_times >times.after
check "reply_deletion_dates_no_visit: nothing on the disk changes when the source deletes it (no file, directory or database time)" \
	sh -c "[ '$(inbox_state inst)' = '$db' ] && cmp -s times.before times.after && [ \$(find inst/blobs -name '*.age' | wc -l) = $rblobs ]"
s=$(curl -s -c a -b a -o /dev/null -w '%{http_code}' \
	-d "csrf=$(csrf_of a.home.html)" -d "reply=$RID" "$URL/reply/delete")
check "...deleting it again while it waits is a 404" test "$s" = 404
commit inst
check "...and when the period ends, its file is gone from the server" \
	test "$(find inst/blobs -name '*.age' | wc -l)" = $((rblobs - 1))
check "...its row marked deleted for the editors" sh -c "
	'$SAMIZDAT' inbox items -d inst '$SA' | grep -q '^$RID	.*	reply	-	deleted by the source	-\$'"
curl -s -c a -b a "$URL/source" >a.home4.html
check "...and the page still does not show it" \
	sh -c "! grep -q 'Where did you find it' a.home4.html"
s=$(curl -s -c a -b a -o /dev/null -w '%{http_code}' \
	-d "csrf=$(csrf_of a.home.html)" -d "reply=$RID" "$URL/reply/delete")
check "...and deleting it again is a 404" test "$s" = 404

stop_server
kill -TERM "$EPID" 2>/dev/null
wait "$EPID" 2>/dev/null
finish
