#!/bin/sh
# demo.sh - `make demo` on a fresh clone serves what it promises: the
# demo instance is made (editor, sample release, a discussed forum), then
# the three faces answer on the ports it prints.  A reviewer found that it
# ended with status 2 right after filling the forum, before serving
# anything (scripts/demo-forum's exit trap ran `kill` with no process id
# under set -e).  Runs scripts/demo from a copy of scripts/ in the test's
# folder, so the clone's own var/demo is never touched; does not check
# the pages' contents beyond one line each (other tests do).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"

mkdir -p clone/scripts
cp "$here/../../scripts/demo" "$here/../../scripts/demo-forum" clone/scripts/
port=$(python3 -c 'import socket
for p in range(20000, 60000, 3):
    ok = True
    for q in (p, p + 1, p + 2):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", q))
        except OSError:
            ok = False
        s.close()
    if ok:
        print(p)
        break')
SAMIZDAT_DEMO_PORT=$port sh clone/scripts/demo "$SAMIZDAT" >demo.out 2>&1 &
pid=$!
i=0
while ! grep -q '^public face' demo.out 2>/dev/null && kill -0 $pid 2>/dev/null &&
    [ $i -lt 1200 ]; do
	i=$((i + 1))
	sleep 0.25
done
check "make demo starts the three faces (it does not end after the forum)" \
	grep -q '^public face: http://127.0.0.1:' demo.out
check "the source face answers on the printed port" \
	curl -sf -o /dev/null "http://127.0.0.1:$port/"
check "the editor face answers on the printed port" \
	curl -sf -o /dev/null "http://127.0.0.1:$((port + 1))/"
curl -s "http://127.0.0.1:$((port + 2))/forum" >forum.html
check "the public face shows the demo's forum and its members" \
	grep -q 'Vera Antonova' forum.html
# serve (the demo shell's child) stops its faces on SIGTERM; the shell
# then ends with it
pkill -TERM -P $pid 2>/dev/null
wait $pid 2>/dev/null
[ $i -lt 1200 ] || sed 's/^/# /' demo.out | tail -20
finish
