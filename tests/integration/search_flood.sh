#!/bin/sh
# search_flood.sh - the attack: 32 one-letter prefixes made a search cost
# 2 s, and four clients repeating it took every other page of the archive
# from 17 ms to 15 s (one SQLite handle behind a mutex).  Now prefixes
# need 3 letters, a search that runs past search_time_ms is cut off with
# advice, searches run on read connections of their own (at most a few
# at once), and pages read on others: while four clients hammer
# expensive searches, every other page is answered.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

# A 1 ms budget: any search that does real work is cut off, so the
# cut-off is what the hammering clients meet.
make_instance inst search_time_ms=1
python3 "$here/../../bench/gen_mail.py" mail 1000
rel=$("$SAMIZDAT" release create -d inst "Mail" 2>/dev/null)
"$SAMIZDAT" release add -d inst "$rel" mail >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst "$rel" >/dev/null
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL

q() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
ONE=$(q "a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t* u* v* w* x* y* z*")
curl -s "$P/search?q=$ONE" >one.html
check "one-letter prefixes are refused at once, saying to write more" \
	grep -q 'at least 3 letters before a' one.html
EXP=$(q "bak* OR contract OR payment OR bridge OR minister")
curl -s "$P/search?q=$EXP" >exp.html
check "a search past its time budget is cut off with advice" \
	grep -q 'id="advice">This search takes too long' exp.html
check "...and the API says the same, as an error a program can read" sh -c "
	test \"\$(curl -s -o api.json -w '%{http_code}' '$P/api/v1/search?q=$EXP')\" = 503 &&
	grep -q 'takes too long' api.json"

# Four clients hammer it while a reader browses.
: >hammer.log
pids=
for i in 1 2 3 4; do
	( end=$(($(date +%s) + 8))
	  while [ "$(date +%s)" -lt $end ]; do
		curl -s -o h$i.html -w '%{http_code}\n' "$P/search?q=$EXP"
		grep -q -e 'id="advice"' -e 'class="count"' h$i.html ||
			echo "no advice and no results" >>hammer.log
	  done >>hammer.log ) &
	pids="$pids $!"
done
sleep 1
EMAIL=$(curl -s "$P/release/$rel" | grep -o 'href="/email/[0-9]*' | head -1 | cut -d/ -f3)
: >pages.log
end=$(($(date +%s) + 5))
while [ "$(date +%s)" -lt $end ]; do
	for p in / "/release/$rel" "/email/$EMAIL" /api/v1/releases /feed.atom \
	    "/search?q=$(q 'kobari* OR ribato*')"; do
		curl -s -o /dev/null -m 10 -w "%{http_code} %{time_total} $p\n" "$P$p" >>pages.log
	done
done
wait $pids
n=$(wc -l <pages.log)
check "every one of $n other pages was answered while four clients hammered" \
	sh -c "test $n -gt 0 && ! grep -v '^200 ' pages.log"
echo "# slowest of those pages: $(sort -k2 -n pages.log | tail -1)"
check "every hammering search got results or advice, never an error page" \
	sh -c "test -s hammer.log && ! grep -v '^200\$' hammer.log"
kill -TERM "$FACE_PID"; wait "$FACE_PID"
finish
