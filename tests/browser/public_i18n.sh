#!/bin/sh
# public_i18n.sh - runs public_i18n.mjs against a real public face serving
# a published release (a PDF, a DOCX and a threaded mbox): every page a
# reader meets in English, Chinese, Russian and Arabic at 1280 and 390 px
# (screenshots in $SHOTS/public-LANG-WIDTH-*), none overflowing, none with
# English left, Arabic right to left.  Then a mirror export of an instance
# whose first language is Russian is written in Russian.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
pot=$browser_here/../../po/samizdat.pot
make_instance inst
bridge_papers inst || exit 1
start_face inst public || { not_ok "the public face starts"; finish; }
run_browser public_i18n.mjs "$FACE_URL" "$SHOTS" "$pot"
check "screenshots of the Arabic pages at 390 px were saved" \
	test -s "$SHOTS/public-ar-390-6-search.png"
kill -TERM $FACE_PID; wait $FACE_PID

# A copy on disk cannot ask the reader: it speaks the instance's first
# language.
echo "languages = ru en" >>inst/samizdat.conf
"$SAMIZDAT" mirror keygen -d inst --no-passphrase >/dev/null 2>&1
"$SAMIZDAT" mirror export -q -d inst copy >export.log 2>&1
check "a mirror export of an instance whose first language is Russian is in Russian" \
	grep -q 'lang="ru"' copy/index.html
check "...its words too (the start page's heading)" \
	grep -q 'Публикации' copy/index.html
finish
