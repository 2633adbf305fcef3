#!/bin/sh
# retention.sh - submissions older than retention_days are deleted, rows
# and files, by `samizdat purge` and by the server on its own; newer ones
# stay.  (The test ages submissions by rewriting their day.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst retention_days=30
start_server inst || { not_ok "the server starts"; finish; }
new_source jar
printf 'old memo\n' >old.txt
printf 'new memo\n' >new.txt
s1=$(submit jar -F files=@old.txt -F "message=old")
commit inst   # each in a period of its own: rows in order
s2=$(submit jar -F files=@new.txt)
check "two submissions are stored" test "$s1$s2" = 303303
stop_server   # stores the second
check "...as three items" test "$(blobs inst)" -eq 3
# The first submission's two items: ids grow from batch to batch.
old_blobs=$(inbox_items inst | sort -t'	' -k2,2n | head -2 | cut -f7)
# The test ages it (no command does: a day is written once, at storage).
db_rows inst inbox "update submissions set day = '$(date -u -d '40 days ago' +%F)' where id = (select min(id) from submissions)"

"$SAMIZDAT" purge -d inst --days 50 >purge.out
check "purge with a longer period keeps everything" \
	sh -c "grep -q 'Deleted 0 submissions' purge.out && test $(blobs inst) -eq 3"
"$SAMIZDAT" purge -d inst >purge.out
check "purge deletes the submission past retention_days" \
	grep -q 'Deleted 1 submission (2 files) older than 30 days' purge.out
check "...its rows are gone" \
	test "$(inbox_submissions inst)" = 1
gone=1
for b in $old_blobs; do [ -e "$b" ] && gone=0; done
check "...its files are gone" test $gone = 1
f=$(inbox_items inst | awk -F'\t' '$4 == "file" { print $7 }')
check "...and the newer submission is intact" sh -c "
	age -d -i inst.key '$f' | tar -x -O new.txt | cmp - new.txt"

# The server purges by itself when it starts (and hourly after).
db_rows inst inbox "update submissions set day = '2001-01-01'"
start_server inst || { not_ok "the server restarts"; finish; }
i=0
# (the files go first, then the line is written: wait for both)
while [ $i -lt 100 ] && { [ "$(blobs inst)" -ne 0 ] ||
	! grep -q 'retention: deleted' inst.source.err; }; do
	i=$((i + 1)); sleep 0.05
done
check "the server deletes expired submissions on its own" test "$(blobs inst)" -eq 0
check "...and says how many, and nothing else" \
	sh -c "grep -q 'retention: deleted 1 submission (1 file) older than 30 days' inst.source.err"
stop_server
finish
