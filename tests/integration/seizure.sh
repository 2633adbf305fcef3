#!/bin/sh
# seizure.sh - the seizure: sources make codenames and submit at known
# moments of two periods (a test clock stands in for an hour), and the
# instance directory is then read as an adversary would read a seized
# disk: every file's and directory's times (birth time included), the
# database and its journal, file sizes, row order and modes.  Nothing may
# tell more than the period of a submission, or more than its padded size.
# Run with umask 000: what samizdat creates is private whatever the umask.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
umask 000
look() { python3 "$here/seizure.py" "$@"; }
now_ns() { date +%s%N; }

make_instance inst
P0=$(( $(date +%s) / 3600 * 3600 - 86400 ))   # a period's start, yesterday
P1=$((P0 + 3600))
at() { echo $((P0 + $1)) >inst.clock; }        # the moment, for the server
at 1
start_server inst || { not_ok "the server starts"; finish; }

# msg N LEN: arrival N's message, LEN bytes long.
msg() { printf 'arrival %s %s' "$1" "$(printf "%$(($2 - 10))s" '' | tr ' ' x)"; }
send() {
	jar=$1 n=$2 len=$3
	shift 3
	s=$(submit "$jar" -F "message=$(msg "$n" "$len")" "$@")
	[ "$s" = 303 ] || echo "arrival $n: $s" >>failed
	date +%s >>real.times
}
head -c 30000 /dev/urandom >report.pdf
head -c 70000 /dev/urandom >photo.jpg

# Period 0: eight submissions from three sources, three of them new; in
# the middle, the newsroom writes to the database (an editor's key is
# added), as it does any time of day.
A0=$(now_ns)
at 10;   new_source s1; send s1 1 2600
at 500;  new_source s2; send s2 2 2650 -F files=@report.pdf
at 900;  send s1 3 2600
at 1500; new_source s3; send s3 4 700
E0=$(now_ns)
"$SAMIZDAT" keygen -o second.key >second.pub
"$SAMIZDAT" recipient add -d inst second "$(cat second.pub)" >/dev/null
# The kernel writes dirty pages back every few seconds (and a mapped page
# written after that stamps its file again); this does it now.
for f in inst/inbox.db*; do
	python3 -c 'import os, sys; os.fsync(os.open(sys.argv[1], os.O_RDONLY))' "$f"
done
E1=$(now_ns)
at 2000; send s2 5 900
at 2600; send s3 6 1100
at 3100; send s1 7 1300
at 3599; send s2 8 1500
R0=$(now_ns)
check "eight submissions in the first period are accepted" test ! -s failed
check "while they came, nothing in the instance was written, or even read" \
	sh -c "python3 '$here/seizure.py' window inst $A0 $E0 &&
	python3 '$here/seizure.py' window inst $E1 $R0"
check "...and none of them is on the disk" sh -c "
	test $(blobs inst) -eq 0 && test -z \"\$(ls -A inst/tmp)\" && test $(held $PID) -eq 8"
commit inst 5 || not_ok "the first period is stored"

# Period 1: two more, one from a new source; then it ends too.
A1=$(now_ns)
at 3605; send s3 9 1700 -F files=@photo.jpg
at 6600; new_source s4; send s4 10 1900
R1=$(now_ns)
check "while the second period's came, nothing was written or read either" \
	look window inst "$A1" "$R1"
commit inst 600 || not_ok "the second period is stored"
check "both periods are stored (12 items)" test "$(blobs inst)" -eq 12
curl -s -b s1 "$URL/source" >home.html
stop_server

check "every file is dated at its period's start, atime and mtime alike, and born when its period was stored" \
	sh -c "python3 '$here/seizure.py' dated inst $R0 $P0 $P1 >dated.txt &&
	grep -qx '$P0 9' dated.txt &&
	grep -qx '$P1 3' dated.txt"
# (storage checks: what the database holds, on either engine)
inbox=inst/inbox.db
[ "$SZ_TEST_ENGINE" = pg ] && inbox="pg:$(pg_conn inst inbox)"
check "the database holds no moment of any arrival, as number or text" \
	look sql "$inbox" $((P0 + 1)) $((P1 + 3599)) "$P1"
check "...nor any moment of the real clock while they came" \
	look sql "$inbox" $((A0 / 1000000000)) $((R1 / 1000000000 + 1))
db_rows inst inbox 'select day from submissions union all
	select created_day from sources union all select last_day from sources' >days.txt
check "the database keeps the day of each submission and source, nothing finer" sh -c "
	grep -qvx -e $(date -u -d @$P0 +%F) -e $(date -u -d @$P1 +%F) days.txt && exit 1; exit 0"
clock_times=$(for t in 10 500 900 1500 2000 2600 3100 3599 3605 6600; do echo $((P0 + t)); done)
# On PostgreSQL, the dump of the instance's databases (the cluster's own
# files are shared with every other test running meanwhile).
files="inst/inbox.db inst/inbox.db-journal inst/inbox.db-wal"
[ "$SZ_TEST_ENGINE" = pg ] && files=$(seized inst | cut -d' ' -f2)
check "no byte of the database or its journal holds an arrival's time" \
	look scan $clock_times $(cat real.times) -- $files

# Which item is which arrival: the editor's key says.
db_rows inst inbox 'select id, blob, padded_size from items order by id' >items.txt
: >order.txt
ok_sizes=1
while IFS='|' read -r id blob padded; do
	f="inst/blobs/$(echo "$blob" | cut -c1-2)/$blob.age"
	n=$(age -d -i inst.key "$f" | tar -xO message.txt 2>/dev/null | cut -d' ' -f2)
	[ -n "$n" ] && echo "$n" >>order.txt && echo "$n $(stat -c %s "$f")" >>sizes.txt
	# A file's size follows from its padded size alone: the age header
	# (70 bytes and 98 per recipient), the nonce, and a tag per 64 KiB
	# chunk.  Arrivals before the second key was added have one recipient.
	r=$(age -d -i second.key "$f" >/dev/null 2>&1 && echo 2 || echo 1)
	want=$((70 + 98 * r + 16 + padded + 16 * ((padded + 65535) / 65536)))
	[ "$(stat -c %s "$f")" -eq "$want" ] && [ $((padded % 512)) -eq 0 ] || ok_sizes=0
done <items.txt
check "each file's size is its padded size plus fixed overhead, nothing else" test $ok_sizes = 1
check "two messages of 2600 and 2650 bytes make files of the same size" sh -c "
	test \"\$(sed -n 's/^1 //p' sizes.txt)\" = \"\$(sed -n 's/^2 //p' sizes.txt)\""
check "row ids say nothing of the order the first period's submissions came in" \
	sh -c "grep -x '[1-8]' order.txt >p0.txt && test \$(wc -l <p0.txt) -eq 8 &&
	! sort -nc p0.txt 2>/dev/null"
check "sources' ids are random, not a count of arrivals" \
	test "$(db_rows inst inbox 'select count(*) from sources where id <= 1000000')" = 0
if [ "$SZ_TEST_ENGINE" = pg ]; then
	skip "the database is a rollback journal's: no -wal or -shm file says when it was read" "SQLite's files only: the inbox is in PostgreSQL"
else
	check "the database is a rollback journal's: no -wal or -shm file says when it was read" \
		sh -c "test ! -e inst/inbox.db-wal && test ! -e inst/inbox.db-shm"
fi
check "the source's pages show no time of day" sh -c "
	grep -q 'sent 3 submissions' home.html && ! grep -qE '[0-9]{2}:[0-9]{2}' home.html"
check "every file samizdat made is 0600 and every directory 0700, though the umask was 000" \
	sh -c "test -z \"\$(find inst -perm /077)\""

if [ "$SZ_TEST_ENGINE" = pg ]; then
	skip "an older database's sources get random ids, their submissions and replies with them" "SQLite's migration 6: the PostgreSQL inbox had random ids from its first schema"
else
	# Sources stored by earlier versions had ids in the order they came:
	# migration 6 gives them random ids, and their rows follow.
	sqlite3 inst/inbox.db "PRAGMA user_version = 5;
		INSERT INTO sources (id, uid, login_hash, public_key, created_day, last_day)
		VALUES (7, x'00112233445566778899aabbccddeeff', randomblob(32), randomblob(32),
			'2020-01-01', '2020-01-01');
		INSERT INTO submissions (source_id, day) VALUES (7, '2020-01-01');
		INSERT INTO replies (source_id, blob, day) VALUES (7, 'old-reply', '2020-01-02');"
	"$SAMIZDAT" recipient list -d inst >/dev/null
	check "an older database's sources get random ids, their submissions and replies with them" sh -c "
		test \"\$(sqlite3 inst/inbox.db 'PRAGMA user_version')\" -ge 6 &&
		test \"\$(sqlite3 inst/inbox.db 'select count(*) from sources where id < 1000000')\" = 0 &&
		test \"\$(sqlite3 inst/inbox.db \"select count(*) from sources s join submissions b
			on b.source_id = s.id join replies r on r.source_id = s.id
			where s.uid = x'00112233445566778899aabbccddeeff'\")\" = 1 &&
		test -z \"\$(sqlite3 inst/inbox.db 'PRAGMA foreign_key_check')\""
fi
finish
