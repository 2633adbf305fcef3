#!/bin/sh
# mirror.sh - a mirror export served by nginx under a sub-path, walked by
# a reader in Chromium with JavaScript off (mirror.mjs) from the archive
# into the discussion of an e-mail and its board, read from the disk too; and a link checker over the whole export finds no broken
# link.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
if ! command -v nginx >/dev/null 2>&1 && ! test -x /usr/sbin/nginx; then
	not_ok "nginx is installed (scripts/deps check)"
	finish
fi
make_instance inst
cat >box.mbox <<'MBOX'
From jm@example.org Mon Mar  4 10:00:00 2024
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>
To: Press Desk <press@example.net>, "O'Brien" <o'brien+news@example.org>
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_zur_Br=FCcke?=
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <first@example.org>

The double payment for the bridge went to the contractor.

MBOX
mbox_replies >>box.mbox
printf '<html><body><h1>Bridge report</h1><p>The bridge cost twice what was paid.</p></body></html>\n' >report.html
"$SAMIZDAT" release create -d inst --intro "Files on the northern bridge." \
	"The Bridge Papers" >/dev/null
"$SAMIZDAT" release add -d inst 1 report.html box.mbox >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst 1 >/dev/null
# A comment on the e-mail, made on the live public face: the copy walks
# from it to its thread and board.
for kv in forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
    forum.approve_first_posts=0 forum.trust1_read_posts=0; do
	sed -i "s/^${kv%%=*} = .*/${kv%%=*} = ${kv#*=}/" inst/samizdat.conf
done
start_face inst public || exit 1
P=$FACE_URL
join anna anna >/dev/null
fpost anna /forum/account /forum/comment --data-urlencode subject=email:2 \
	--data-urlencode 'text=The contractor was paid twice.' >/dev/null
kill $FACE_PID 2>/dev/null
wait $FACE_PID 2>/dev/null
"$SAMIZDAT" mirror keygen -d inst --no-passphrase >/dev/null 2>&1
"$SAMIZDAT" mirror export -q -d inst out >/dev/null 2>&1
check "the export was written" test -s out/MANIFEST.minisig

python3 "$browser_here/linkcheck.py" out >links.out 2>&1
check "a link checker over the whole export finds no broken link" \
	grep -q ' 0 broken$' links.out
sed 's/^/# /' links.out | tail -3

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >nginx.conf <<NGINX
daemon off;
user root;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    server {
        listen 127.0.0.1:$port;
        location /mirrors/samizdat/ {
            alias $WORK/out/;
            index index.html;
        }
    }
}
NGINX
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" &
NPID=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
	i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
URL="http://127.0.0.1:$port/mirrors/samizdat/"
check "nginx serves the export under a sub-path" \
	sh -c "curl -sf '$URL' | grep -q 'The Bridge Papers'"
run_browser mirror.mjs "$URL" "$SHOTS" "file://$WORK/out/index.html"
check "samizdat mirror verify accepts the copy nginx serves" \
	"$SAMIZDAT" mirror verify -q --state seen -p inst/mirror.pub "$URL"
kill $NPID 2>/dev/null
wait $NPID 2>/dev/null
finish
