#!/bin/sh
# extract.sh - `samizdat extract` and `summarize` on files made by real
# producers: the text a reader would see, in UTF-8, without comments,
# deleted revisions or markup; summaries of the document's own sentences
# in document order, with a reading time at 238 words per minute.
CORPUS_SH=$(cd "$(dirname "$0")/../docs" && pwd)/corpus.sh
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

"$CORPUS_SH" orig >corpus.log 2>&1 || { cat corpus.log; exit 1; }

for f in report.pdf letter.docx memo.odt; do
	check "$f: extract gives its sentences" \
		sh -c "'$S' extract orig/$f | grep -q 'paid .*twice'"
done
check "budget.xlsx: extract gives its cells" \
	sh -c "'$S' extract orig/budget.xlsx | grep -q 'Paid twice'"
check "accounts.ods: extract gives its cells" \
	sh -c "'$S' extract orig/accounts.ods | grep -q 'Paid twice'"
check "deck.pptx: extract gives its slide text" \
	sh -c "'$S' extract orig/deck.pptx | grep -q 'Bridge contract paid twice'"
check "talk.odp: extract gives its slide text" \
	sh -c "'$S' extract orig/talk.odp | grep -q 'Bridge contract paid twice'"
for f in letter.docx memo.odt; do
	check "$f: comments and their authors are not text" \
		sh -c "! '$S' extract orig/$f | grep -q 'please check\|PLANTED'"
done
check "the PDF text matches pdftotext's words" sh -c \
	"'$S' extract orig/report.pdf | tr -s ' \n' '\n\n' >a && \
	 pdftotext orig/report.pdf - | tr -s ' \n\f' '\n\n\n' >b && \
	 diff -B a b"
check "HTML: the text, without tags, comments or the head" sh -c \
	"'$S' extract orig/page.html >h && grep -q 'The ministry paid twice.' h && \
	 ! grep -q '<\|PLANTED\|Bridge contract</' h"

printf 'Caf\351 cr\350me, na\357ve r\351sum\351.\n' >latin1.txt
check "Latin-1 text comes out as UTF-8" \
	sh -c "'$S' extract latin1.txt | grep -q 'Café crème, naïve résumé.'"
printf 'Gr\303\274\303\237e aus M\303\274nchen\n' | iconv -f UTF-8 -t UTF-16 >utf16.txt
check "UTF-16 text (with its byte-order mark) comes out as UTF-8" \
	sh -c "'$S' extract utf16.txt | grep -q 'Grüße aus München'"

cat >mail.eml <<'EOF'
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>
To: press@example.net
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_dem_Ministerium?=
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Die Rechnung wurde doppelt bezahlt. Gr=FC=DFe.
--b1
Content-Type: application/pdf; name="invoice.pdf"
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
EOF
"$S" extract mail.eml >mail.txt
check "e-mail: encoded-word headers are decoded" \
	grep -q 'From: Jürgen Müller <jm@example.org>' mail.txt
check "e-mail: a Latin-1 subject is shown in UTF-8" \
	grep -q 'Subject: Grüße aus dem Ministerium' mail.txt
check "e-mail: a quoted-printable Latin-1 body is decoded" \
	grep -q 'Die Rechnung wurde doppelt bezahlt. Grüße.' mail.txt
check "e-mail: attachments are named, not dumped" \
	sh -c "grep -q 'attachment: invoice.pdf' mail.txt && ! grep -q JVBER mail.txt"

head -c 5000 /dev/urandom >noise.bin
"$S" extract noise.bin >/dev/null 2>.err
check "extract of an unsupported type exits 3 with a message" \
	sh -c "test $? = 3 && grep -q 'extracts text from PDF' .err"

# Summaries: 600 words, three of whose sentences carry the story.
python3 - <<'EOF'
fillers = ["Lunch in the canteen was served at noon as on every other day.",
           "The weather in the capital stayed mild for most of the spring.",
           "Several staff members took their annual leave in April.",
           "A new coffee machine was installed on the third floor.",
           "Parking spaces behind the building were repainted.",
           "The library extended its opening hours on Thursdays."]
story = ["The ministry paid the bridge contractor twice for the same "
         "bridge contract in March.",
         "An audit of the bridge contract found the ministry had split the "
         "contract payment to avoid review.",
         "The contractor behind the bridge contract belongs to the deputy "
         "minister's cousin, the audit of the ministry found."]
words, out, k = 0, [], 0
while words < 600:
    if words % 150 < 20 and k < 3:
        out.append(story[k]); k += 1
    else:
        out.append(fillers[len(out) % len(fillers)])
    words = len(' '.join(out).split())
open('story.txt', 'w').write(' '.join(out) + '\n')
EOF
"$S" summarize story.txt >sum.txt
words=$(wc -w <story.txt)
check "summarize states the reading time at 238 words a minute ($words words)" \
	grep -qx "$(( (words + 237) / 238 )) minute read ($words words)" sum.txt
check "the summary is the three story sentences, in document order" sh -c \
	"sed -n 3p sum.txt | grep -q '^The ministry paid.*March\. An audit.*review\. The contractor.*found\.$'"
check "summarize -n 1 gives one sentence" sh -c \
	"'$S' summarize -n 1 story.txt | sed -n 3p | grep -o '\\. [A-Z]' | wc -l | grep -qx 0"
check "summarize works on a PDF" \
	sh -c "'$S' summarize orig/report.pdf | grep -q 'minute read'"
finish
