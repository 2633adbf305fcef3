#!/bin/sh
# public_i18n.sh - runs public_i18n.mjs against a real public face serving
# a published release (a PDF, a DOCX and a threaded mbox): every page a
# reader meets in English, Chinese, Russian and Arabic at 1280 and 390 px
# (screenshots in $SHOTS/public-LANG-WIDTH-*), none overflowing, none with
# English left, Arabic right to left.  Then a mirror export of an instance
# whose first language is Russian is written in Russian.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
pot=$browser_here/../../po/samizdat.pot
"$browser_here/../docs/corpus.sh" corpus >corpus.log 2>&1 || { cat corpus.log; exit 1; }
make_instance inst
cat >box.mbox <<'MBOX'
From jm@example.org Mon Mar  4 10:00:00 2024
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>
To: Press Desk <press@example.net>
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_zur_Br=FCcke?=
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <first@example.org>

The double payment for the bridge went to the contractor.

MBOX
mbox_replies >>box.mbox
"$SAMIZDAT" release create -d inst --intro "Files on the northern bridge." \
	"The Bridge Papers" >/dev/null
"$SAMIZDAT" release add -d inst 1 corpus/report.pdf corpus/letter.docx box.mbox >/dev/null
"$SAMIZDAT" release publish -d inst 1 >/dev/null
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
