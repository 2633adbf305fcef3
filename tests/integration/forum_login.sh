#!/bin/sh
# forum_login.sh - the forum's login gives nothing away and costs a
# bounded amount of work, over real HTTP: a name that exists and one that
# does not get the same answers, try for try, also once strangers have
# spent the name's failed tries (then every try on it is slowed, never
# refused, so its owner is not locked out); each try is charged to the
# login form's token, in memory, before any Argon2 runs, so a flood of
# unknown names stops at the token's budget and at the tokens a minute,
# like the source face's codenames.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

forum_instance inst login_tokens_per_min=100 login_attempts_per_token=5 \
	|| exit 1
start_face inst public || exit 1
P=$FACE_URL
join anna anna >/dev/null

# The error sentence of a refused login page.
said() { sed -n 's/.*class="error"[^>]*>\([^<]*\)<.*/\1/p' "$1.out" | head -1; }

# ---- name enumeration through lockout answers ----------------------------------
real= none=
for i in $(seq 1 21); do
	real="$real $(login r anna 'not her password')"
	said r >r.said.$i
	none="$none $(login n nobody_at_all 'not her password')"
	said n >n.said.$i
done
echo "# anna:   $real"
echo "# nobody: $none"
check "name enumeration through lockout answers: a member's name and a name nobody has get the same statuses" \
	test "$real" = "$none"
check "...every wrong try answers 403, past the name's hourly tries too" \
	test "$real" = "$(printf ' 403%.0s' $(seq 1 21))"
check "...with the same words, try for try" sh -c '
	for i in $(seq 1 21); do cmp -s r.said.$i n.said.$i || exit 1; done'
check "...which do not say the account is locked" \
	sh -c "grep -q 'Wrong name or password' r.said.21 && ! grep -qi 'account' r.said.21"

# ---- account lockout by strangers' tries ------------------------------------------
# Strangers have spent anna's hourly tries above (21 wrong ones); her own
# right password still logs her in (slowly), and one of them still cannot.
check "account lockout by strangers' tries: the owner logs in after strangers spent the name's tries" \
	test "$(login own anna)" = 303
check "...and the strangers' next wrong try is still refused" \
	test "$(login r anna 'not her password')" = 403
# a moderator is a name like any other
join mod modsquad >/dev/null
"$SAMIZDAT" forum -d inst role modsquad moderator >/dev/null
for i in $(seq 1 20); do login x modsquad 'a wrong guess here' >/dev/null; done
check "...a moderator too" test "$(login mod2 modsquad)" = 303
if [ "$SZ_TEST_ENGINE" = pg ]; then
	skip "forum.db keeps no row of those tries" "on PostgreSQL the faces' shared budgets table (store/sessions.h) is in the database by design"
else
	check "forum.db keeps no row of those tries" \
		test "$(forum_sql inst "select count(*) from sqlite_master where name = 'budgets'")" = 0
fi

# ---- CPU exhaustion through unknown-name tries -----------------------------------
# One login page, many names nobody has: each try is charged to the page's
# token before Argon2 would run, so the sixth is refused outright.  (The
# attacker keeps the page's cookie and ignores the new one each answer
# brings.)
curl -s -c t -b t -o t.form "$P/forum/login"
tok=$(csrf_of t.form)
codes=
for i in 1 2 3 4 5 6 7; do
	codes="$codes $(curl -s -b t -o t.out -w '%{http_code}' \
		--data-urlencode "csrf=$tok" --data-urlencode "name=ghost$i" \
		--data-urlencode 'password=x y z w v' "$P/forum/login")"
	said t >t.said.$i
done
echo "# one token, seven unknown names: $codes"
check "CPU exhaustion through unknown-name tries: a login page's token allows five tries, whatever the names" \
	test "$codes" = " 403 403 403 403 403 429 429"
check "...each a wrong name or password, until the token is spent" \
	grep -q 'Wrong name or password' t.said.5
check "...then says to reload the page" grep -q 'last try with this page' t.said.6
kill -TERM "$FACE_PID"
wait "$FACE_PID"

# Fresh pages cost nothing to fetch; how many may start being used a
# minute is what bounds the work, for everyone together.
forum_instance few login_tokens_per_min=3 || exit 1
start_face few public || exit 1
P=$FACE_URL
codes=
for i in 1 2 3 4 5; do
	codes="$codes $(login g$i "ghost$i" 'x y z w v')"
done
echo "# five fresh pages in a minute, three allowed: $codes"
check "CPU exhaustion through fresh login pages: past login_tokens_per_min new pages a minute, tries wait" \
	test "$codes" = " 403 403 403 429 429"
check "...saying to wait a minute" grep -q 'wait a minute' g5.out
kill -TERM "$FACE_PID"
wait "$FACE_PID"
finish
