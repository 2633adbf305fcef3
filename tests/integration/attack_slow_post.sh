#!/bin/sh
# attack_slow_post.sh - the attack: a slow POST.  As many connections as
# the face allows each send a complete request head announcing a body,
# then a byte of it every few seconds (about a hundred bytes a second in
# all, for 1,100 connections).  The gate only ever made room by closing
# connections still sending a head, so every slot stayed taken for
# request_timeout_s (two hours) and every source got the "busy" page.
# Now, when every slot is taken, the request whose body trickles in
# slowest, below SZ_GATE_BODY_MIN_RATE after a grace period, makes room.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst max_connections=8
start_face inst source || { not_ok "the source face starts"; finish; }
PORT=${FACE_URL##*:}

cat >slow_post.py <<'PY'
import socket, sys, time
port, n, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
conns = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
              b"application/x-www-form-urlencoded\r\nContent-Length: 4000"
              b"\r\n\r\n")
    conns.append(s)
end = time.time() + seconds
while time.time() < end:
    time.sleep(2)
    for s in conns:
        try:
            s.sendall(b"a")
        except OSError:
            pass
PY
python3 slow_post.py "$PORT" 10 40 &
slow=$!
# status_within SECONDS CODE: asks for the start page until it answers
# CODE, for at most SECONDS; prints how many seconds that took, or fails.
status_within() {
	t0=$(date +%s)
	while [ $(( $(date +%s) - t0 )) -lt "$1" ]; do
		[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$FACE_URL/")" = "$2" ] &&
			{ echo $(( $(date +%s) - t0 )); return 0; }
		sleep 0.2
	done
	return 1
}
check "the slow POSTs take every slot: a newcomer is told the face is busy" \
	status_within 8 503
# The slow client keeps sending for 40 s: a page served within 25 s is
# the gate making room, not the attack ending.
check "once the grace period is over, a newcomer is served again" \
	status_within 25 200
ok=0
for i in 1 2 3 4 5; do
	s=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$FACE_URL/")
	[ "$s" = 200 ] && ok=$((ok + 1))
done
check "slow_post: past the grace period, every source is served ($ok of 5)" \
	test "$ok" -eq 5
kill $slow 2>/dev/null
wait $slow 2>/dev/null
kill -TERM $FACE_PID
wait $FACE_PID
finish
