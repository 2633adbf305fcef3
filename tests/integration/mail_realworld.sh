#!/bin/sh
# mail_realworld.sh - a mailbox as leaked mailboxes hold it (built by
# mail_corpus.py: undeclared and wrong charsets, raw 8-bit headers, PGP/MIME
# and inline signatures made with gpg, Outlook's winmail.dat, DKIM-signed
# mail with the receiving side's trace headers, GPS-tagged photos, a
# display name posing as an address, control bytes) imported and
# published.  A reader sees valid UTF-8 everywhere and valid JSON with an
# honest status; signatures verify or fail as they should; winmail.dat's
# files are published scrubbed; the raw downloads carry no trace headers,
# and the DKIM-signed ones still pass opendkim-testmsg; flagged e-mails
# follow the editor's choice; the fake address files nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

# Keys: a throw-away GnuPG home with two signers (only anna's key is
# supplied to the import), and a DKIM key.
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
for who in 'Anna Signer <anna@example.org>' 'Ghost <ghost@example.org>'; do
	gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign \
		never 2>/dev/null
done
gpg --batch --armor --export anna@example.org >anna.asc
mkdir keys
opendkim-genkey -D keys -d example.org -s s1 -h sha1
convert -size 64x48 plasma:fractal -seed 3 photo.jpg
exiftool -q -overwrite_original -GPSLatitude=48.8566 -GPSLatitudeRef=N \
	-GPSLongitude=2.3522 -GPSLongitudeRef=E -SerialNumber=CAM-PLANTED-4711 \
	photo.jpg
python3 "$here/mail_corpus.py" box.mbox photo.jpg keys/s1.private
gpgconf --homedir "$GNUPGHOME" --kill all
unset GNUPGHOME

make_instance inst
"$S" release create -d inst "Leaked mailbox" >/dev/null
mkdir tmp
TMPDIR="$WORK/tmp" "$S" release add -d inst --dkim-keys keys/s1.txt \
	--pgp-keys anna.asc 1 box.mbox >import.out 2>import.err
check "a real-world mailbox imports, every message of it" \
	grep -q '20 messages, 20 new' import.out
check "PGP signatures verify or fail as they should" \
	grep -q 'PGP: 2 verified, 1 failed, 1 unknown key' import.out
check "DKIM signatures still verify under the receiving side's headers" \
	grep -q 'DKIM: 3 verified, 0 failed' import.out
check "two e-mails are flagged at import" grep -q '2 e-mails flagged' import.out
check "signature parts are not offered as documents" \
	sh -c "! grep -q 'signature.asc' import.err"
check "the PGP import runs locked in (nothing says otherwise)" \
	sh -c "! grep -qi 'not locked in\|sandbox' import.err"
check "...and its parent writes the audit line (the locked-in import holds no inbox)" \
	sh -c "'$S' audit -d inst | grep -q 'add to release  *release 1: 1 file or mailbox\$'"
check "the private GnuPG home is gone after the import" \
	sh -c "! ls -A tmp | grep -q ."
check "no gpg-agent is left running for it" \
	sh -c "! pgrep -a gpg-agent | grep -q samizdat-gnupg"
"$S" release create -d inst "Without keys" >/dev/null
"$S" release add -d inst 2 box.mbox >nokeys.out 2>&1
check "without --pgp-keys, PGP-signed e-mails say the key was not supplied" \
	grep -q 'PGP: 0 verified, 0 failed, 4 unknown key' nokeys.out
"$S" release publish -d inst 1 >/dev/null

start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL
PUBLIC_PID=$FACE_PID
trap 'kill $PUBLIC_PID $EPID 2>/dev/null; rm -rf "$WORK"' EXIT
id_of() {
	curl -s "$P/api/v1/search?q=$1" | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])'
}
# page TOKEN: the e-mail's page, into TOKEN.html.
page() { curl -s -o "$1.html" "$P/email/$(id_of "$1")"; }
# raw TOKEN FILE: its raw download into FILE; prints the status.
raw() { curl -s -o "$2" -w '%{http_code}' "$P/file/$(id_of "$1")"; }
for t in htmlcp textcp wrongutf wronglatin unknowncs eightbit metakoi \
	pgpgood pgpaltered pgpghost pgpinline tnefbody plainphoto forwarded \
	dkimsignedip uuphoto; do
	page $t
done

# Every page, feed and API answer: valid UTF-8, JSON where it should be,
# and a status that says what happened.
# What is there to fetch comes from the API itself (either engine).
python3 - "$P" >crawl.out 2>&1 <<'EOF'
import json, sys, urllib.error, urllib.parse, urllib.request
base = sys.argv[1]
def api(path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)
def pages(path, key):
    page = 1
    while True:
        d = api("%s?page=%d" % (path, page))
        part = d if key is None else d[key]
        yield part
        if page * part["per_page"] >= part["total"]:
            break
        page += 1
paths = ["/", "/feed.atom", "/release/1", "/api/v1/releases",
         "/api/v1/releases/1", "/api/v1/emails/999999", "/api/v1/documents/0",
         "/api/v1/search?q=", "/api/v1/search?q=-x", "/api/v1/emails/abc",
         "/api/v1/search?q=type:exe"]
threads, addrs = set(), set()
for part in pages("/api/v1/releases", None):
    for rel in part["releases"]:
        for key in ("document_page", "email_page"):
            for p in pages("/api/v1/releases/%d" % rel["id"], key):
                for doc in p["items"]:
                    email = doc["kind"] == "email"
                    paths += ["/%s/%d" % ("email" if email else "doc", doc["id"]),
                              "/api/v1/%s/%d" % ("emails" if email else "documents",
                                                 doc["id"])]
                    if email:
                        threads.add(doc["thread"])
                        addrs.add(doc["from"]["address"])
                        addrs.update(a["address"] for a in doc["to"] + doc["cc"])
paths += ["/thread/" + t for t in sorted(threads)]
for a in sorted(addrs):
    paths += ["/from/" + urllib.parse.quote(a), "/to/" + urllib.parse.quote(a)]
for q in ["minister", "caf\u00e9", "gr\u00fc\u00dfe", "ctrltoken", "signed:pgp",
          "verified:dkim", "tnefbody", "\u043f\u0440\u0438\u0432\u0435\u0442"]:
    paths += ["/search?q=" + urllib.parse.quote(q),
              "/api/v1/search?q=" + urllib.parse.quote(q)]
bad = 0
for p in paths:
    try:
        r = urllib.request.urlopen(base + p)
        status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        print("not UTF-8:", p, e); bad += 1; continue
    if any(0xD800 <= ord(c) <= 0xDFFF or (ord(c) < 32 and c not in "\t\n\r") for c in text):
        print("control or surrogate characters:", p); bad += 1
    if p.startswith("/api/"):
        try:
            d = json.loads(text)
        except ValueError:
            print("not JSON:", p); bad += 1; continue
        want = 200 if "error" not in d else (404 if ("no such" in d["error"]) else 400)
        if status != want or (status == 200 and "error" in d):
            print("dishonest status:", p, status, text[:80]); bad += 1
    elif status not in (200, 404):
        print("status", status, p); bad += 1
    if p.startswith("/search") and text.count("<mark>") != text.count("</mark>"):
        print("unbalanced marks:", p); bad += 1
print("checked", len(paths), "answers,", bad, "bad")
sys.exit(1 if bad else 0)
EOF
check "every page, feed and API answer is valid UTF-8, valid JSON with an honest status ($(tail -1 crawl.out))" \
	sh -c "tail -1 crawl.out | grep -q ', 0 bad' || { cat crawl.out; exit 1; }"

# Charsets.
check "undeclared windows-1252 HTML reads as a browser shows it" \
	grep -q 'The minister’s memo costs €100 000 “exactly”' htmlcp.html
check "undeclared windows-1252 text too" grep -q 'Café crème – textcp' textcp.html
check "UTF-8 declared over windows-1252 bytes reads right" \
	grep -q 'Grüße aus Zürich' wrongutf.html
check "ISO-8859-1 declared over UTF-8 bytes reads right" \
	grep -q 'Grüße aus Zürich' wronglatin.html
check "an unknown charset reads as windows-1252" grep -q 'L&#39;été' unknowncs.html
check "a raw 8-bit header reads as windows-1252" \
	grep -q '<h1>Résumé “eightbit”</h1>' eightbit.html
check "an HTML part's <meta charset> counts when MIME says nothing" \
	grep -q 'Привет из Москвы' metakoi.html
# (the spaces at a snippet's edges are the engine's: FTS5 keeps them,
# ts_headline trims them; a page shows neither)
check "control bytes never reach a snippet, whose marks stay balanced" \
	sh -c "curl -s '$P/search?q=ctrltoken' | grep -q '<p class=\"snippet\"> *alpha beta gamma <mark>ctrltoken</mark>'"
check "the API answers the e-mail with undeclared windows-1252 with its text" \
	sh -c "curl -s -w '%{http_code}' '$P/api/v1/emails/$(id_of htmlcp)' | grep -q '\"text\":.*minister.*200\$'"

# PGP.
fpr=$(gpg --homedir "$WORK/gnupg" --batch --with-colons --show-keys anna.asc |
	awk -F: '/^fpr/ {print $10; exit}')
check "a good PGP/MIME signature is verified, by which key and user id" \
	sh -c "grep -q 'PGP signature verified' pgpgood.html && grep -q '$fpr' pgpgood.html && grep -q 'Anna Signer &lt;anna@example.org&gt;' pgpgood.html"
check "...and its signature part is not an attachment" \
	sh -c "! grep -q 'Attachments' pgpgood.html"
check "an altered PGP/MIME message fails" grep -q 'PGP signature failed' pgpaltered.html
check "a signature by a key not supplied says so" \
	grep -q 'PGP-signed by a key not supplied' pgpghost.html
check "an inline signature is verified" \
	grep -q 'PGP signature verified.*signed inline' pgpinline.html
fails "an unsigned e-mail says nothing of a PGP signature" \
	grep -q 'PGP signature' textcp.html
check "signed:pgp finds the four signed e-mails" \
	sh -c "curl -s '$P/api/v1/search?q=signed:pgp' | grep -q '\"total\":4'"
check "verified:pgp finds the two that verified" \
	sh -c "curl -s '$P/api/v1/search?q=verified:pgp' | grep -q '\"total\":2'"
check "signed:dkim finds the three DKIM-signed e-mails" \
	sh -c "curl -s '$P/api/v1/search?q=signed:dkim' | grep -q '\"total\":3'"

# winmail.dat.
check "winmail.dat's rich-text body is the e-mail's text" \
	grep -q 'The rich text body says tnefbody, été' tnefbody.html
check "winmail.dat's files are attachments of their own" \
	sh -c "grep -q 'site-photo' tnefbody.html && grep -q 'meeting notes' tnefbody.html"
doc=$(grep -o 'href="/doc/[0-9]*">site-photo' tnefbody.html | grep -o '[0-9][0-9]*')
curl -s -o tnef-photo.jpg "$P/file/$doc"
check "winmail.dat's photo is published scrubbed (no GPS, no serial)" \
	sh -c "head -c 2 tnef-photo.jpg | od -An -tx1 | grep -q 'ff d8' && ! exiftool tnef-photo.jpg | grep -Eq 'GPS|CAM-PLANTED'"
check "the text file inside winmail.dat is searchable" \
	sh -c "curl -s '$P/api/v1/search?q=tnefnotes' | grep -q '\"total\":1'"

# Raw messages.
trace='^(Received|Delivered-To|Return-Path|X-Originating-IP|User-Agent|X-Mozilla-Status|Authentication-Results|ARC-Seal):'
raw dkimclean clean.eml >/dev/null
check "the default raw download carries no trace header" \
	sh -c "! grep -Eiq '$trace' clean.eml && grep -q '^DKIM-Signature:' clean.eml"
verify_dkim() {
	python3 -c 'import re,sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[2],"wb").write(re.sub(rb"\r?\n", b"\r\n", d))' "$1" "$1.crlf"
	unshare -rmn sh -c '
		ip link set lo up || exit 99
		echo "nameserver 127.0.0.1" >resolv.conf
		mount --bind "$PWD/resolv.conf" /etc/resolv.conf || exit 99
		rm -f dns.fifo; mkfifo dns.fifo
		python3 "$1" example.org=keys/s1.txt >dns.fifo &
		timeout 10 head -n 1 dns.fifo >/dev/null || exit 99
		opendkim-testmsg <"$2"; st=$?
		kill $!; exit $st' sh "$here/dkim_dns.py" "$1.crlf"
}
if unshare -rmn true 2>/dev/null && command -v ip >/dev/null; then
	sed -n '/^From x@/,$p' box.mbox | python3 -c '
import sys
msgs = sys.stdin.buffer.read().split(b"\nFrom x@example.org Mon Apr  1 10:00:00 2024\n")
for m in msgs:
    if b"dkimclean@" in m:
        open("orig-clean.eml", "wb").write(m.split(b"\n", 1)[1] if m.startswith(b"From x@") else m)'
	check "opendkim-testmsg verifies the message as received (with a private DNS)" \
		verify_dkim orig-clean.eml
	check "...and the published raw download, trace headers gone" \
		verify_dkim clean.eml
else
	skip "opendkim-testmsg verifies the published raw download" \
		"no user namespaces here for a private DNS"
fi
# photo_of FILE.eml OUT.jpg: the attachment site.jpg of a downloaded message.
photo_of() {
	python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); [open(sys.argv[2],"wb").write(p.get_payload(decode=True)) for p in m.walk() if p.get_filename()=="site.jpg"]' "$1" "$2"
}
st=$(raw plainphoto plain.eml)
photo_of plain.eml plain.jpg
check "an unsigned message's raw download has its photo scrubbed" \
	sh -c "test $st = 200 && ! grep -Eiq '$trace' plain.eml && test -s plain.jpg && ! exiftool plain.jpg | grep -Eq 'GPS|CAM-PLANTED'"
check "...its page says so" grep -q 'attachments scrubbed of metadata' plainphoto.html
doc=$(grep -o 'href="/doc/[0-9]*">site' uuphoto.html | grep -o '[0-9][0-9]*')
curl -s -o uu-photo.jpg "$P/file/$doc"
check "a photo uuencoded inside the text is an attachment of its own, published scrubbed" \
	sh -c "test -n '$doc' && head -c 2 uu-photo.jpg | od -An -tx1 | grep -q 'ff d8' && ! exiftool uu-photo.jpg | grep -Eq 'GPS|CAM-PLANTED'"
check "...the page shows its name, not its encoded lines" \
	sh -c "grep -q 'attachment: site.jpg' uuphoto.html && ! grep -q 'begin 644' uuphoto.html"
st=$(raw uuphoto uu.eml)
check "...and the raw download has it taken out of the text" \
	sh -c "test $st = 200 && grep -q 'samizdat removed the file site.jpg' uu.eml && ! grep -q 'begin 644' uu.eml && grep -q Regards uu.eml && ! grep -Eiq '$trace' uu.eml"
d=$(grep -o 'href="/doc/[0-9]*">message' forwarded.html | grep -o '[0-9][0-9]*')
curl -s -o fwd.eml "$P/file/$d"
check "a forwarded message is published without its trace headers" \
	sh -c "grep -q 'forwardedinner' fwd.eml && ! grep -Eiq '$trace' fwd.eml"

# Flagged: signed parts that identify; withheld until an editor chooses.
check "release flagged lists what would go out" \
	sh -c "'$S' release flagged -d inst 1 >flagged.out && grep -q 'Signed header X-Originating-IP:  *\[203.0.113.77\]' flagged.out && grep -q 'Attachment site.jpg: EXIF GPSLatitude' flagged.out && grep -q 'Attachment site.jpg: file dates in its MIME header: creation-date=' flagged.out"
check "a flagged e-mail's raw message is withheld until an editor chooses" \
	sh -c "test $(raw dkimsignedip x.eml) = 404 && grep -q 'id=\"raw\">not published' dkimsignedip.html"
"$S" release raw -d inst 1 "$(id_of dkimsignedip)" raw >/dev/null
st=$(raw dkimsignedip ip.eml)
page dkimsignedip
check "chosen raw, it goes out as signed, the signed header with it" \
	sh -c "test $st = 200 && grep -q '^X-Originating-IP: \[203.0.113.77\]' ip.eml && ! grep -q '^Received:' ip.eml && grep -q 'signature can still be checked' dkimsignedip.html"
if unshare -rmn true 2>/dev/null && command -v ip >/dev/null; then
	check "...and opendkim-testmsg still verifies it" verify_dkim ip.eml
fi

# The editor face: the same choice, with what would go out shown.
add_editor inst alice
EPID=
start_editor inst || { not_ok "the editor face starts"; finish; }
s=$(editor_login ed alice 'a long editor password' "$(oathtool --totp -b "$SECRET")")
curl -s -b ed -c ed "$EURL/release?id=1" >rel.html
check "the release page lists the flagged e-mails with what would go out" \
	sh -c "grep -q 'Flagged e-mails (2)' rel.html && grep -q 'EXIF BodySerialNumber = CAM-PLANTED-4711' rel.html"
photo=$(id_of dkimphoto)
curl -s -b ed -c ed "$EURL/preview/email/$photo" >pre.html
check "the preview shows editors what the raw message publishes" \
	sh -c "grep -q 'id=\"flagged\"' pre.html && grep -q 'GPSLatitude' pre.html && grep -q 'Left out of every form: Return-Path, Delivered-To, Received (2)' pre.html"
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of rel.html)" --data-urlencode release=1 \
	--data-urlencode "email=$photo" --data-urlencode form=scrubbed \
	"$EURL/release/raw")
check "an editor chooses to publish it scrubbed" test "$s" = 303
st=$(raw dkimphoto ph.eml)
photo_of ph.eml ph.jpg
page dkimphoto
check "...so its download has the photo scrubbed, and the page says the signature no longer verifies" \
	sh -c "test $st = 200 && test -s ph.jpg && ! exiftool ph.jpg | grep -Eq 'GPS|CAM-PLANTED' && grep -q 'DKIM signature no longer verifies' dkimphoto.html"
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of rel.html)" --data-urlencode release=1 \
	--data-urlencode email=all --data-urlencode form=none "$EURL/release/raw")
check "...and then none for all of them: nothing raw goes out" \
	sh -c "test $s = 303 && test $(raw dkimphoto n.eml) = 404 && test $(raw dkimsignedip n.eml) = 404"
check "an e-mail that is not flagged cannot be chosen for" \
	test "$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' \
		--data-urlencode "csrf=$(csrf_of rel.html)" --data-urlencode release=1 \
		--data-urlencode "email=$(id_of dkimclean)" --data-urlencode form=raw \
		"$EURL/release/raw")" = 404

# A display name posing as an address files nothing under it.
check "the fake address has no page" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$P/to/press@news.example")" = 404
check "the real address lists the e-mail" \
	sh -c "curl -s '$P/to/x@evil.example' | grep -q '1 e-mail,'"
check "to: the fake address finds nothing, the real one finds it" \
	sh -c "curl -s '$P/api/v1/search?q=to:press@news.example' | grep -q '\"total\":0' && curl -s '$P/api/v1/search?q=to:x@evil.example' | grep -q '\"total\":1'"
check "the API gives the parsed addresses, display names apart" \
	sh -c "curl -s '$P/api/v1/emails/$(id_of fakename)' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"to\"]==[{\"address\":\"x@evil.example\",\"name\":\"Press <press@news.example>\"}] and d[\"cc\"][0][\"address\"]==\"night@example.net\"'"

finish
