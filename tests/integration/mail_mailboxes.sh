#!/bin/sh
# mail_mailboxes.sh - mailboxes as many years of clients wrote them (built
# by mail_mailboxes.py): classic Mac OS Eudora's CR-only mbox and message,
# Windows Eudora's CRLF with "Attachment Converted:" paths, MMDF, Maildir,
# a byte-order mark, a last message without a line end, NUL bytes,
# Thunderbird's and Gmail Takeout's exports, mboxcl2, and a Postfix
# bounce.  A reader sees every message with its subject and body; no
# local path, no mailbox label and no trace of the mail system's hosts
# reaches a page, the index or a download.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT
python3 "$here/mail_mailboxes.py"
make_instance inst
"$S" release create -d inst "Old mailboxes" >/dev/null
# Published from the start: each import is read as a reader reads it.
"$S" release publish -d inst 1 >/dev/null
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL

# subjects BOX: the subjects of BOX's e-mails in mailbox order, one line.
subjects() {
	api_docs "$P" 1 | awk -F'\t' -v box="$1" '$3 == box' |
		sort -t'	' -k4,4n | cut -f5 | tr '\n' '|'
}
# body BOX SUBJECT: the indexed text of that e-mail (the API's "text").
body() {
	id=$(api_docs "$P" 1 | awk -F'\t' -v box="$1" -v s="$2" \
		'$3 == box && $5 == s { print $1 }')
	curl -s "$P/api/v1/emails/$id" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["text"])'
}

has() {   # has BOX SUBJECT PATTERN: that e-mail's text has a line matching
	body "$1" "$2" | grep -q -- "$3"
}

imports() {   # imports BOX COUNT SUBJECTS WHAT
	"$S" release add -d inst 1 "$1" >"$1.out" 2>"$1.err"
	st=$?
	check "$4 imports (exit $st)" test "$st" = 0
	check "...as $2 messages, each with its subject" \
		test "$(subjects "$1")" = "$3"
}

imports mac.mbox 3 'mac one|mac two|mac three|' \
	"a classic Mac OS Eudora mailbox (CR line ends)"
check "...and a body reads as its lines" \
	has mac.mbox 'mac three' '^Last one, plain text\.$'
check "...Eudora's attachment line names the file, not the Mac's folders" \
	has mac.mbox 'mac one' '^\[attachment not in the mailbox: budget\.xls\]$'
check "...and a quoted one keeps its quoting" \
	has mac.mbox 'mac two' '^> \[attachment not in the mailbox: budget\.xls\]$'
imports mac.eml 1 'mac single|' "a message with CR line ends"
check "...its two lines of text intact" has mac.eml 'mac single' '^Second line\.$'
"$S" scrub -o scrubbed.eml mac-trace.eml >scrub.out 2>&1
check "samizdat scrub reads a CR-only message line by line: its trace fields go" \
	sh -c "! grep -q -e 84.12.3.4 -e 192.168.1.23 scrubbed.eml &&
		grep -q 'Removed header' scrub.out"
check "...and its header and body stay" \
	sh -c "grep -qx 'Subject: mac traced' scrubbed.eml &&
		grep -qx 'Kept body.' scrubbed.eml"
imports win.mbox 2 'win one|win two|' "a Windows Eudora mailbox (CRLF)"
check "...its attachment line becomes a marker" \
	has win.mbox 'win one' '^\[attachment not in the mailbox: report\.doc\]$'
check "...and so does its embedded-content line" \
	has win.mbox 'win one' '^\[attachment not in the mailbox: logo\.gif\]$'
# (a storage check: the note is for the editors' pages, behind a login)
db_rows inst archive "select raw_flags from emails where
	collection = 'win.mbox' and num = 1" >note.txt
check "...and the e-mail's editors' note says what was left out" \
	grep -q 'local file path' note.txt
imports box.mmdf 3 'mmdf 1|mmdf 2|mmdf 3|' "an MMDF mailbox"
check "...a body's 'From ' line stays in its message" \
	has box.mmdf 'mmdf 2' 'From the start'
# A Maildir reads cur/ before new/ (the seen message first).
imports maildir 2 'maildir 2|maildir 1|' "a Maildir (cur/ and new/)"
imports bom.mbox 2 'bom 1|bom 2|' "an mbox opening with a byte-order mark"
imports nonl.mbox 2 'nonl 1|nonl 2|' "an mbox whose last line has no end"
check "...the last line is kept" has nonl.mbox 'nonl 2' 'the last line has no end'
imports nul.mbox 2 'nul 1|nul 2|' "an mbox with NUL bytes in a body"
check "...the text around the NUL is kept" has nul.mbox 'nul 1' 'after nul'
imports thunderbird.mbox 2 'thunderbird 1|thunderbird 2|' \
	"Thunderbird's mbox"
imports takeout.mbox 2 'takeout 1|takeout 2|' "a Gmail Takeout mbox"
imports cl.mbox 2 'cl 1|cl 2|' "an mboxcl2 mailbox (Content-Length)"
check "...an unquoted 'From ' line stays in its body" \
	has cl.mbox 'cl 1' 'From the start we knew'
imports mboxo.mbox 2 'mboxo 1|mboxo 2|' \
	"an mbox with an unquoted 'From ' line in a body"
imports bounce.mbox 1 'bounce 1|' "a bounce report"
check "...which says why delivery failed" has bounce.mbox 'bounce 1' '^Status: 5\.1\.1$'
check "...and which message came back" has bounce.mbox 'bounce 1' '^Subject: the minutes$'

# Everything a reader can fetch: every e-mail's page, its API answer and
# its raw download, plus the database and the stored files.
: >seen
for id in $(api_docs "$P" 1 | awk -F'\t' '$2 == "email" { print $1 }'); do
	for u in "email/$id" "api/v1/emails/$id" "file/$id"; do
		curl -s "$P/$u" >>seen
	done
done
db_dump inst >>seen
cat inst/archive/*/* >>seen
check "the raw download of an Eudora e-mail carries the marker" \
	grep -q 'attachment not in the mailbox: report.doc' seen
leaks=$(grep -a -o -e jsmith -e 'Macintosh HD' -e 'Eudora Folder' \
	-e 'Whistleblower-Contact' -e secretproject -e 84.12.3.4 \
	-e 192.168.1.23 -e dsl-84 -e 203.0.113.9 -e 'mail.victim-corp' \
	-e 4A1B2C3D seen | sort -u | tr '\n' ' ')
check "no local path, mailbox label or mail host reaches the archive" \
	test -z "$leaks"
[ -z "$leaks" ] || echo "# leaked: $leaks"
kill "$FACE_PID"
finish
