#!/bin/sh
# memscan.sh - the server's memory taken while it runs: a source gets a
# codename, logs in with it, sends a message and a file with a distinctive
# name, and logs out; 200 more requests pass; then every readable page of
# the server process is searched for the codename, the message, the file's
# name and its content.  None may be found: every buffer that held them
# was wiped before it was freed or reused.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

# meson sets MALLOC_PERTURB_, which makes glibc overwrite freed memory and
# would hide exactly what this test looks for: the server runs as it would
# in production.
unset MALLOC_PERTURB_
make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
if ! python3 "$here/memscan.py" "$PID" 'no such string' >/dev/null; then
	skip "the server's memory is searched" "cannot read /proc/$PID/mem"
	stop_server
	finish
fi

R=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
MESSAGE="The minister signed it on a napkin $R"
FILENAME="budget-leak-$R-Ünïcode.xlsx"
CONTENT="confidential budget figures $R"
printf '%s\n' "$CONTENT" >"$FILENAME"

# quiet: waits until the server holds no connection any more.
quiet() {
	i=0
	while [ $i -lt 100 ] &&
		[ "$(ls -l /proc/$PID/fd | grep -c socket)" -gt 1 ]; do
		i=$((i + 1)); sleep 0.05
	done
}

new_source jar   # GET /new shows the codename, POST /new confirms it
quiet
python3 "$here/memscan.py" "$PID" "$CODE" >found.txt 2>&1
check "once confirmed, the codename is gone from the server's memory (page, session, form)" \
	sh -c "! grep -F \"'$CODE'\" found.txt"
curl -s -b jar -c jar -o /dev/null -d "csrf=$(csrf_of jar.home.html)" "$URL/logout"
curl -s -c jar -b jar "$URL/" >again.html
s=$(curl -s -c jar -b jar -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of again.html)" \
	--data-urlencode "codename=$CODE" "$URL/login")
curl -s -c jar -b jar "$URL/source" >jar.home.html
check "the source logs in again with the codename" test "$s" = 303
s=$(submit jar -F "message=$MESSAGE" -F "files=@$FILENAME")
check "...and sends a message and a file" test "$s" = 303
quiet
python3 "$here/memscan.py" "$PID" "$MESSAGE" "budget-leak-$R" "$CONTENT" \
	>found.txt 2>&1
check "as soon as the upload is done, neither message nor file (name or content) is left in memory" \
	sh -c "! grep . found.txt"
# A second upload of the same file is cut off just after its part's
# headers: the connection dies with the file's name in the server's
# buffers (libmicrohttpd's pool and the multipart parser).
python3 - "${URL##*:}" "$(awk '$6 == "sz_source" {print $7}' jar)" \
	"$(csrf_of jar.home.html)" "$FILENAME" "$PID" <<'PY'
import os, socket, sys, time
port, cookie, csrf, name, pid = sys.argv[1:6]
b = "XyZb0undary"
body = (f"--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}"
        f"\r\n--{b}\r\nContent-Disposition: form-data; name=\"files\"; "
        f"filename=\"{name}\"\r\n\r\nthe first bytes").encode()
head = (f"POST /submit HTTP/1.1\r\nHost: x\r\nCookie: sz_source={cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={b}\r\n"
        f"Content-Length: {len(body) + 100000}\r\n\r\n").encode()
def held():
    fds = f"/proc/{pid}/fd"
    return sum("samizdat-stage" in os.readlink(f"{fds}/{f}")
               for f in os.listdir(fds))
s = socket.create_connection(("127.0.0.1", int(port)))
s.sendall(head + body)
for _ in range(100):
    if held() >= 2:
        break
    time.sleep(0.05)
time.sleep(0.2)
s.close()
PY
i=0
while [ $i -lt 100 ] && [ "$(held $PID)" -gt 1 ]; do i=$((i + 1)); sleep 0.05; done
check "...and one more, which is cut off and dropped" test "$(held $PID)" -eq 1
curl -s -b jar -c jar -o /dev/null -d "csrf=$(csrf_of jar.home.html)" "$URL/logout"

# 200 more requests from other visitors (none for a codename page, whose
# copies would happen to land where the source's was and hide a leak).
i=0
while [ $i -lt 50 ]; do
	curl -s -o /dev/null "$URL/"
	curl -s -o /dev/null "$URL/style.css"
	curl -s -c j2 -b j2 "$URL/" >j2.html
	curl -s -c j2 -b j2 -o /dev/null --data-urlencode "csrf=$(csrf_of j2.html)" \
		--data-urlencode "codename=not a codename $i" "$URL/login"
	i=$((i + 1))
done
quiet

CODE_PLUS=$(echo "$CODE" | tr ' ' '+')
CODE_PCT=$(echo "$CODE" | sed 's/ /%20/g')
python3 "$here/memscan.py" "$PID" "$CODE" "$CODE_PLUS" "$CODE_PCT" \
	"$MESSAGE" "budget-leak-$R" "$CONTENT" >found.txt 2>&1
check "the server's memory can be read" test $? -ne 2
check "the codename is nowhere in the server's memory" sh -c "
	! grep -F -e \"'$CODE'\" -e \"'$CODE_PLUS'\" -e \"'$CODE_PCT'\" found.txt"
check "the message is nowhere in it" sh -c "! grep -F '$MESSAGE' found.txt"
check "the file's name is nowhere in it" sh -c "! grep -F 'budget-leak-$R' found.txt"
check "the file's content is nowhere in it" sh -c "! grep -F '$CONTENT' found.txt"
stop_server
finish
