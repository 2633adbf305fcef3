#!/bin/sh
# inbox_flood.sh - the attack: one anonymous source stored 3 x 400 MiB,
# without limit.  Now a source may send source_mb_per_day and
# source_submissions_per_day, all sources together inbox_mb_per_day, and
# nothing is taken while free disk space is under min_free_disk_mb: each
# refused with a page saying which limit, before anything is written.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst source_mb_per_day=3 source_submissions_per_day=3 \
	inbox_mb_per_day=5 max_file_mb=2 max_submission_mb=3
start_server inst || { not_ok "the server starts"; finish; }
head -c 1200000 /dev/urandom >f.bin
# stored: how many files are in the tree, and in tmp/ once a refused
# upload's cleaner has run (it runs just after the answer is sent).
stored() {
	i=0
	while [ $i -lt 40 ] && [ -n "$(ls -A inst/tmp)" ]; do
		i=$((i + 1)); sleep 0.05
	done
	echo "$(blobs inst) $(ls inst/tmp | wc -l)"
}

new_source a
s1=$(submit a -F "files=@f.bin")
s2=$(submit a -F "files=@f.bin")
check "a source sends 2 x 1.2 MB under a 3 MB daily limit" test "$s1 $s2" = "303 303"
before=$(stored)
s=$(submit a -F "files=@f.bin")
check "a third 1.2 MB gets 429, saying it is the daily limit" \
	sh -c "test $s = 429 && grep -q 'most one source may send in a day' a.submit.html"
check "...and nothing of it was written" test "$(stored)" = "$before"
s=$(submit a -H 'Transfer-Encoding: chunked' -F "files=@f.bin")
after=$(stored)
check "...nor of the same sent chunked, with no length to check first" \
	test "$s $after" = "429 $before"
s=$(submit a -F "message=a few words")
check "...while a short message still fits" test "$s" = 303

new_source b
for i in 1 2 3; do submit b -F "message=note $i" >/dev/null; done
s=$(submit b -F "message=note 4")
check "a fourth submission in a day gets 429 (source_submissions_per_day=3)" \
	sh -c "test $s = 429 && grep -q 'submissions today' b.submit.html"

# An upload cut off half-way is not kept, so it costs nothing.
new_source c
cookie=$(awk '$6 == "sz_source" {print $7}' c)
{ printf "POST /submit HTTP/1.1\r\nHost: x\r\nCookie: sz_source=$cookie\r\n"
  printf "Content-Type: multipart/form-data; boundary=B\r\n"
  printf "Content-Length: 2500000\r\n\r\n--B\r\n"
  printf "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
  printf "%s\r\n--B\r\n" "$(csrf_of c.home.html)"
  printf "Content-Disposition: form-data; name=\"files\"; filename=\"x\"\r\n\r\n"
  head -c 100000 /dev/zero; } |
	timeout 5 curl -s -o /dev/null telnet://${URL#http://} 2>/dev/null
s1=$(submit c -F "files=@f.bin")
s2=$(submit c -F "files=@f.bin")
check "an abandoned upload costs its source nothing of the day's limit" \
	test "$s1 $s2" = "303 303"
new_source d
s=$(submit d -F "files=@f.bin")
check "past inbox_mb_per_day for everyone together a submission gets 503" \
	sh -c "test $s = 503 && grep -q 'taken in all it can for today' d.submit.html"
stop_server

make_instance full min_free_disk_mb=1073741824
start_server full || { not_ok "the second server starts"; finish; }
new_source e
s=$(submit e -F "message=hello" -F "files=@f.bin")
check "below min_free_disk_mb a submission gets 507, saying the disk is short" \
	sh -c "test $s = 507 && grep -q 'short of disk space' e.submit.html"
check "...before anything was written" \
	test "$(blobs full) $(ls full/tmp | wc -l)" = "0 0"
check "...while the pages still work" grep -q 'action="/submit"' e.home.html
stop_server
finish
