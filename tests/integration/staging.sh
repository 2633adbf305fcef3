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

# A stop while a slow upload is in flight: what sources were already told
# is kept is stored at the signal, not after the upload (which a service
# manager's kill could cut short, losing the whole period).
start_server inst || { not_ok "the server starts again"; finish; }
new_source jar2
before=$(blobs inst)
check "a source's message is taken and held" \
	test "$(submit jar2 -F message=kept-before-the-stop)" = 303
curl -s -o /dev/null -b jar2 --limit-rate 20k \
	-F "csrf=$(csrf_of jar2.home.html)" -F files=@nine.bin "$URL/submit" &
slow=$!
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -lt 2 ]; do i=$((i + 1)); sleep 0.05; done
kill -TERM "$PID"
i=0
while [ $i -lt 200 ] && [ "$(blobs inst)" -le "$before" ]; do i=$((i + 1)); sleep 0.05; done
check "stop_during_slow_upload_loses_nothing: the held message is stored at the stop signal, while the upload still runs" \
	sh -c "test $(blobs inst) -gt $before && kill -0 $PID"
kill -KILL "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
kill $slow 2>/dev/null
wait $slow 2>/dev/null
check "...and it survives the kill that ends a stop taking too long" \
	test "$(blobs inst)" -gt "$before"

# ---- staging_mb against the machine's memory ------------------------------------
mem_mb=$(($(getconf _PHYS_PAGES) * $(getconf PAGESIZE) / 1048576))
make_instance big staging_mb=$((mem_mb * 2))
"$SAMIZDAT" config -d big >big.out 2>big.err
st=$?
check "staging_mb above the machine's memory is refused at start, naming the key" \
	sh -c "[ $st != 0 ] && grep -q 'staging_mb = $((mem_mb * 2)) is more than half of this machine' big.err"
timeout 20 "$SAMIZDAT" serve -d big --face source --listen 127.0.0.1:0 \
	>bigserve.out 2>bigserve.err
st=$?
check "...and serve will not start with it" \
	sh -c "[ $st != 0 ] && [ $st != 124 ] && grep -q 'staging_mb' bigserve.err"
make_instance auto
want=$((mem_mb / 4))
[ "$want" -gt 4096 ] && want=4096
check "the default staging_mb is a quarter of the machine's memory, at most 4096 ($want)" \
	sh -c "grep -q '^staging_mb = 0' auto/samizdat.conf && \"$SAMIZDAT\" config -d auto | grep -q '^staging_mb = $want\$'"
finish
