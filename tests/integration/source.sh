#!/bin/sh
# source.sh - the source face over real HTTP: a source gets a codename,
# sends a message and files, comes back; the editor's key (and Debian's
# age) decrypts exactly what was sent; and nothing that could identify the
# source (address, user agent, plaintext) is written anywhere.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
ok "the server starts and says where it listens"

# The client speaks from 127.0.0.2 with a unique user agent, so both can be
# searched for afterwards (the instance's own settings mention 127.0.0.1).
UA="TestBrowser/$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
CURL_HOME=$WORK; export CURL_HOME
printf 'interface = 127.0.0.2\nuser-agent = "%s"\n' "$UA" >"$WORK/.curlrc"

curl -s -c jar -b jar -D landing.h "$URL/" >landing.html
check "the start page offers a codename and a login" \
	sh -c "grep -q 'href=\"/new\"' landing.html && grep -q 'action=\"/login\"' landing.html"
check "pages carry no script at all" sh -c "! grep -qi '<script' landing.html"
check "the security headers are set" sh -c "
	grep -qi \"^Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'\" landing.h &&
	grep -qi '^Referrer-Policy: no-referrer' landing.h &&
	grep -qi '^Cache-Control: no-store' landing.h &&
	grep -qi '^X-Frame-Options: DENY' landing.h"
check "no response carries the time (no Date header)" sh -c "! grep -qi '^Date:' landing.h"
check "the start page creates no session, only a form token cookie" sh -c "
	grep -qi '^Set-Cookie: sz_pre=.*HttpOnly; SameSite=Strict' landing.h &&
	! grep -qi '^Set-Cookie: sz_source=' landing.h"
# The attack: the form token's cookie carried the minute of the visit in
# the clear (bytes 12-15, big-endian): a source's browser that keeps
# session cookies on disk (session restore) dated the visit.  Now masked.
for i in 1 2 3 4 5; do
	curl -s -D - -o /dev/null "$URL/" | sed -n 's/^Set-Cookie: sz_pre=\([^;]*\);.*/\1/p'
done >tokens
check "pre_token_dates_no_visit: no form token carries the minute it was made" \
	python3 -c '
import base64, sys, time
tokens = open("tokens").read().split()
now = int(time.time()) // 60
minutes = [int.from_bytes(base64.urlsafe_b64decode(t + "=")[12:16], "big")
           for t in tokens]
sys.exit(len(tokens) != 5 or any(abs(m - now) < 3 for m in minutes))'
curl -s -c jn -b jn -D new.h "$URL/new" >new.html
check "showing a new codename makes no session on the server" \
	sh -c "grep -q 'id=\"codename\"' new.html && ! grep -qi '^Set-Cookie: sz_source=' new.h"
curl -s -c jn -b jn -D conf.h -o /dev/null -d "csrf=$(csrf_of new.html)" \
	-d "sealed=$(grep -o 'name="sealed" value="[^"]*' new.html | cut -d'"' -f4)" \
	"$URL/new"
check "the session cookie, made once it is confirmed, is HttpOnly and SameSite=Strict" \
	grep -qi '^Set-Cookie: sz_source=.*HttpOnly; SameSite=Strict' conf.h

new_source jar
check "a new source gets a codename of seven words" \
	sh -c "echo '$CODE' | awk '{exit NF == 7 ? 0 : 1}'"
check "...and lands on the submission form" grep -q 'action="/submit"' jar.home.html

MARK="PLAINTEXT-MARKER-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'Memo about %s\nline two\n' "$MARK" >memo.txt
head -c 1500000 /dev/urandom >scan.bin
printf '%s' "$MARK" >>scan.bin
status=$(submit jar -F "message=Dear editors, $MARK" -F files=@memo.txt \
	-F 'files=@scan.bin;type=image/tiff')
check "a message and two files are accepted" test "$status" = 303
check "the source is thanked, and told when editors will see it" sh -c "
	curl -s -b jar '$URL/source?sent=1' | grep -q 'Thank you.*within 60 minutes'"
# (a storage check: what the database holds, on either engine)
check "until its period ends the submission is only in memory" sh -c "
	test $(blobs inst) -eq 0 && test -z \"\$(ls -A inst/tmp)\" &&
	test $(held $PID) -eq 1 &&
	test '$(db_rows inst inbox 'select count(*) from sources')' = 0"
commit inst
check "when it ends, three items are stored (two files, the message)" \
	test "$(blobs inst)" -eq 3
check "...and nothing is held any more" test "$(held $PID)" -eq 0

# GNU tar, after age, gives the files back under their own names.
unpack inst.key out $(find inst/blobs -name '*.age') 2>tar.err
check "age -d with the editor's key and tar give back exactly what was sent, under its names" \
	sh -c "test ! -s tar.err && cmp -s scan.bin out/scan.bin &&
	cmp -s memo.txt out/memo.txt && grep -qx 'Dear editors, $MARK' out/message.txt"

where=$(seized inst)
check "nothing on disk holds the plaintext marker" sh -c "! grep -rqa '$MARK' $where"
check "nothing on disk holds the client's address" sh -c "! grep -rqaF '127.0.0.2' $where"
check "nothing on disk holds the user agent" sh -c "! grep -rqa '$UA' $where"
check "the server's output holds none of them" sh -c "
	! grep -qa -e '$MARK' -e '127.0.0.2' -e '$UA' inst.source.out inst.source.err"
db_rows inst inbox 'select day from submissions' >days.txt
check "the database keeps only the day of a submission" \
	grep -qx '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]' days.txt

# Coming back with the codename, from a fresh browser.
curl -s -c jar2 -b jar2 "$URL/" >l2.html
status=$(curl -s -c jar2 -b jar2 -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of l2.html)" --data-urlencode "codename=$CODE" "$URL/login")
check "a returning source logs in with the codename" test "$status" = 303
check "...sees its earlier submission counted" \
	sh -c "curl -s -b jar2 '$URL/source' | grep -q 'sent 1 submission'"
curl -s -c jar2 -b jar2 "$URL/source" >jar2.home.html
status=$(submit jar2 -F 'message=second')
check "...and can send more" test "$status" = 303

UPPER=$(echo "$CODE" | tr a-z A-Z | sed 's/ /   /g')
curl -s -c jar3 -b jar3 "$URL/" >l3.html
status=$(curl -s -c jar3 -b jar3 -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of l3.html)" --data-urlencode "codename=  $UPPER " "$URL/login")
check "a codename typed in capitals with extra spaces still works" test "$status" = 303

for wrong in "wrong words entirely here now please ok" "$(echo "$CODE" | cut -d' ' -f1-6)" "!!!"; do
	curl -s -c jar4 -b jar4 "$URL/" >l4.html
	curl -s -c jar4 -b jar4 -o wrong.html -w '%{http_code}' \
		--data-urlencode "csrf=$(csrf_of l4.html)" --data-urlencode "codename=$wrong" \
		"$URL/login" >status
	sed 's/value="[^"]*"/value=""/' wrong.html >wrong.norm
	if [ -f wrong.first ]; then
		check "every wrong codename gets the same answer ('$wrong')" \
			sh -c "test \"\$(cat status)\" = 403 && cmp -s wrong.first wrong.norm"
	else
		cp wrong.norm wrong.first
		check "a wrong codename is refused with a clear message" \
			sh -c "test \"\$(cat status)\" = 403 && grep -q 'not recognised' wrong.html"
	fi
done

curl -s -c jar2 -b jar2 -o /dev/null -d "csrf=$(csrf_of jar2.home.html)" "$URL/logout"
check "after logging out the submission page sends you home" sh -c "
	test \"\$(curl -s -b jar2 -o /dev/null -w '%{http_code}' '$URL/source')\" = 303"

stop_server
check "SIGTERM stops the server cleanly" sh -c "! kill -0 $PID 2>/dev/null"
finish
