#!/bin/sh
# faces.sh - `samizdat serve` runs each face in a process of its own,
# locked in: the public face holds nothing of the inbox, every face has
# no new privileges and a seccomp filter; a killed face comes back while
# the others never stop serving; SIGTERM lets an upload in flight finish;
# a taken port is refused, named; started as root, a face runs as the
# instance's owner.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst listen_source=127.0.0.1:0 listen_editor=127.0.0.1:0 \
	listen_public=127.0.0.1:0
"$SAMIZDAT" release create -d inst --intro "A test release." "The Papers" >/dev/null
"$SAMIZDAT" release publish -d inst 1 >/dev/null

# Every face's URL line comes on stdout, each once it serves.
mkfifo serve.fifo
"$SAMIZDAT" serve -d inst >serve.fifo 2>serve.err &
SUP=$!
timeout 20 head -n 3 serve.fifo >serve.out
url_of() { sed -n "s/^$1 face: \(http[^ ]*\)\/\$/\1/p" serve.out; }
SOURCE_URL=$(url_of source)
EDITOR_URL=$(url_of editor)
PUBLIC_URL=$(url_of public)
if [ -z "$SOURCE_URL" ] || [ -z "$EDITOR_URL" ] || [ -z "$PUBLIC_URL" ]; then
	not_ok "serve starts the three faces"; sed 's/^/# /' serve.err; finish
fi
ok "serve starts the three faces, and prints where each listens"

# face_pid NAME: the process serving that face now.
face_pid() {
	ps -o pid=,comm= --ppid "$SUP" | awk -v c="samizdat-$1" '$2 == c {print $1}'
}
S=$(face_pid source); E=$(face_pid editor); P=$(face_pid public)
check "each face is a process of its own under the supervisor, named after it" sh -c "
	[ -n '$S' ] && [ -n '$E' ] && [ -n '$P' ] &&
	[ \$(ps -o ppid= -p $S) = $SUP ] && [ \$(ps -o ppid= -p $E) = $SUP ] &&
	[ \$(ps -o ppid= -p $P) = $SUP ] &&
	[ \$(ps -o pid= --ppid $SUP | wc -l) = 3 ]"
for f in source editor public; do
	pid=$(face_pid $f)
	check "the $f face runs with no new privileges and a seccomp filter" sh -c "
		grep -Eq '^NoNewPrivs:[[:space:]]+1\$' /proc/$pid/status &&
		grep -Eq '^Seccomp:[[:space:]]+2\$' /proc/$pid/status"
done
ls -l /proc/$P/fd >public.fd
check "the public face holds no descriptor of inbox.db, the blob tree or the secret key" \
	sh -c "! grep -E 'inbox\.db|/blobs|instance\.key' public.fd"
check "...and maps none of them" \
	sh -c "! grep -E 'inbox\.db|/blobs/|instance\.key' /proc/$P/maps"
if [ "$SZ_TEST_ENGINE" = pg ]; then
	why="the databases are PostgreSQL's, reached through a socket: no .db file to hold"
	skip "...but holds the archive and its log, read-only" "$why"
	skip "...and the forum's database, read-write (members post there)" "$why"
	skip "the source face holds the inbox and nothing of the archive" "$why"
else
	check "...but holds the archive and its log, read-only" sh -c "
		grep -q '^lr-x.*inst/archive.db\$' public.fd &&
		grep -q '^lr-x.*inst/archive.db-wal\$' public.fd &&
		! grep -q '^l.w.*inst/archive.db\(-wal\)\{0,1\}\$' public.fd"
	check "...and the forum's database, read-write (members post there)" \
		grep -q '^lrwx.*inst/forum\.db$' public.fd
	check "the source face holds the inbox and nothing of the archive" \
		sh -c "ls -l /proc/$S/fd | grep -q inbox.db && ! ls -l /proc/$S/fd | grep -q archive"
fi
check "the public face serves the archive" \
	sh -c "curl -s '$PUBLIC_URL/' | grep -q 'The Papers'"

# Kill the public face: it comes back on the same port while the source
# and editor faces answer every request.
(i=0; while [ $i -lt 40 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' "$SOURCE_URL/"
	curl -s -o /dev/null -w '%{http_code}\n' "$EDITOR_URL/"
	i=$((i + 1)); sleep 0.05
done) >during.txt &
LOOP=$!
kill -9 "$P"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$PUBLIC_URL/")
check "a request to a killed face waits for its restart and is answered" test "$code" = 200
wait $LOOP
check "the other faces answered every request meanwhile" \
	sh -c "[ \$(wc -l <during.txt) = 80 ] && [ \"\$(sort -u during.txt)\" = 200 ]"
P2=$(face_pid public)
i=0   # the supervisor reads the face's word as it comes: a moment
while [ $i -lt 100 ] && ! grep -q 'serving again' serve.err; do
	i=$((i + 1)); sleep 0.05
done
check "the public face came back as a new process" sh -c "
	[ -n '$P2' ] && [ '$P2' != '$P' ] && [ \$(cat /proc/$P2/comm) = samizdat-public ]"
check "...and the supervisor said what happened to it" sh -c "
	grep -q 'the public face (pid $P) was killed by signal 9' serve.err &&
	grep -q 'the public face is serving again (pid $P2)' serve.err"
check "...and nothing about any request" \
	sh -c "! grep -Eiq '127\.0\.0\.1|curl|GET ' serve.err"

# A taken port: a second server on it stops, naming it.
sport=${SOURCE_URL##*:}
"$SAMIZDAT" serve -d inst --face source --listen "127.0.0.1:$sport" \
	>second.out 2>second.err
check "a second serve on a taken port exits with an error" test $? = 1
check "...naming the port" grep -q "port $sport is in use" second.err
make_instance inst2 listen_source=127.0.0.1:0 listen_editor=127.0.0.1:0 \
	listen_public="127.0.0.1:${PUBLIC_URL##*:}"
"$SAMIZDAT" serve -d inst2 >third.out 2>third.err
check "serve with every face refuses a taken port before starting any" \
	sh -c "grep -q 'the public face: .*port ${PUBLIC_URL##*:} is in use' third.err &&
		! grep -q started third.err && [ ! -s third.out ]"

# SIGTERM reaches every face; the upload in flight still finishes.
URL=$SOURCE_URL
new_source jar
head -c 600000 /dev/urandom >inflight.bin
curl -s -o /dev/null -w '%{http_code}' -b jar --limit-rate 300k \
	-F "csrf=$(csrf_of jar.home.html)" -F files=@inflight.bin \
	"$URL/submit" >inflight.status &
UP=$!
i=0
while [ $i -lt 100 ] && [ -z "$(ls -A inst/tmp)" ]; do i=$((i + 1)); sleep 0.05; done
E2=$(face_pid editor); S2=$(face_pid source); P3=$(face_pid public)
kill -TERM $SUP
wait $UP
wait $SUP
st=$?
check "SIGTERM lets an upload in flight finish" test "$(cat inflight.status)" = 303
check "...then serve exits cleanly" test $st = 0
check "...and every face is gone" sh -c "
	! kill -0 $S2 2>/dev/null && ! kill -0 $E2 2>/dev/null && ! kill -0 $P3 2>/dev/null"
check "the upload was committed" test "$(inbox_submissions inst)" = 1

# Started as root, a face gives root up to the instance's owner.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	make_instance own
	chown -R nobody "$WORK/own"
	# the session key is the owner's, as a deployment's is
	[ "$SZ_TEST_ENGINE" = pg ] && chown -R nobody "/dev/shm/$SZ_TEST_PG_PREFIX.key"
	chmod 755 "$WORK"
	start_face own public || { not_ok "the public face starts as root"; finish; }
	check "started as root, a face runs as the instance's owner" \
		grep -Eq "^Uid:[[:space:]]+$(id -u nobody)[[:space:]]" /proc/$FACE_PID/status
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		skip "...and the files it made are the owner's" "no archive.db: the archive is in PostgreSQL"
	else
		check "...and the files it made are the owner's" \
			test "$(stat -c %U own/archive.db)" = nobody
	fi
	kill -TERM $FACE_PID; wait $FACE_PID
	sed -i 's/^user = .*/user = no-such-user/' own/samizdat.conf
	"$SAMIZDAT" serve -d own --face public --listen 127.0.0.1:0 \
		>nouser.out 2>nouser.err
	st=$?
	check "a user that does not exist is refused, with advice" sh -c "
		[ $st = 1 ] && [ ! -s nouser.out ] &&
		grep -q 'there is no user \"no-such-user\"' nouser.err &&
		grep -q 'adduser --system' nouser.err"
else
	skip "a face gives root up to the instance's owner" "not root"
	skip "...and the files it made are the owner's" "not root"
	skip "a user that does not exist is refused, with advice" "not root"
fi
finish
