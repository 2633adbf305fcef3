#!/bin/sh
# request_smuggling.sh - the attack: libmicrohttpd took the first of two
# Content-Lengths and accepted folded header lines, bare LF and NUL, so a
# front end reading the same bytes differently could be made to see two
# requests where the server saw one.  Each such head is now refused with
# 400 (501 for an unknown transfer coding) and the connection closed:
# sent as a connection's first request, and as the next request on a
# connection kept alive, over a raw socket.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
PORT=${URL##*:}
raw() { python3 "$here/raw.py" "$PORT" "$@"; }

printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' >good
printf 'GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n' >good2
check "a good request, and another on the same connection, are answered" \
	test "$(raw good good2)" = "200 200 open"

printf 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\ncsrf' >dup_cl
printf 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' >cl_te
printf 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n' >two_te
printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n' >obs_fold
printf 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n' >folded_te
printf 'GET / HTTP/1.1\nHost: x\n\n' >bare_lf
printf 'GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n' >one_bare_lf
printf 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\000b\r\n\r\n' >nul_value
printf 'GET / HTTP/1.1\r\nHo\000st: x\r\n\r\n' >nul_name
printf 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello' >space_colon
printf 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n' >gzip_te

for case in dup_cl:400 cl_te:400 two_te:400 obs_fold:400 folded_te:400 \
    bare_lf:400 one_bare_lf:400 nul_value:400 nul_name:400 space_colon:400 \
    gzip_te:501; do
	f=${case%%:*} want=${case#*:}
	check "$f: refused with $want and the connection closed" \
		test "$(raw "$f")" = "$want closed"
	check "$f as the next request on a kept-alive connection: the same" \
		test "$(raw good "$f")" = "200 $want closed"
done
# The attack: HTTP/1.1 pipelining.  A client that sends its next request
# before the answer to the first (in one packet, as pipelining clients
# do) had the first answered and the rest never: libmicrohttpd had read
# them ahead, where the gate's check never saw them, so they were dropped
# and the connection stayed open, silent, until the idle timeout.  Now
# the first answer says "Connection: close" and the connection closes,
# so the client sends the rest again, each on a checked connection.
cat good good2 >pipelined
check "http_pipelining: the first answer closes the connection, never silence" \
	sh -c "python3 '$here/raw.py' --pipelined $PORT pipelined | grep -qx '200 close closed'"
cat good good2 good >pipelined3
check "http_pipelining as the next requests on a kept-alive connection: the same" \
	sh -c "python3 '$here/raw.py' --pipelined $PORT good pipelined3 | grep -qx '200 200 close closed'"
# The attack: very many query parameters (or header fields, or cookies)
# in a head within the size limit.  libmicrohttpd keeps an entry of each
# in a fixed memory pool: ~1,000 parameters exhausted it and it closed
# the connection without an answer (and answered too many fields with a
# bare page of its own).  Refused here with the face's page.
python3 -c 'print("GET /search?" + "&".join("a%d=1" % i for i in range(1000)) + " HTTP/1.1\r\nHost: x\r\n\r", end="\n")' >many_params
python3 -c 'print("GET / HTTP/1.1\r\nHost: x\r\n" + "".join("X%d: b\r\n" % i for i in range(1000)) + "\r", end="\n")' >many_fields
python3 -c 'print("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + "; ".join("c%d=v" % i for i in range(1000)) + "\r\n\r", end="\n")' >many_cookies
for case in many_params:400 many_fields:431 many_cookies:431; do
	f=${case%%:*} want=${case#*:}
	check "$f: answered $want, not dropped" test "$(raw "$f")" = "$want closed"
done
check "...with the face's own page, saying what was wrong" sh -c "
	timeout 5 curl -s telnet://127.0.0.1:$PORT <many_params 2>/dev/null |
	grep -q 'too many parameters'"
check "each refusal is a page saying what was wrong" sh -c "
	printf 'GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n' |
	timeout 5 curl -s telnet://127.0.0.1:$PORT 2>/dev/null | grep -q 'CR LF'"
check "the server is still serving" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 200
stop_server
finish
