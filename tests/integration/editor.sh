#!/bin/sh
# editor.sh - the editor face over real HTTP: an editor logs in with a
# password and a code computed by oathtool, finds the source's submission
# in the inbox once its period has ended, downloads it, and `age -d` with
# the editor's key (or `samizdat decrypt -C`) gives exactly what the
# source sent, under its own names, which the face never shows.  Replayed codes, wrong passwords, lock-out,
# stale tokens, forged cookies and guessed URLs are all refused.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
add_editor inst alice
"$SAMIZDAT" keygen -o bob.key >bob.pub
"$SAMIZDAT" editor add -d inst bob --recipient "$(cat bob.pub)" \
	--password-file pw.txt >/dev/null
start_server inst || { not_ok "the source face starts"; finish; }
start_editor inst || { not_ok "the editor face starts"; finish; }

new_source src
CODENAME1=$CODE
printf 'the leaked memo\n' >memo.txt
s=$(submit src -F "message=please read" -F "files=@memo.txt;type=text/plain")
check "a source submits a message and a file" test "$s" = 303
commit inst

check "the inbox without a session sends you to the login page" \
	test "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$EURL/inbox")" = "303 $EURL/"
check "a download guessed by id without a session gives nothing" sh -c "
	test \"\$(curl -s -o dl -w '%{http_code}' '$EURL/download?item=1')\" = 303 && ! test -s dl"
check "a forged session cookie gives nothing" sh -c "
	test \"\$(curl -s -o /dev/null -w '%{http_code}' -b 'sz_editor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' '$EURL/inbox')\" = 303"

s=$(editor_login ed alice 'a long editor password' 000000)
check "a wrong code is refused" sh -c "test $s = 403 && grep -q 'Wrong name, password or code' ed.after.html"
s=$(editor_login ed alice 'wrong password' "$(oathtool --totp -b "$SECRET")")
check "a wrong password is refused" test "$s" = 403
CODE=$(oathtool --totp -b "$SECRET")
s=$(editor_login ed alice 'a long editor password' "$CODE")
check "the right password and oathtool's code log in" test "$s" = 303
s=$(editor_login ed2 alice 'a long editor password' "$CODE")
check "the same code cannot log in twice" sh -c "test $s = 403 && grep -q 'Wrong name, password or code' ed2.after.html"
curl -s -b ed "$EURL/inbox" >inbox.html
check "the inbox lists the source by a two-word designation" \
	grep -q 'href="/source?id=[0-9]*">[a-z-]*-[a-z-]*</a>' inbox.html
SID=$(grep -o 'source?id=[0-9]*' inbox.html | head -1 | cut -d= -f2)
check "...with its unread items counted" grep -q 'class="unread"' inbox.html
curl -s -b ed "$EURL/source?id=$SID" >source.html
check "the source's page lists its items by day, number and padded size" \
	sh -c "test \$(grep -c 'download?item=' source.html) -eq 2 &&
	grep -q \"$(date -u -d @$(cat inst.clock) +%F)\" source.html &&
	grep -q 'the source sent message [0-9]* (2.0 KiB padded)' source.html"
check "...and no file name: the face cannot read them" \
	sh -c "! grep -q -e memo -e 'name and type' source.html"
got=0
for id in $(grep -o 'download?item=[0-9]*"' source.html | grep -o '[0-9]*'); do
	curl -s -b ed -D h.$id -o item.$id.age "$EURL/download?item=$id"
	age -d -i alice.key item.$id.age | tar -x -C . -O memo.txt 2>/dev/null |
		cmp -s - memo.txt && got=$((got + 1))
	age -d -i alice.key item.$id.age | tar -x -O message.txt 2>/dev/null |
		grep -qx 'please read' && got=$((got + 10))
done
check "downloaded items decrypt with the editor's key (age, then tar) to what was sent" \
	test "$got" = 11
ITEM=$(grep -o 'download?item=[0-9]*"' source.html | head -1 | grep -o '[0-9]*')
check "downloads are attachments named by designation and item number" \
	grep -qi "^Content-Disposition: attachment; filename=\"[a-z-]*-$ITEM.age\"" h.$ITEM
mkdir one
"$SAMIZDAT" decrypt -i alice.key -C one item.*.age >one.txt
check "samizdat decrypt -C gives each file back under its name, in one step" \
	sh -c "cmp -s one/memo.txt memo.txt && grep -qx 'please read' one/message.txt &&
	grep -q 'age: memo.txt$' one.txt"
check "an unknown item is a 404" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' "$EURL/download?item=999")" = 404
check "items downloaded are no longer unread" \
	sh -c "! curl -s -b ed '$EURL/inbox' | grep -q 'class=\"unread\"'"

REPLY="Thank you. Can you tell us which department this came from? <b>&amp;"
s=$(curl -s -b ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$(csrf_of source.html)" \
	--data-urlencode "id=$SID" --data-urlencode "text=$REPLY" "$EURL/reply")
check "an editor replies to the source" test "$s" = 303
s=$(curl -s -b ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=stale" \
	--data-urlencode "id=$SID" --data-urlencode "text=x" "$EURL/reply")
check "a reply with a stale token is refused" test "$s" = 403
s=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "id=$SID" \
	--data-urlencode "text=x" "$EURL/reply")
check "a reply without a session is refused" test "$s" = 303
curl -s -b src "$URL/source" >src.home2.html
check "the source reads the reply after logging in" \
	grep -q 'which department this came from' src.home2.html
check "...shown as text, never as markup" grep -q '&lt;b&gt;&amp;amp;' src.home2.html
RB=$("$SAMIZDAT" inbox items -d inst "$SID" | awk -F'\t' '$3 == "reply" { print $6 }')
check "samizdat inbox items lists the reply, by its editor" sh -c "
	'$SAMIZDAT' inbox items -d inst '$SID' | grep -q '	reply	-	alice	.*\.age\$'"
check "the stored reply decrypts with an editor's key too" sh -c "
	age -d -i alice.key '$RB' | grep -q 'which department'"
"$SAMIZDAT" keygen -o stranger.key >/dev/null
check "...but not with a stranger's" sh -c "! age -d -i stranger.key '$RB' >/dev/null 2>&1"
new_source other
check "another source does not see it" \
	sh -c "grep -q 'No replies yet' other.home.html && ! grep -q department other.home.html"

curl -s -b ed -D arch.h -o all.tar "$EURL/archive?id=$SID"
check "all of a source's items download as one tar archive" sh -c "
	tar -tf all.tar >list.txt && test \$(wc -l <list.txt) -eq 2 &&
	grep -q '^[a-z-]*/[0-9-]*-[0-9]*-file.age$' list.txt &&
	grep -qi '^Content-Disposition: attachment; filename=\"[a-z-]*.tar\"' arch.h"
mkdir -p untar && tar -xf all.tar -C untar
ok_count=0
for f in untar/*/*.age; do age -d -i alice.key "$f" >/dev/null 2>&1 && ok_count=$((ok_count + 1)); done
check "...every file in it decrypts with the editor's key" test "$ok_count" = 2
check "...and the archive records no times" sh -c "tar -tvf all.tar | grep -q ' 1970-01-01 00:00 '"
mkdir all
"$SAMIZDAT" decrypt -i alice.key -C all all.tar >all.txt
check "samizdat decrypt -C unpacks the whole tar: every file under its name" \
	sh -c "cmp -s all/memo.txt memo.txt && grep -qx 'please read' all/message.txt &&
	test \$(ls all | wc -l) -eq 2"
"$SAMIZDAT" decrypt -i alice.key -C all all.tar >all2.txt
check "...and again beside them, with names made unique, never over a file" \
	sh -c "cmp -s 'all/memo (2).txt' memo.txt && test -s 'all/message (2).txt' &&
	cmp -s all/memo.txt memo.txt"
# The source sends one more message: unread, until 'mark all read'.
curl -s -c src -b src "$URL/source" >src.home.html
s=$(submit src -F "message=one more thing")
commit inst
check "samizdat inbox list counts the new message unread" sh -c "
	test $s = 303 && '$SAMIZDAT' inbox list -d inst | grep -q '^$SID	.*	1 unread'"
curl -s -b ed "$EURL/source?id=$SID" >source2.html
T=$(csrf_of source2.html)
curl -s -b ed -o /dev/null -d "csrf=$T&id=$SID" "$EURL/seen"
check "'mark all read' clears a source's unread count" sh -c "
	'$SAMIZDAT' inbox list -d inst | grep -q '^$SID	.*	0 unread' &&
	! '$SAMIZDAT' inbox items -d inst '$SID' | grep -q '	unread	'"
curl -s -b ed -o /dev/null -d "csrf=$T&id=$SID" "$EURL/star"
check "starring a source marks it in the inbox" \
	sh -c "curl -s -b ed '$EURL/inbox' | grep -q 'class=\"star\"'"
s=$(curl -s -b ed -o page.html -w '%{http_code}' -d "csrf=$T&id=$SID" "$EURL/delete")
check "deleting without ticking the confirmation is refused" \
	sh -c "test $s = 400 && grep -q 'Tick the box' page.html"
before=$(blobs inst)
s=$(curl -s -b ed -o /dev/null -w '%{http_code}' -d "csrf=$T&id=$SID&confirm=yes" "$EURL/delete")
check "an editor deletes a source" test "$s" = 303
check "...its files are removed from disk (items, reply)" \
	test "$(blobs inst)" -eq $((before - 4))
check "...it is gone from the inbox" \
	sh -c "! curl -s -b ed '$EURL/inbox' | grep -q 'source?id=$SID\"'"
"$SAMIZDAT" inbox items -d inst "$SID" >gone.out 2>gone.err
st=$?
check "...and samizdat inbox items says there is no such source" \
	sh -c "[ $st = 1 ] && [ ! -s gone.out ] && grep -q '^samizdat inbox: ' gone.err &&
	! '$SAMIZDAT' inbox list -d inst | grep -q '^$SID	'"
"$SAMIZDAT" inbox items -d inst 12abc >/dev/null 2>bad.err
st=$?
check "samizdat inbox items refuses a source that is not a number, saying what it wants" \
	sh -c "[ $st = 2 ] && grep -q 'SOURCE is a source.s id' bad.err"
curl -s -c jz -b jz "$URL/" >lz.html
curl -s -c jz -b jz -o lz2.html --data-urlencode "csrf=$(csrf_of lz.html)" \
	--data-urlencode "codename=$CODENAME1" "$URL/login"
check "...and its codename no longer works" grep -q 'not recognised' lz2.html
curl -s -b ed -o /dev/null -w '%{http_code}' -d 'csrf=stale' "$EURL/logout" >st
check "logging out with a stale token is refused" test "$(cat st)" = 403
curl -s -b ed "$EURL/inbox" >inbox2.html
curl -s -b ed -c ed -o /dev/null -d "csrf=$(csrf_of inbox2.html)" "$EURL/logout"
check "after logging out the inbox is closed" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' "$EURL/inbox")" = 303

for i in 1 2 3 4 5; do s=$(editor_login eb bob 'not it' 123456); done
check "five failures in a row lock the account, saying so" grep -q 'is locked' eb.after.html
s=$(editor_login eb bob 'a long editor password' 123456)
check "a locked account stays locked" sh -c "test $s = 403 && grep -q 'locked' eb.after.html"
s=$(editor_login ex nobody 'a long editor password' 123456)
check "an unknown name gets the same answer as a wrong password" \
	sh -c "test $s = 403 && grep -q 'Wrong name, password or code' ex.after.html"

"$SAMIZDAT" audit -d inst >audit.txt
check "the audit log has the login, the downloads and the lock-out" sh -c "
	grep -q 'alice  *login ' audit.txt && grep -q 'alice  *download' audit.txt &&
	grep -q 'bob  *login failed  *account now locked' audit.txt &&
	grep -q 'alice  *delete source  *[a-z-]* (4 files)' audit.txt"
check "nothing in the audit log names more than a designation" \
	sh -c "! grep -qi -e memo -e 'please read' -e 127.0.0 audit.txt"
stop_server
kill -TERM $EPID; wait $EPID
finish
