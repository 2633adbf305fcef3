#!/bin/sh
# editor_siege.sh - attacks on the editors' login.  Parallel guesses raced
# the lock-out counter (78 checked instead of 5); parallel logins with
# unknown names ran Argon2id without limit (4 GiB); and the answers told a
# real name from an unknown one (only real ones locked) and a right
# password from a wrong one (only it saw "code used already").
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
add_editor inst bob
SECRET_B=$SECRET
add_editor inst alice
start_editor inst || { not_ok "the editor face starts"; finish; }

# One login form: its token works for every guess below.
curl -s -c j -b j "$EURL/" >form.html
T=$(csrf_of form.html)
guess() { # NAME PASSWORD CODE OUT: the status, the page in OUT
	curl -s -b j -o "$4" -w '%{http_code}' --data-urlencode "csrf=$T" \
		--data-urlencode "name=$1" --data-urlencode "password=$2" \
		--data-urlencode "code=$3" "$EURL/login"
}

# 40 wrong passwords for bob at once: the lock must win the race.
i=0 pids=
while [ $i -lt 40 ]; do
	{ guess bob "guess $i" 123456 par.$i.html; echo; } >par.$i.status &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
"$SAMIZDAT" audit -d inst >audit.txt
check "40 parallel guesses: only 5 passwords are checked before the lock" \
	test "$(grep -c 'bob  *login failed' audit.txt)" = 5
busy=$(cat par.*.status | grep -c '^503$')
check "...the other 35 are refused as locked, unchecked, or turned away busy" \
	test "$(grep -c 'bob  *login refused  *account locked' audit.txt)" = $((35 - busy))
check "...every guess got an answer (403, or 503 'busy' past the queue)" \
	sh -c "! cat par.*.status | grep -v -e '^403\$' -e '^503\$'"
# The normal build only: ASan keeps freed memory in quarantine.
if ldd "$SAMIZDAT" | grep -q libasan; then
	skip "Argon2id runs two at a time: memory stays bounded" "ASan build"
else
	hwm=$(awk '/^VmHWM/ {print $2}' /proc/$EPID/status)
	check "Argon2id runs two at a time: peak memory $((hwm / 1024)) MiB < 256 MiB" \
		test "$hwm" -lt 262144
fi
s=$(guess bob 'a long editor password' 123456 locked.html)
check "a locked account stays locked, even with the right password" \
	sh -c "test $s = 403 && grep -q 'is locked' locked.html"

for i in 1 2 3 4; do guess nobody "x$i" 123456 un.html >/dev/null; done
s=$(guess nobody x5 123456 un.html)
check "an unknown name locks after 5 failures, just like a real one" \
	sh -c "test $s = 403 && grep -q 'is locked' un.html"
guess bob x 123456 b.html >/dev/null
sed 's/name="csrf" value="[^"]*"//' un.html >un.cmp
sed 's/name="csrf" value="[^"]*"//' b.html >b.cmp
check "...with the very same page as the locked real account" cmp un.cmp b.cmp
guess carol x 123456 c.html >/dev/null
guess alice 'wrong password' 123456 a.html >/dev/null
sed 's/name="csrf" value="[^"]*"//' c.html >c.cmp
sed 's/name="csrf" value="[^"]*"//' a.html >a.cmp
check "a real name with a wrong password looks like an unknown name" cmp c.cmp a.cmp

CODE=$(oathtool --totp -b "$SECRET")
s=$(guess alice 'a long editor password' "$CODE" ok.html)
check "the right password and code log in" test "$s" = 303
s=$(guess alice 'a long editor password' "$CODE" used.html)
sed 's/name="csrf" value="[^"]*"//' used.html >used.cmp
check "a used code with the right password looks like a wrong password" \
	sh -c "test $s = 403 && cmp used.cmp a.cmp"

check "unlock reopens a locked account" \
	sh -c "'$SAMIZDAT' editor unlock -d inst bob | grep -q 'Unlocked editor bob'"
check "...and says so for a name that is no editor" \
	sh -c "! '$SAMIZDAT' editor unlock -d inst nobody 2>&1 | grep -q Unlocked"
s=$(guess bob 'a long editor password' "$(oathtool --totp -b "$SECRET_B")" b2.html)
check "...keeping the TOTP secret: bob logs in with the same app" test "$s" = 303
"$SAMIZDAT" audit -d inst >audit2.txt
check "the unlock is in the audit log" grep -q 'editor unlock  *bob' audit2.txt
kill -TERM $EPID; wait $EPID
finish
