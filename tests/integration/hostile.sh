#!/bin/sh
# hostile.sh - bad input and abuse against the source face: each gets a
# clear 4xx page, the server keeps serving others, and no half-written
# submission ever becomes visible.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst max_file_mb=1 max_submission_mb=2 idle_timeout_s=2 \
	max_connections=3 max_files=3
start_server inst || { not_ok "the server starts"; finish; }
PORT=${URL##*:}
new_source jar

# status_of CURL-ARGS...: the status code, with the page in page.html
status_of() { curl -s -o page.html -w '%{http_code}' "$@"; }

check "an unknown page is a clear 404" sh -c "
	test \"\$(curl -s -o p.html -w '%{http_code}' '$URL/nope')\" = 404 &&
	grep -q 'no such page' p.html"
check "a wrong method is refused" sh -c "
	test \"\$(curl -s -o /dev/null -w '%{http_code}' -X DELETE '$URL/')\" = 405"

s=$(status_of -F message=hi "$URL/submit")
check "submitting without logging in is refused, saying why" \
	sh -c "test $s = 403 && grep -q 'not logged in' page.html"

CSRF=$(csrf_of jar.home.html)
s=$(status_of -b jar -H 'Content-Type: multipart/form-data; boundary=XyZ' \
	--data-binary 'this is not multipart at all' "$URL/submit")
check "malformed multipart gets a 400 page" sh -c "test $s = 400 && grep -qi 'malformed' page.html"
s=$(status_of -b jar -H 'Content-Type: multipart/form-data' --data-binary 'x' "$URL/submit")
check "a missing boundary gets a 400 page" sh -c "test $s = 400 && grep -q 'boundary' page.html"
s=$(status_of -b jar -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "csrf=$CSRF&message=x" "$URL/submit")
check "a form that is not multipart gets a 400 page" test "$s" = 400

head -c 3000000 /dev/urandom >big.bin
s=$(status_of -b jar -F "csrf=$CSRF" -F files=@big.bin "$URL/submit")
check "a body over the submission limit gets a 413 page" sh -c "test $s = 413 && grep -q 'larger' page.html"
head -c 1500000 /dev/urandom >file.bin
s=$(status_of -b jar -F "csrf=$CSRF" -F files=@file.bin "$URL/submit")
check "a file over the file limit gets a 413 page naming it" \
	sh -c "test $s = 413 && grep -q 'file.bin' page.html"
: >empty
s=$(status_of -b jar -F "csrf=$CSRF" -F files=@empty -F files=@empty -F files=@empty \
	-F files=@empty "$URL/submit")
check "more files than allowed get a 413 page" sh -c "test $s = 413 && grep -q 'at most 3 files' page.html"

printf 'caf\351 au lait' >latin1.txt
s=$(status_of -b jar -F "csrf=$CSRF" -F "message=<latin1.txt" "$URL/submit")
check "a message that is not UTF-8 gets a 400 page" sh -c "test $s = 400 && grep -q 'UTF-8' page.html"
s=$(status_of -b jar -F "csrf=wrong" -F "message=hello" "$URL/submit")
check "a stale CSRF token gets a 403 page" sh -c "test $s = 403 && grep -q 'out of date' page.html"
s=$(status_of -b jar -F "message=hello" -F "csrf=$CSRF" "$URL/submit")
check "a form whose token does not come first is refused" test "$s" = 403
s=$(status_of -b jar -F "csrf=$CSRF" "$URL/submit")
check "an empty submission is refused, saying what to do" \
	sh -c "test $s = 400 && grep -q 'write a message or' page.html"
s=$(status_of -b jar --data-urlencode "csrf=old" --data-urlencode "codename=a b" "$URL/login")
check "a login with a stale token gets a 403 page" test "$s" = 403
s=$(status_of -b jar --data-binary 'csrf=%zz' "$URL/login")
check "a malformed form gets a 400 page" sh -c "test $s = 400 && grep -q 'escape' page.html"
s=$(status_of -c j5 -b j5 --data-binary 'csrf=abc&codename=x' "$URL/login")
check "a login without the start page's token says so" sh -c "test $s = 403 && grep -q 'cookies are off' page.html"

# A body cut off in the middle: the client promises more than it sends.
body="--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n$CSRF\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.bin\"\r\n\r\nsome data"
cookie=$(awk '$6 == "sz_source" {print $7}' jar)
{ printf "POST /submit HTTP/1.1\r\nHost: x\r\nCookie: sz_source=$cookie\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n$body"; } |
	timeout 5 curl -s -o /dev/null telnet://127.0.0.1:$PORT 2>/dev/null
check "an interrupted upload leaves nothing stored" test "$(blobs inst)" -eq 0

# Slowloris: a client that stops sending is dropped after idle_timeout_s.
took=$(python3 "$here/stall.py" "$PORT" 8)
check "a client that stalls is disconnected after the idle timeout ($took s)" test "$took" -lt 7

# More requests than max_connections: the extra one gets a busy page.
head -c 1000000 /dev/urandom >slow.bin
for i in 1 2 3; do
	curl -s -o /dev/null -b jar --limit-rate 20k -F "csrf=$CSRF" \
		-F files=@slow.bin "$URL/submit" &
	echo $! >>slow.pids
done
# Probe only once all three are being written, so the probe cannot be
# the request that turns one of them away.
i=0
while [ $i -lt 200 ] && [ "$(held $PID)" -lt 3 ]; do
	i=$((i + 1)); sleep 0.05
done
s=$(curl -s -o busy.html -w '%{http_code}' "$URL/")
check "past the connection limit a client gets a 503 'busy' page" \
	sh -c "test $s = 503 && grep -q 'busy' busy.html"
for p in $(cat slow.pids); do kill $p 2>/dev/null; wait $p 2>/dev/null; done

i=0
while [ $i -lt 50 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" != 200 ]; do
	i=$((i + 1)); sleep 0.1
done
check "the server keeps serving after all of this" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 200
commit inst
check "no half-written submission became visible" test "$(blobs inst)" -eq 0
check "...and no row either" test -z "$("$SAMIZDAT" inbox list -d inst)"
i=0
while [ $i -lt 50 ] && [ -n "$(ls -A inst/tmp)" ]; do i=$((i + 1)); sleep 0.1; done
check "...and no temporary file stays behind" test -z "$(ls -A inst/tmp)"

s=$(submit jar -F "message=still works")
check "a good submission still goes through" test "$s" = 303

"$SAMIZDAT" recipient remove -d inst editor >/dev/null
s=$(status_of -b jar -F "csrf=$CSRF" -F "message=hello" "$URL/submit")
check "with no editor key registered, submissions are refused clearly" \
	sh -c "test $s = 503 && grep -q 'no editor' page.html"
check "...and the form page warns before anything is sent" \
	sh -c "curl -s -b jar '$URL/source' | grep -q 'id=\"not-ready\"'"

stop_server
finish
