#!/bin/sh
# archive_pg.sh - the archive on PostgreSQL (database = a libpq conninfo):
# an editor makes a release on the command line and adds a PDF and an
# mbox (samizdat-doc, locked in, writes through the connection it opened
# before), publishes it; the public face, locked in, serves the release,
# the document and an e-mail and finds them by search over HTTP, with
# nothing written to archive.db; a mirror export of that archive is
# signed, and minisign and `samizdat mirror verify` accept it.  A
# release of 2,300 e-mails holding one word: its search says "about N
# results" (PostgreSQL counts up to 2,000 matches, then estimates).
# Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it).
here=$(cd "$(dirname "$0")" && pwd)
CORPUS_SH=$here/../docs/corpus.sh
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the archive on PostgreSQL" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
for tool in minisign python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		not_ok "$tool is installed (scripts/deps check)"
		finish
	fi
done
db="sz_it_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE DATABASE $db" || exit 1
CONN="$SAMIZDAT_TEST_PG dbname=$db"
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

"$CORPUS_SH" corpus >corpus.log 2>&1 || { cat corpus.log; exit 1; }
make_instance inst || exit 1
sed -i "s|^database = .*|database = $CONN|" inst/samizdat.conf
bridge_mbox

"$S" release create -d inst --date 2024-05-01 \
	--intro "Files on the northern bridge contract." "The Bridge Papers" >id
check "release create makes release 1 in the database" grep -qx 1 id
check "release add imports a PDF through samizdat-doc" \
	"$S" release add -d inst 1 corpus/report.pdf
check "release add imports an mbox with its replies" \
	sh -c "'$S' release add -d inst 1 box.mbox | grep -q '3 messages, 3 new'"
check "importing the same mbox again adds nothing" \
	sh -c "'$S' release add -d inst 1 box.mbox | grep -q '3 messages, 0 new'"
check "release list reads the release from the database" sh -c "
	'$S' release list -d inst | grep -q 'The Bridge Papers'"
start_face inst public || exit 1
pids="$pids $FACE_PID"
P=$FACE_URL
get() { curl -s -o page.html -w '%{http_code}' "$P$1"; }
check "a draft release's page is 404" test "$(get /release/1)" = 404
check "a draft is not found by search" sh -c "
	curl -s '$P/search?q=contractor' | grep -q '>0 results'"
"$S" release publish -d inst 1 >/dev/null
check "the published release's page lists its document" sh -c "
	test \"\$(curl -s -o page.html -w '%{http_code}' '$P/release/1')\" = 200 &&
	grep -q 'href=\"/doc/1\"' page.html"
check "the document's page is served" test "$(get /doc/1)" = 200
check "its file is the PDF, scrubbed" sh -c "
	curl -s -o dl.pdf '$P/file/1' && head -c 5 dl.pdf | grep -q %PDF &&
	! grep -aq PLANTED dl.pdf"
email=$(curl -s "$P/api/v1/search?q=contractor" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
check "search over HTTP finds the e-mail, the match marked" sh -c "
	curl -s '$P/search?q=contractor' | grep -q '<mark>contractor</mark>'"
check "the e-mail's page is served" sh -c "
	test \"\$(curl -s -o page.html -w '%{http_code}' '$P/email/$email')\" = 200 &&
	grep -q 'bridge invoice' page.html"
check "a phrase and a sender filter find it too" sh -c "
	curl -s '$P/search?q=%22double+payment%22+from%3Ajm%40example.org' |
	grep -q '<mark>double payment</mark>'"
check "nothing was written to archive.db" test ! -e inst/archive.db

"$S" mirror keygen -d inst --no-passphrase >/dev/null 2>&1
check "mirror export reads the archive from the database" \
	"$S" mirror export -q -d inst out
check "minisign accepts the export's signature" sh -c "
	cd out && minisign -Vqm MANIFEST -p ../inst/mirror.pub"
check "samizdat mirror verify accepts the export" \
	"$S" mirror verify -p inst/mirror.pub out
check "the export holds the e-mail's page" sh -c "
	grep -rlq 'double payment' out"

# More matches than PostgreSQL counts one by one (2,000): the page says
# its count is an estimate, the API says so too, and the page is full.
python3 - <<'PY'
with open('herons.mbox', 'w') as f:
    for i in range(2300):
        f.write('From watch@example.org Mon Jan  1 00:00:00 2024\n'
                'From: watch@example.org\nTo: desk@example.org\n'
                'Subject: Sighting %d\nMessage-ID: <h%d@example.org>\n'
                'Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n'
                'A grey heron at pond p%d.\n\n' % (i, i, i))
PY
"$S" release create -d inst --date 2024-06-01 "Herons" >/dev/null 2>&1
"$S" release add -d inst 2 herons.mbox >/dev/null 2>&1
"$S" release publish -d inst 2 >/dev/null 2>&1
check "a search past 2,000 matches says its count is an estimate" sh -c "
	curl -s '$P/search?q=heron' >herons.html &&
	grep -Eq 'about [0-9]+ results' herons.html &&
	grep -q '<ol class=\"results docs\">' herons.html"
check "the API says the total is estimated, and near the truth" sh -c "
	curl -s '$P/api/v1/search?q=heron' | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(not (j[\"estimated\"] and 1150 < j[\"total\"] < 4600 and
    len(j[\"results\"]) == 20))'"
check "a few matches are counted exactly" sh -c "
	curl -s '$P/api/v1/search?q=p1234' | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(not (j[\"total\"] == 1 and not j[\"estimated\"]))'"
finish
