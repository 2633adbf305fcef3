#!/bin/sh
# public.sh - runs public.mjs against a real public face serving a
# published release (a PDF, a DOCX and a threaded mbox).
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
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
run_browser public.mjs "$FACE_URL" "$SHOTS"
check "screenshots were saved" test -s "$SHOTS/public-4-results.png"
kill -TERM $FACE_PID; wait $FACE_PID
finish
