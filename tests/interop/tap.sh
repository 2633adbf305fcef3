# tap.sh - a few TAP helpers for the interop scripts (sourced).
#   check "what the user would notice" command...   passes if it exits 0
#   fails "what" command...                          passes if it exits non-zero
#   finish                                           prints the plan, exits
: "${SAMIZDAT:?set SAMIZDAT to the samizdat binary}"
tap_n=0
tap_failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
}
check() {
	what=$1
	shift
	if "$@" >"$WORK/.out" 2>&1; then ok "$what"; else
		not_ok "$what"
		sed 's/^/# /' "$WORK/.out" | head -20
	fi
}
fails() {
	what=$1
	shift
	if "$@" >"$WORK/.out" 2>&1; then
		not_ok "$what (it succeeded)"
	else ok "$what"; fi
}
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}
finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
