#!/bin/sh
# codename_flood.sh - the attacks: 60 wrong codenames a minute drained a
# budget shared by every source, so the right codename got 429; and 16
# first visits filled a session table of 16, so every /new and /login got
# 503.  Now attempts are charged to the start page's token (a few each),
# only new tokens are limited globally, a first visit keeps no session,
# and a full table of logged-in sessions makes room by its idlest one.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

# try JAR TOKEN CODENAME: one login attempt with that token; the status.
try() {
	curl -s -c "$1" -b "$1" -o "$1.page" -w '%{http_code}' \
		--data-urlencode "csrf=$2" --data-urlencode "codename=$3" "$URL/login"
}
# token JAR: a fresh start page's token (and its cookie in JAR).
token() {
	curl -s -c "$1" -b "$1" "$URL/" >"$1.start"
	csrf_of "$1.start"
}

make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
new_source real
REAL=$CODE

# 60 wrong codenames in one burst, two ways: a few tokens used to the
# full (12 x 5), and a fresh token for each (60 x 1).
bad=0
for t in 1 2 3 4 5 6 7 8 9 10 11 12; do
	T=$(token a$t)
	for i in 1 2 3 4 5; do
		s=$(try a$t "$T" "wrong guess number $t $i of sixty")
		[ "$s" = 403 ] || bad=$((bad + 1))
	done
done
check "60 wrong codenames (12 tokens x 5) are each refused as wrong" test $bad = 0
s=$(try a1 "$(csrf_of a1.page)" "one more guess")
check "...a token's sixth try gets 429, saying to go back to the start" \
	sh -c "test $s = 429 && grep -q 'last try with this page' a1.page"
bad=0
for t in $(seq 1 60); do
	s=$(try b "$(token b)" "fresh token guess $t")
	[ "$s" = 403 ] || bad=$((bad + 1))
done
check "60 more, each with a fresh token, are each refused as wrong" test $bad = 0
s=$(try r "$(token r)" "$REAL")
check "...and the returning source still logs in at once" test "$s" = 303
check "...and reaches its page" \
	sh -c "curl -s -b r '$URL/source' | grep -q 'action=\"/submit\"'"
check "a wrong codename's page keeps the same token (no fresh budget)" sh -c "
	T=\$(csrf_of a2.start); test \"\$(csrf_of a2.page)\" = \"\$T\""
stop_server

# Only new tokens are limited globally: past login_tokens_per_min a
# login says so, while tokens already in use go on.
make_instance inst2 login_tokens_per_min=3 login_attempts_per_token=2
start_server inst2 || { not_ok "the second server starts"; finish; }
for t in 1 2 3; do
	eval "T$t=\$(token c$t)"
	eval "try c$t \"\$T$t\" 'first guess $t' >/dev/null"
done
s=$(try c4 "$(token c4)" "a fourth new token")
check "past login_tokens_per_min new tokens a login gets 429, 'wait a minute'" \
	sh -c "test $s = 429 && grep -q 'Wait a minute' c4.page"
s=$(try c1 "$T1" "second guess with a token in use")
check "...while a token already in use still gets its tries" test "$s" = 403
stop_server

# Sessions: max_sessions=16 (the smallest allowed).
make_instance inst3 max_sessions=16
start_server inst3 || { not_ok "the third server starts"; finish; }
new_source first
FIRST=$CODE
for i in $(seq 1 40); do curl -s -o /dev/null "$URL/new"; done
new_source n
check "40 first visits fill nothing: a new source still gets in" \
	grep -q 'action="/submit"' n.home.html
for i in $(seq 1 20); do new_source s$i; done
check "20 more logged-in sources than the table holds: the newest is in" \
	sh -c "curl -s -b s20 '$URL/source' | grep -q 'action=\"/submit\"'"
check "...the one idle longest was logged out to make room" \
	test "$(curl -s -b first -o /dev/null -w '%{http_code}' "$URL/source")" = 303
s=$(try f "$(token f)" "$FIRST")
check "...and simply logs in again" test "$s" = 303
stop_server
finish
