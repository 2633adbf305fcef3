#!/bin/sh
# bogus_ids.sh - the attack: "GET /nope then GET /doc/x" killed the public
# face (a page freed a row the store never filled).  Every route of every
# face is asked for ids that name nothing (0, -1, x, a number too large
# for 64 bits, empty, a NUL, a slash) and for real ids of the wrong kind,
# anonymously and as a logged-in editor.  Each must get a clear answer
# (never a 5xx), the faces must keep serving, and the sanitizers (this
# test also runs in the ASan+UBSan build) must have nothing to say.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
add_editor inst alice
# A release with a document and an e-mail, so real ids of the wrong kind
# (an e-mail's id on /doc/, a document's on /email/) are asked too.
rel=$("$SAMIZDAT" release create -d inst "Ids" 2>/dev/null)
printf 'a plain memo about ids\n' >memo.txt
{ printf 'From a@example.org Tue Mar  5 09:00:00 2024\n'
  printf 'From: A <a@example.org>\nTo: b@example.org\nSubject: ids\n'
  printf 'Message-ID: <ids@example.org>\n\nbody\n\n'; } >one.mbox
"$SAMIZDAT" release add -d inst "$rel" memo.txt one.mbox >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst "$rel" >/dev/null

start_server inst || { not_ok "the source face starts"; finish; }
SRC=$URL
start_editor inst || { not_ok "the editor face starts"; finish; }
start_face inst public || { not_ok "the public face starts"; finish; }
PUB=$FACE_URL
PUB_PID=$FACE_PID

IDS='0 -1 x 99999999999999999999 %00 1%2F2 1x 2 3'
# probe BASE LOG JAR METHOD PATH-WITH-@: each id in place of @, and once
# with it empty; appends "status path" lines to LOG.
probe() {
	base=$1 log=$2 jar=$3 method=$4 path=$5
	for id in $IDS ''; do
		p=$(printf '%s' "$path" | sed "s|@|$id|g")
		if [ "$method" = GET ]; then
			s=$(curl -s -g -b "$jar" -o /dev/null -w '%{http_code}' "$base$p")
		else
			s=$(curl -s -g -b "$jar" -o /dev/null -w '%{http_code}' \
				--data-urlencode "csrf=$(cat "$jar.csrf" 2>/dev/null)" \
				--data-urlencode "id=$id" --data-urlencode "release=$id" \
				--data-urlencode "state=published" \
				--data-urlencode "summary=s" --data-urlencode "text=t" \
				"$base$p")
		fi
		echo "$s $method $p" >>"$log"
	done
}

# clear LOG: every answer was a clear 2xx, 3xx or 4xx page.
clear_answers() {
	test -s "$1" && ! grep -v '^[234][0-9][0-9] ' "$1"
}

: >nojar
for p in / /style.css /new /source /source?id=@ /login /logout /submit \
    /@ /new?x=@; do
	probe "$SRC" src.log nojar GET "$p"
done
new_source sjar
for p in /source /source?id=@ /new?id=@; do
	probe "$SRC" src.log sjar GET "$p"
done
check "the source face answers every bogus id with a clear page" clear_answers src.log

PUB_PATHS='/ /?page=@ /feed.atom /search?q=@ /search?q=ids&page=@
/release/@ /doc/@ /file/@ /email/@ /thread/@ /from/@ /to/@
/api/v1/releases /api/v1/releases?page=@ /api/v1/releases/@
/api/v1/documents/@ /api/v1/emails/@ /api/v1/search?q=@ /api/v1/@ /nope'
for p in $PUB_PATHS; do
	probe "$PUB" pub.log nojar GET "$p"
done
check "the public face answers every bogus id with a clear page" clear_answers pub.log
check "...and is still up: GET /nope then GET /doc/x" sh -c "
	curl -s -o /dev/null '$PUB/nope'
	test \"\$(curl -s -o /dev/null -w '%{http_code}' '$PUB/doc/x')\" = 404 &&
	test \"\$(curl -s -o /dev/null -w '%{http_code}' '$PUB/')\" = 200 &&
	kill -0 $PUB_PID"

EDITOR_GET='/ /inbox /source?id=@ /download?item=@ /download?item=@&part=meta
/archive?id=@ /releases /release?id=@ /preview /preview/search?q=@
/preview/feed.atom /preview/release/@ /preview/doc/@ /preview/file/@
/preview/email/@ /preview/thread/@ /preview/from/@ /preview/to/@ /@'
EDITOR_POST='/star /seen /delete /reply /release/state /release/summary
/release/upload?id=@ /logout'
for p in $EDITOR_GET; do
	probe "$EURL" ed.log nojar GET "$p"
done
for p in $EDITOR_POST; do
	probe "$EURL" ed.log nojar POST "$p"
done
s=$(editor_login ejar alice 'a long editor password' "$(oathtool --totp -b "$SECRET")")
check "the editor logs in" test "$s" = 303
curl -s -b ejar "$EURL/releases" >rel.html
csrf_of rel.html >ejar.csrf
for p in $EDITOR_GET; do
	probe "$EURL" ed.log ejar GET "$p"
done
for p in $EDITOR_POST; do
	[ "$p" = /logout ] && continue
	probe "$EURL" ed.log ejar POST "$p"
done
check "the editor face answers every bogus id with a clear page" clear_answers ed.log
check "...and the editor is still logged in" \
	test "$(curl -s -b ejar -o /dev/null -w '%{http_code}' "$EURL/inbox")" = 200

check "all three faces are still serving" sh -c "
	test \"\$(curl -s -o /dev/null -w '%{http_code}' '$SRC/')\" = 200 &&
	test \"\$(curl -s -o /dev/null -w '%{http_code}' '$EURL/')\" = 200 &&
	test \"\$(curl -s -o /dev/null -w '%{http_code}' '$PUB/')\" = 200"
check "the sanitizers found nothing in any face" sh -c "
	! grep -l 'runtime error\|AddressSanitizer\|LeakSanitizer' inst.*.err"
kill -TERM "$FACE_PID" "$EPID" 2>/dev/null
wait "$FACE_PID" "$EPID" 2>/dev/null
stop_server
check "...nor at exit" sh -c "
	! grep -l 'runtime error\|AddressSanitizer\|LeakSanitizer' inst.*.err"
finish
