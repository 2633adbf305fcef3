#!/bin/sh
# brand.sh - the newsroom's own name, introduction (per language) and
# logo on the source and public faces; the logo is served scrubbed of the
# traces its editor left (a PNG's text chunks, an SVG's export path),
# under a fixed name and a policy that runs no script; a logo too large
# stops the face with a message saying why.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

# A 2x2 PNG carrying an author's name in a tEXt chunk.
python3 - <<'PY'
import struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
raw = b''.join(b'\x00' + b'\xff\x00\x00' * 2 for _ in range(2))
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 2, 2, 8, 2, 0, 0, 0))
       + chunk(b'tEXt', b'Author\x00Jane Whistle') + chunk(b'IDAT', zlib.compress(raw))
       + chunk(b'IEND', b''))
open('logo.png', 'wb').write(png)
open('big.png', 'wb').write(png[:-12] + chunk(b'tEXt', b'Pad\x00' + b'x' * 300000) + png[-12:])
PY
cat >logo.svg <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="10" height="10" inkscape:export-filename="/home/jwhistle/secret/logo.png"><script>alert(1)</script><rect width="10" height="10" fill="#800"/></svg>
SVG

make_instance inst
cat >>inst/samizdat.conf <<CONF
name = The Daily Example
intro = We read everything you send.
intro.ru = Мы читаем всё, что вы присылаете.
logo = $WORK/logo.png
CONF
start_server inst || { not_ok "the source face starts with a logo"; finish; }
curl -s "$URL/" >start.html
check "the source face's pages carry the newsroom's name" \
	grep -q 'class="site"[^>]*><img class="logo" src="/logo.png" alt="">The Daily Example</a>' start.html
check "...and its introduction" grep -q 'We read everything you send.' start.html
curl -s -H 'Accept-Language: ru' "$URL/" >start.ru.html
check "...in the reader's language where the newsroom wrote one (intro.ru)" \
	grep -q 'Мы читаем всё, что вы присылаете.' start.ru.html
curl -s -D logo.h -o got.png "$URL/logo.png"
check "the logo is served as /logo.png, a PNG" sh -c "
	grep -qi '^Content-Type: image/png' logo.h && head -c 8 got.png | od -c | grep -q 'P   N   G'"
check "...without the author's name its file carried" sh -c "! grep -q 'Jane Whistle' got.png"
check "the logo is not served from its own path" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/logo.svg")" = 404
stop_server

start_face inst public || { not_ok "the public face starts with a logo"; finish; }
PPID_=$FACE_PID
curl -s "$FACE_URL/" >pub.html
check "the public face carries the newsroom's name and logo" \
	grep -q '<img class="logo" src="/logo.png" alt="">The Daily Example</a>' pub.html
check "...and its introduction on the start page" grep -q 'id="intro">We read everything you send.' pub.html
check "...and serves the scrubbed logo" sh -c "
	curl -s '$FACE_URL/logo.png' >pub.png && cmp -s pub.png got.png"
kill -TERM "$PPID_" 2>/dev/null
wait "$PPID_" 2>/dev/null

sed -i "s|^logo = .*|logo = $WORK/logo.svg|" inst/samizdat.conf
start_server inst || { not_ok "the source face starts with an SVG logo"; finish; }
curl -s -D svg.h -o got.svg "$URL/logo.svg"
check "an SVG logo is served as /logo.svg" grep -qi '^Content-Type: image/svg+xml' svg.h
check "...without its export path" sh -c "grep -q '<rect' got.svg && ! grep -q 'jwhistle' got.svg"
check "...under a policy that runs none of its scripts, even opened alone" \
	grep -qi "^Content-Security-Policy: default-src 'none'" svg.h
stop_server

sed -i "s|^logo = .*|logo = $WORK/big.png|" inst/samizdat.conf
"$SAMIZDAT" serve -d inst --face source --listen 127.0.0.1:0 >big.out 2>big.err &
BIG=$!
sleep 0.1
wait $BIG
check "a logo over 256 KiB stops the face, saying so" sh -c "
	grep -qi 'logo' big.err && grep -q '256' big.err"
finish
