#!/bin/sh
# mail_hostile.sh - hostile and broken e-mail into the archive: broken
# MIME, no headers, a huge header, nested messages, unknown charsets,
# binary junk, an attachment bomb.  Every import ends with a clear result
# (imported, or refused whole with a message), never a crash or a partial
# import, and every page it produces renders.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT
make_instance inst
"$S" release create -d inst "Hostile mail" >/dev/null

python3 - <<'EOF'
import base64, zlib
msgs = []
msgs.append(b"From: a@example.org\nSubject: broken mime\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"zz\"\n\n--zz\n"
            b"Content-Type: text/plain\n\nno closing boundary, body cut")
msgs.append(b"\nno headers at all, just a body\n")
msgs.append(b"From: b@example.org\nSubject: " + b"x" * 200000 + b"\n\nhuge subject\n")
msgs.append(b"From: c@example.org\nSubject: nested\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
            b"Content-Type: message/rfc822\n\nFrom: d@example.org\nSubject: inner\n"
            b"Content-Type: message/rfc822\n\nFrom: e@example.org\nSubject: innermost\n\n"
            b"deep text\n--b--\n")
msgs.append(b"From: f@example.org\nSubject: =?x-unknown?Q?caf=E9?=\n"
            b"Content-Type: text/plain; charset=x-does-not-exist\n\ncaf\xe9 cr\xe8me\n")
msgs.append(b"From: g@example.org\nSubject: junk\n\n" + bytes(range(256)) * 40 + b"\n")
bomb = base64.encodebytes(zlib.compress(b"\0" * (20 << 20)))
msgs.append(b"From: h@example.org\nSubject: zipped zeros\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"q\"\n\n--q\nContent-Type: text/plain\n\n"
            b"see attached\n--q\nContent-Type: application/octet-stream; name=\"z.bin\"\n"
            b"Content-Disposition: attachment; filename=\"../../etc/z.bin\"\n"
            b"Content-Transfer-Encoding: base64\n\n" + bomb + b"--q--\n")
with open("hostile.mbox", "wb") as f:
    for m in msgs:
        f.write(b"From x@example.org Mon Jan  1 00:00:00 2024\n" + m + b"\n\n")
open("junk.eml", "wb").write(bytes(range(256)) * 100)
EOF
"$S" release add -d inst 1 hostile.mbox >import.out 2>import.err
st=$?
check "a mailbox of broken and hostile messages imports (exit $st)" test "$st" = 0
check "...every message of it" grep -q '7 messages, 7 new' import.out
check "...and the attachment with a hostile name was not published" \
	grep -q 'not published' import.err
"$S" release add -d inst 1 junk.eml >/dev/null 2>junk.err
check "binary junk is refused as a document or an e-mail, with a message" \
	sh -c "test $? != 0 && test -s junk.err"
"$S" release publish -d inst 1 >/dev/null
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL
bad=0
for id in $(api_docs "$P" 1 | cut -f1); do
	for kind in email doc; do
		c=$(curl -s -o /dev/null -w '%{http_code}' "$P/$kind/$id")
		case $c in 200|404) ;; *) bad=$((bad + 1)) ;; esac
	done
done
check "every page of the hostile import renders (200 or 404, never 5xx)" test $bad = 0
check "the nested message's text is searchable" \
	sh -c "curl -s '$P/search?q=deep+text' | grep -q '[1-9] result'"
check "a huge subject does not break the release page" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/release/1")" = 200
check "nothing was written outside the archive" test ! -e inst/etc
kill "$FACE_PID"
finish
