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
check "the start page creates no session, only a form token cookie" sh -c "
	grep -qi '^Set-Cookie: sz_pre=.*HttpOnly; SameSite=Strict' landing.h &&
	! grep -qi '^Set-Cookie: sz_source=' landing.h"
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
check "the source is thanked" sh -c "curl -s -b jar '$URL/source?sent=1' | grep -q 'Thank you'"
check "five encrypted files are stored (two files, their names, a message)" \
	test "$(blobs inst)" -eq 5

found=0
for f in $(find inst/blobs -name '*.age'); do
	age -d -i inst.key "$f" >dec 2>/dev/null || { found=-100; break; }
	if cmp -s dec memo.txt; then found=$((found + 1)); fi
	if cmp -s dec scan.bin; then found=$((found + 10)); fi
	if grep -q "^name: memo.txt$" dec; then found=$((found + 100)); fi
	if grep -q "^type: image/tiff$" dec && grep -q "^name: scan.bin$" dec; then found=$((found + 1000)); fi
	if grep -qx "Dear editors, $MARK" dec; then found=$((found + 10000)); fi
done
check "age -d with the editor's key gives exactly what was sent, names and types included" \
	test "$found" -eq 11111

check "nothing on disk holds the plaintext marker" sh -c "! grep -rqa '$MARK' inst"
check "nothing on disk holds the client's address" sh -c "! grep -rqa '127.0.0.2' inst"
check "nothing on disk holds the user agent" sh -c "! grep -rqa '$UA' inst"
check "the server's output holds none of them" sh -c "
	! grep -qa -e '$MARK' -e '127.0.0.2' -e '$UA' inst.source.out inst.source.err"
check "the database keeps only the day of a submission" sh -c "
	sqlite3 inst/inbox.db 'select day from submissions' | grep -qx '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]'"

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
