#!/bin/sh
# archive.sh - an editor publishes a release with a PDF, a DOCX and an
# mbox (threads, attachments, legacy charsets); readers see it on the
# public face only once published, find it by words, phrases, exclusions,
# prefixes and filters, with the matches highlighted; e-mails keep their
# raw bytes exactly.  Hostile queries and pages never break a page.
here=$(cd "$(dirname "$0")" && pwd)
CORPUS_SH=$here/../docs/corpus.sh
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

"$CORPUS_SH" corpus >corpus.log 2>&1 || { cat corpus.log; exit 1; }
make_instance inst
pdf_b64=$(base64 -w 76 corpus/report.pdf)
cat >box.mbox <<EOF
From jm@example.org Mon Mar  4 10:00:00 2024
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>
To: Press Desk <press@example.net>, Anna <anna@example.com>
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_zur_Br=FCcke?=
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <first@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Die Rechnung f=FCr die Br=FCcke wurde doppelt bezahlt. The double payment
went to the contractor.
--b1
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

$pdf_b64
--b1--

EOF
mbox_replies >>box.mbox

"$S" release create -d inst --date 2024-05-01 \
	--intro "Files on the northern bridge contract." "The Bridge Papers" >id
check "release create prints the new release's number" grep -qx 1 id
check "release add publishes a PDF and a DOCX through the pipeline" \
	"$S" release add -d inst 1 corpus/report.pdf corpus/letter.docx
check "release add imports an mbox with its attachments" \
	sh -c "'$S' release add -d inst 1 box.mbox | grep -q '3 messages, 3 new, 1 attachments'"
check "importing the same mbox again adds nothing" \
	sh -c "'$S' release add -d inst 1 box.mbox | grep -q '3 messages, 0 new'"
head -c 3000 /dev/urandom >blob.bin
"$S" release add -d inst 1 blob.bin >/dev/null 2>add.err
check "a file that cannot be scrubbed is not published (exit 3)" test $? = 3
check "...and the message says so" grep -q "cannot be published" add.err
check "release list shows the draft with its counts" \
	sh -c "'$S' release list -d inst | grep -q '^1	2024-05-01	draft	3 documents	3 e-mails	The Bridge Papers'"

# An import that fails half-way leaves nothing of itself.
mkdir -p md/cur
cp box.mbox md/cur/0001
sed -n '/^From: Anna/,/^We will/p' box.mbox | sed '/^From press/,$d' >md/cur/0002
mkdir md/cur/0003-broken
"$S" release add -d inst 1 md >/dev/null 2>md.err
check "a Maildir that fails half-way is refused" test $? != 0
check "...and none of its messages were imported" \
	sh -c "'$S' release list -d inst | grep -q '3 e-mails'"

start_face inst public || exit 1
P=$FACE_URL
get() { curl -s -o page.html -w '%{http_code}' "$P$1"; }

check "a draft release is invisible on the home page" \
	sh -c "curl -s '$P/' | grep -q 'Nothing has been published'"
check "a draft release's page is 404" test "$(get /release/1)" = 404
check "a draft's documents are 404" test "$(get /doc/1)" = 404
check "a draft's files cannot be downloaded" test "$(get /file/1)" = 404
check "search does not find drafts" \
	sh -c "curl -s '$P/search?q=bridge' | grep -q '>0 results'"
check "the API does not list drafts" \
	sh -c "curl -s '$P/api/v1/releases' | grep -q '\"total\":0'"

"$S" release publish -d inst 1 >/dev/null
check "once published, the home page lists the release" \
	sh -c "curl -s '$P/' | grep -q 'href=\"/release/1\">The Bridge Papers'"
get /release/1 >/dev/null
check "the release page shows its introduction" grep -q 'northern bridge contract' page.html
check "...its documents" grep -q 'href="/doc/1">report' page.html
check "...and its e-mails, subjects decoded from Latin-1" \
	grep -q 'Grüße zur Brücke' page.html

get /doc/1 >/dev/null
check "a document page shows a summary" grep -q 'class="summary"' page.html
check "...the reading time" grep -q 'minute read' page.html
check "...and the full text" grep -q 'paid twice for the same contract' page.html
curl -s -o dl.pdf "$P/file/1"
check "the download is the scrubbed PDF" \
	sh -c "head -c 5 dl.pdf | grep -q %PDF && ! grep -aq PLANTED dl.pdf"
check "exiftool finds no planted value in the download" \
	sh -c "! exiftool -a dl.pdf | grep -q PLANTED"
check "the page shows the download's SHA-256" \
	grep -q "$(sha256sum dl.pdf | cut -c1-64)" page.html

email=$(curl -s "$P/api/v1/search?q=Rechnung" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
get "/email/$email" >/dev/null
check "an e-mail page decodes its sender" grep -q 'Jürgen Müller' page.html
check "...links the sender's page" grep -q 'href="/from/jm@example.org"' page.html
check "...shows its Latin-1 body in UTF-8" grep -q 'Brücke wurde doppelt bezahlt' page.html
check "...lists its attachment as a document" grep -q 'Attachments (1)' page.html
check "...shows its thread of three" grep -q 'Thread (3 e-mails)' page.html
check "...and says it was not DKIM-signed" grep -q 'not DKIM-signed' page.html
curl -s -o raw.eml "$P/file/$email"
check "the raw e-mail downloads with the SHA-256 shown" \
	grep -q "$(sha256sum raw.eml | cut -c1-64)" page.html
check "...with its attachment scrubbed, since no signature covers it" \
	sh -c "grep -q 'attachments scrubbed of metadata' page.html && python3 -c 'import email,sys; m=email.message_from_binary_file(open(\"raw.eml\",\"rb\")); sys.exit(0 if [p for p in m.walk() if p.get_filename()==\"report.pdf\" and b\"PLANTED\" not in p.get_payload(decode=True) and p.get_payload(decode=True).startswith(b\"%PDF\")] else 1)'"
reply=$(curl -s "$P/api/v1/search?q=zebracrossing" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
curl -s -o reply.eml "$P/file/$reply"
check "a raw e-mail without attachments is the message as received, byte for byte" \
	sh -c "python3 -c 'import sys; sys.exit(0 if open(\"reply.eml\",\"rb\").read() in open(\"box.mbox\",\"rb\").read() else 1)'"
att=$(sed -n '/Attachments (1)/,/<\/ul>/p' page.html | grep -o '/doc/[0-9]*' | head -1)
curl -s -o att.pdf "$P/file/${att#/doc/}"
check "the attached PDF is published scrubbed" \
	sh -c "head -c 5 att.pdf | grep -q %PDF && ! grep -aq PLANTED att.pdf"
thread=$(grep -o '/thread/[0-9a-f]*' page.html | head -1)
check "the thread page shows the three e-mails, oldest first" sh -c \
	"curl -s '$P$thread' | grep -o 'class=\"mail\"><h2><a href=\"/email/[0-9]*\">[^<]*' | sed 's/.*>//' | tr '\n' '|' | grep -qx 'Grüße zur Brücke|Re: bridge invoice|Re: Re: bridge invoice|'"
check "the sender page lists what Anna sent" \
	sh -c "curl -s '$P/from/anna@example.com' | grep -q '1 e-mail,'"
check "the recipient page lists what Anna received" \
	sh -c "curl -s '$P/to/anna@example.com' | grep -q '2 e-mails,'"

q() { curl -s "$P/search?q=$1"; }
check "search finds a phrase and highlights it" \
	sh -c "curl -s '$P/search?q=%22double+payment%22' | grep -q '<mark>double payment</mark>'"
check "search counts its results" \
	sh -c "curl -s '$P/search?q=bridge' | grep -q 'class=\"count\">[1-9][0-9]* results'"
check "search offers facets by type" \
	sh -c "curl -s '$P/search?q=bridge' | grep -q 'By type'"
check "a prefix finds longer words" \
	sh -c "curl -s '$P/search?q=zebra*' | grep -q '>1 result<'"
check "an exclusion removes results" \
	sh -c "curl -s '$P/search?q=bridge+-publish' | grep -vq 'We will publish' && \
	       curl -s '$P/search?q=publish' | grep -q '>1 result<'"
check "from: filters by sender" \
	sh -c "curl -s '$P/search?q=bridge+from:press' | grep -q '>1 result<'"
check "to: filters by recipient" \
	sh -c "curl -s '$P/search?q=payment+to:press@example.net' | grep -q '>1 result<'"
check "type: filters by type" \
	sh -c "curl -s '$P/search?q=contract+type:pdf' | grep -q 'href=\"/doc/1\"' && \
	       ! curl -s '$P/search?q=contract+type:pdf' | grep -q 'href=\"/email/'"
check "a date range filters e-mails" \
	sh -c "curl -s '$P/search?q=bridge+after:2024-03-10' | grep -q '>1 result<'"
check "diacritics fold: bruecke finds Brücke" \
	sh -c "curl -s '$P/search?q=brucke' | grep -q '[1-9] result'"

for bad in '%22' 'AND+OR+NOT+(' 'title:x+body:' '*' 'NEAR(a+b)' \
	'%22unclosed+phrase' '---' 'a%3Ab%3Ac' 'release:abc' 'type:exe' \
	'after:2024-13-45' "$(head -c 1500 /dev/zero | tr '\0' 'a')"; do
	st=$(curl -s -o bad.html -w '%{http_code}' "$P/search?q=$bad")
	check "a hostile query ($(printf %.20s "$bad")) gets a page, not an error" \
		sh -c "test $st = 200 && grep -q '<h1>Search</h1>' bad.html"
done
check "a query that cannot be understood gets advice" \
	sh -c "curl -s '$P/search?q=type:exe' | grep -q 'takes a kind of document'"
for pg in 999999 0 -3 abc 99999999999999999999; do
	check "page=$pg of a list is a page, not an error" \
		test "$(get "/release/1?page=$pg")" = 200
done

check "the API lists the release as JSON" \
	sh -c "curl -s '$P/api/v1/releases' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"releases\"][0][\"title\"]==\"The Bridge Papers\"'"
check "the API searches, with snippets and facets" \
	sh -c "curl -s '$P/api/v1/search?q=bridge' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"total\"]>=3 and \"<mark>\" in \"\".join(r[\"snippet\"] for r in d[\"results\"]) and d[\"facets\"][\"type\"]'"
check "the API gives an e-mail with its text" \
	sh -c "curl -s '$P/api/v1/emails/$email' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert \"Brücke\" in d[\"text\"] and d[\"from\"][\"address\"]==\"jm@example.org\"'"
check "a bad API query is a JSON error" \
	sh -c "curl -s '$P/api/v1/search?q=-x' | python3 -c 'import json,sys; assert \"error\" in json.load(sys.stdin)'"
check "the Atom feed is well-formed and lists the release" \
	sh -c "curl -s '$P/feed.atom' | python3 -c 'import sys,xml.dom.minidom as m; d=m.parseString(sys.stdin.read()); assert d.getElementsByTagName(\"entry\")'"

# DKIM: keys made by opendkim-genkey, mail signed by opendkim-testmsg.
curl -s "$P/browse/senders" >senders1.html
mkdir keys
opendkim-genkey -D keys -d example.org -s s1 -h sha1
opendkim-genkey -D keys -d example.org -s s2 -h sha1
msg() {
	printf 'From: Jm <jm@example.org>\r\nTo: press@example.net\r\nSubject: %s\r\nDate: Mon, 1 Apr 2024 10:00:00 +0000\r\nMessage-ID: <%s@example.org>\r\n\r\nThe signed statement about the bridge.\r\n' "$1" "$1"
}
msg verified | opendkim-testmsg -d example.org -k keys/s1.private -s s1 >a.eml
msg tampered | opendkim-testmsg -d example.org -k keys/s1.private -s s1 |
	sed 's/signed statement/SIGNED STATEMENT/' >b.eml
msg unknownkey | opendkim-testmsg -d example.org -k keys/s2.private -s s2 >c.eml
msg unsigned >d.eml
for f in a b c d; do echo "From jm@example.org Mon Apr  1 10:00:00 2024"; tr -d '\r' <$f.eml; echo; done >signed.mbox
"$S" release create -d inst "Signed mail" >/dev/null
check "DKIM keys from opendkim-genkey check an import's signatures" sh -c \
	"'$S' release add -d inst --dkim-keys keys/s1.txt 2 signed.mbox | grep -q 'DKIM: 1 verified, 1 failed, 1 could not be checked'"
"$S" release publish -d inst 2 >/dev/null
dkim_page() {
	id=$(curl -s "$P/api/v1/search?q=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
	curl -s "$P/email/$id"
}
dkim_page verified >v.html; dkim_page tampered >t.html
dkim_page unknownkey >u.html; dkim_page unsigned >n.html
check "a good signature shows as verified" grep -q 'DKIM signature verified' v.html
check "an altered message shows its signature failed" grep -q 'DKIM signature failed' t.html
check "a signature without a supplied key could not be checked" \
	grep -q 'could not be checked' u.html
check "an unsigned message says it is not signed" grep -q 'not DKIM-signed' n.html
check "the API reports the DKIM state" sh -c \
	"curl -s '$P/api/v1/search?q=verified' | python3 -c 'import json,sys; i=json.load(sys.stdin)[\"results\"][0][\"id\"]; print(i)' >id2 && \
	 curl -s '$P/api/v1/emails/'\$(cat id2) | grep -q '\"dkim\":\"pass\"'"

# The senders index is kept whole by each reading connection while the
# archive stays as it is; a release published by another process shows.
jm_count() { sed 's/<[^>]*>/ /g' "$1" | grep -o 'jm@example.org *[0-9]*' | grep -o '[0-9]*$'; }
curl -s "$P/browse/senders" >senders2.html
check "the senders index counts a new release's e-mails at once ($(jm_count senders1.html) then $(jm_count senders2.html))" \
	test "$(jm_count senders2.html)" -eq $(( $(jm_count senders1.html) + 4 ))
"$S" release unpublish -d inst 1 >/dev/null
curl -s "$P/browse/senders" >senders3.html
check "...and forgets an unpublished one's ($(jm_count senders3.html))" \
	test "$(jm_count senders3.html)" -eq 4
check "unpublishing hides the release again" test "$(get /release/1)" = 404
kill "$FACE_PID"
finish
