#!/bin/sh
# staging.sh - the memory that holds submissions until their period ends
# is bounded (staging_mb): when it is full, a source is told to come back
# before a byte of the upload is taken; a submission that could never fit
# is refused, saying what to do; an upload without a declared size is
# given room for the largest submission (max_submission_mb); and room
# comes back when an upload is dropped.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst staging_mb=16 max_submission_mb=20 max_file_mb=20
start_server inst || { not_ok "the server starts"; finish; }
new_source jar
CSRF=$(csrf_of jar.home.html)
head -c 9000000 /dev/urandom >nine.bin
head -c 15000000 /dev/urandom >fifteen.bin

# upload FILE [CURL-ARGS]: status and bytes curl managed to send.
upload() {
	f=$1
	shift
	curl -s -o page.html -w '%{http_code} %{size_upload}' -b jar "$@" \
		-F "csrf=$CSRF" -F "files=@$f" "$URL/submit"
}

curl -s -o /dev/null -b jar --limit-rate 200k -F "csrf=$CSRF" \
	-F files=@nine.bin "$URL/submit" &
slow=$!
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -lt 1 ]; do i=$((i + 1)); sleep 0.05; done
set -- $(upload nine.bin)
check "while a 9 MB upload fills most of 16 MB, another is told to come back" \
	sh -c "test $1 = 503 && grep -q 'try again in 60 minutes' page.html"
check "...before its body was taken" test "$2" -lt 9000000
set -- $(upload fifteen.bin)
check "a submission too large to ever be held is refused, saying what to do" \
	sh -c "test $1 = 413 && grep -q 'several smaller submissions' page.html"
set -- $(upload nine.bin -H 'Transfer-Encoding: chunked')
check "an upload sent chunked, without its size, needs room for max_submission_mb (20 MB > 16 MB here)" \
	sh -c "test $1 = 413 && grep -q 'several smaller submissions' page.html"
kill $slow
wait $slow 2>/dev/null
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -gt 0 ]; do i=$((i + 1)); sleep 0.05; done
set -- $(upload nine.bin)
check "once the first upload is dropped, its room is free again" test "$1" = 303
commit inst
check "...and what was taken is stored at the period's end" \
	test "$(blobs inst)" -eq 1
stop_server
finish
