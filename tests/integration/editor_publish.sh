#!/bin/sh
# editor_publish.sh - an editor builds a release in the editor face:
# creates it, uploads reviewed files (scrubbed on the way in; a file that
# cannot be scrubbed is refused with a message), edits a summary, previews
# the draft exactly as the public will see it, and publishes it; the
# public face shows it only then.  Every step is in the audit log.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
"$here/../docs/corpus.sh" corpus >corpus.log 2>&1 || { cat corpus.log; exit 1; }

make_instance inst
add_editor inst alice
start_editor inst || { not_ok "the editor face starts"; finish; }
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL
s=$(editor_login ed alice 'a long editor password' "$(oathtool --totp -b "$SECRET")")
check "the editor logs in" test "$s" = 303

check "the releases page needs a session" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$EURL/releases")" = 303
curl -s -b ed -c ed "$EURL/releases" >rel.html
check "the releases page offers a form for a new release" grep -q 'action="/release/create"' rel.html
T=$(csrf_of rel.html)
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code} %{redirect_url}' \
	--data-urlencode "csrf=$T" --data-urlencode "title=The Bridge Papers" \
	--data-urlencode "day=2024-05-01" --data-urlencode "intro=Files on the bridge." \
	"$EURL/release/create")
check "creating a release leads to its page" test "$s" = "303 $EURL/release?id=1"
check "a forged form (no token) is refused" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' --data 'title=x&day=2024-01-01' "$EURL/release/create")" = 403

s=$(curl -s -b ed -c ed -o up.html -w '%{http_code} %{redirect_url}' \
	-F "csrf=$T" -F "files=@corpus/report.pdf" -F "files=@corpus/letter.docx" \
	"$EURL/release/upload?id=1")
check "uploading a PDF and a DOCX adds them" test "$s" = "303 $EURL/release?id=1&added=1"
head -c 4000 /dev/urandom >mystery.bin
s=$(curl -s -b ed -c ed -o bad.html -w '%{http_code}' -F "csrf=$T" \
	-F "files=@mystery.bin" "$EURL/release/upload?id=1")
check "a file that cannot be scrubbed is refused" test "$s" = 400
check "...with a message naming it" grep -q 'mystery.bin.*cannot be published' bad.html
check "an upload without the token is refused" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' -F 'files=@corpus/note.txt' "$EURL/release/upload?id=1")" = 403
check "no upload leaves files behind" \
	sh -c "! ls -a inst/archive | grep -q '^.upload'"

curl -s -b ed -c ed "$EURL/release?id=1" >r1.html
check "the release page lists the scrubbed documents" \
	sh -c "grep -q 'report' r1.html && grep -q 'letter' r1.html"
T=$(csrf_of r1.html)
doc=$(grep -o 'name="id" value="[0-9]*"' r1.html | sed -n 2p | grep -o '[0-9]*')
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data-urlencode "id=$doc" --data-urlencode "release=1" \
	--data-urlencode "summary=An editor's summary of the report." \
	"$EURL/release/summary")
check "an editor edits a summary" test "$s" = 303

check "the draft is invisible on the public face" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/release/1")" = 404
curl -s -b ed "$EURL/preview/release/1" >prev.html
check "the preview shows the draft as the public will see it" \
	sh -c "grep -q 'The Bridge Papers' prev.html && grep -q 'href=\"/preview/doc/' prev.html"
check "the preview needs a session" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$EURL/preview/release/1")" = 303
check "the preview shows the edited summary" \
	sh -c "curl -s -b ed '$EURL/preview/doc/$doc' | grep -q 'An editor&#39;s summary'"

s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data "id=1&state=published" "$EURL/release/state")
check "the editor publishes the release" test "$s" = 303
check "the public face now shows it" \
	sh -c "curl -s '$P/release/1' | grep -q 'The Bridge Papers'"
curl -s -o pub.pdf "$P/file/1"
check "the published PDF is the scrubbed one" \
	sh -c "head -c 5 pub.pdf | grep -q %PDF && ! grep -aq PLANTED pub.pdf"
check "the audit log records creating, adding, editing and publishing" sh -c \
	"'$SAMIZDAT' audit -d inst >audit.txt && grep -q 'create release' audit.txt && \
	 grep -q 'add to release' audit.txt && grep -q 'edit summary' audit.txt && \
	 grep -q 'publish release' audit.txt"
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data "id=1&state=draft" "$EURL/release/state")
check "unpublishing hides it again" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/release/1")" = 404

# Removing: only from the release it was asked of.
"$SAMIZDAT" release create -d inst 'Other' >/dev/null
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data "id=1&release=2" "$EURL/release/remove")
check "a document cannot be removed through another release" test "$s" = 404
check "...and it is still there" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' "$EURL/preview/doc/1")" = 200
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode "csrf=$T" \
	--data "id=1&release=1" "$EURL/release/remove")
check "removing a document from its release says so" test "$s" = "303 $EURL/release?id=1&removed=1"
check "...it is gone, its file too" sh -c "
	test \$(curl -s -b ed -o /dev/null -w '%{http_code}' '$EURL/preview/doc/1') = 404 &&
	test \$(curl -s -b ed -o /dev/null -w '%{http_code}' '$EURL/preview/file/1') = 404"
check "...and the audit log has it" sh -c \
	"'$SAMIZDAT' audit -d inst | grep -q 'remove from release  *document 1'"

# Removing an e-mail: found by its subject and sender on the release's
# page, asked before it goes, written to the audit log; on the command
# line by its Message-ID.
cat >two.mbox <<'MBOX'
From anna@example.org Mon Mar  4 10:00:00 2024
From: Anna Berg <anna@example.org>
Subject: The tender, first draft
Message-ID: <tender-1@example.org>
Date: Mon, 4 Mar 2024 10:00:00 +0100

First.

From boris@example.org Tue Mar  5 10:00:00 2024
From: boris@example.org
Subject: Re: The tender
Message-ID: <tender-2@example.org>
Date: Tue, 5 Mar 2024 10:00:00 +0100

Second.
MBOX
"$SAMIZDAT" release add -d inst 2 two.mbox >/dev/null 2>&1
curl -s -b ed "$EURL/release?id=2" >rel2.html
check "the release's page lists its e-mails with subject and sender, each with a way to remove it" sh -c "
	grep -q 'The tender, first draft</a> <span class=\"note\">Anna Berg &lt;anna@example.org&gt;' rel2.html &&
	grep -q 'href=\"/release/remove?id=[0-9]*&amp;release=2\">Remove' rel2.html"
M=$(sed -n 's/.*<li id="email-\([0-9]*\)"><a[^>]*>The tender, first draft.*/\1/p' rel2.html)
curl -s -b ed "$EURL/release/remove?id=$M&release=2" >ask.html
check "removing one asks first, showing what goes" sh -c "
	grep -q 'Remove this e-mail from the release?' ask.html &&
	grep -q 'Anna Berg &lt;anna@example.org&gt;' ask.html &&
	grep -q 'tender-1@example.org' ask.html && grep -q 'id=\"confirm-remove\"' ask.html"
check "...and only from the release it was asked of" test \
	"$(curl -s -b ed -o /dev/null -w '%{http_code}' "$EURL/release/remove?id=$M&release=1")" = 404
check "...nothing is removed by asking" \
	test "$(curl -s -b ed -o /dev/null -w '%{http_code}' "$EURL/preview/email/$M")" = 200
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data "id=$M&release=2" "$EURL/release/remove")
check "confirmed, the e-mail is gone, and the audit log says it was an e-mail" sh -c "
	test $s = 303 &&
	test \$(curl -s -b ed -o /dev/null -w '%{http_code}' '$EURL/preview/email/$M') = 404 &&
	'$SAMIZDAT' audit -d inst | grep -q 'remove from release  *e-mail $M'"
check "the command line removes an e-mail by its Message-ID" sh -c "
	'$SAMIZDAT' release remove -d inst 2 '<tender-2@example.org>' | grep -q 'removed e-mail [0-9]* \"Re: The tender\"' &&
	! curl -s -b ed '$EURL/release?id=2' | grep -q 'Re: The tender' &&
	'$SAMIZDAT' audit -d inst | tail -n 1 | grep -q 'remove from release  *e-mail'"
check "...and says so when no e-mail has it" sh -c "
	! '$SAMIZDAT' release remove -d inst 2 nobody@example.org 2>err.txt &&
	grep -q 'no e-mail of release 2 has that Message-ID' err.txt"
kill "$EPID" "$FACE_PID"
finish
