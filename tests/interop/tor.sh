#!/bin/sh
# tor.sh - every torrc snippet in docs/operations.md (its ```torrc blocks)
# is accepted by Debian's tor with --verify-config and draws no warning
# (an obsolete or unknown option would), and the editors' client-
# authorization commands (its ```sh block) make a well-formed .auth file
# and private key.  No network is needed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
doc=$here/../../docs/operations.md
if ! command -v tor >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
	not_ok "tor and openssl are installed (scripts/deps check)"
	finish
fi
check "Debian's tor has the proof-of-work defence" \
	sh -c 'tor --list-modules | grep -qx "pow: yes"'

# The blocks, one file each.
awk -v dir="$WORK" '
	/^```torrc$/ { n++; out = sprintf("%s/snippet%d.torrc", dir, n); inb = 1; next }
	/^```$/ { inb = 0; next }
	inb { print > out }' "$doc"
count=$(ls "$WORK"/snippet*.torrc 2>/dev/null | wc -l)
check "operations.md has a snippet for each face and for a mirror" \
	test "$count" -ge 4
for f in "$WORK"/snippet*.torrc; do
	name=$(sed -n 's/^HiddenServiceDir .*\/\(samizdat-[a-z]*\)\/$/\1/p' "$f")
	mkdir -p -m 700 "$WORK/data-$name"
	tor --verify-config -f "$f" --DataDirectory "$WORK/data-$name" \
		>"$f.out" 2>&1
	status=$?
	check "tor --verify-config accepts the $name snippet" test $status -eq 0
	check "the $name snippet draws no warning" \
		sh -c "! grep '\[warn\]' '$f.out' | grep -v 'running Tor as root'"
done
check "the public face's snippet turns on the proof-of-work defence" \
	grep -qx 'HiddenServicePoWDefensesEnabled 1' "$(grep -l samizdat-public "$WORK"/snippet*.torrc)"
check "no snippet uses the obsolete v2 client authorization" \
	sh -c "! grep -h HiddenServiceAuthorizeClient '$WORK'/snippet*.torrc"

awk '/^```sh$/ { inb = 1; next } /^```$/ { inb = 0; next } inb' "$doc" \
	>"$WORK/client-auth.sh"
mkdir "$WORK/editor" && cd "$WORK/editor" || exit 1
check "the client-authorization commands run" sh "$WORK/client-auth.sh"
check "they make a descriptor:x25519 .auth file for the server" \
	grep -Eqx 'descriptor:x25519:[A-Z2-7]{52}' maria.auth
check "and a private key for the editor's Tor Browser" \
	grep -Eqx '[A-Z2-7]{52}' editor.private
finish
