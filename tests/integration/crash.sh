#!/bin/sh
# crash.sh - kill -9 the server in the middle of several uploads, restart
# it: submissions stored at the end of their period are intact; what was
# held in memory (the current period's, and uploads in flight) is gone, as
# docs/threat-model.md says it must be; and nothing of it ever reached the
# disk.  SIGTERM, by contrast, lets uploads in flight finish and stores
# everything held before the server exits.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
new_source jar
head -c 200000 /dev/urandom >done1.bin
head -c 70000 /dev/urandom >done2.bin
s1=$(submit jar -F files=@done1.bin)
s2=$(submit jar -F "message=finished before the crash" -F files=@done2.bin)
check "two submissions complete before the crash" test "$s1$s2" = 303303
commit inst
check "...and are stored when their period ends" \
	test "$(inbox_submissions inst)" = 2
before=$(blobs inst)

s3=$(submit jar -F "message=held when the server dies")
check "a third submission completes and is held for its period" \
	sh -c "test $s3 = 303 && test $(held $PID) -eq 1"
head -c 3000000 /dev/urandom >slow.bin
CSRF=$(csrf_of jar.home.html)
for i in 1 2 3; do
	curl -s -o /dev/null -b jar --limit-rate 100k -F "csrf=$CSRF" \
		-F "message=never finished $i" -F files=@slow.bin "$URL/submit" &
	echo $! >>slow.pids
done
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -lt 4 ]; do
	i=$((i + 1)); sleep 0.05
done
check "three uploads are being received when the server dies" \
	test "$(held $PID)" -eq 4
check "...in memory: nothing of them is on the disk" \
	sh -c "test -z \"\$(ls -A inst/tmp)\" && test $(blobs inst) -eq $before"
kill -9 "$PID"
wait "$PID" 2>/dev/null
for p in $(cat slow.pids); do wait $p 2>/dev/null; done

start_server inst || { not_ok "the server restarts"; finish; }
check "after the restart tmp/ is empty" test -z "$(ls -A inst/tmp)"
check "the stored submissions' files are all there" test "$(blobs inst)" -eq "$before"
check "the database holds exactly the two stored submissions (the held one died with the process)" \
	test "$(inbox_submissions inst)" = 2
ok_count=0
mkdir out
for f in $(inbox_items inst | awk -F'\t' '$4 == "file" { print $7 }'); do
	rm -f out/*
	unpack inst.key out "$f" &&
		{ cmp -s out/done1.bin done1.bin || cmp -s out/done2.bin done2.bin; } &&
		ok_count=$((ok_count + 1))
done
check "both stored files still decrypt to what was sent" test "$ok_count" = 2
curl -s -c jar2 -b jar2 "$URL/" >l.html
s=$(curl -s -c jar2 -b jar2 -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of l.html)" --data-urlencode "codename=$CODE" "$URL/login")
check "the source still logs in after the crash (it was stored with its period)" test "$s" = 303

# SIGTERM during an upload: the server stops taking new connections, the
# upload in flight finishes, then everything held is stored and the
# server exits.
count_before=$(inbox_submissions inst)
curl -s -b jar2 "$URL/source" >jar2.home.html   # sessions died with the old server
s=$(submit jar2 -F "message=held at the stop")
head -c 600000 /dev/urandom >inflight.bin
curl -s -o /dev/null -w '%{http_code}' -b jar2 --limit-rate 300k \
	-F "csrf=$(csrf_of jar2.home.html)" \
	-F files=@inflight.bin "$URL/submit" >inflight.status &
up=$!
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -lt 2 ]; do i=$((i + 1)); sleep 0.05; done
kill -TERM "$PID"
wait $up
wait "$PID"
check "SIGTERM lets an upload in flight finish" test "$(cat inflight.status)" = 303
check "...stores it and what was held, though their period had not ended" \
	test "$(inbox_submissions inst)" -eq $((count_before + 2))
check "...and then the server exits" sh -c "! kill -0 $PID 2>/dev/null"
finish
