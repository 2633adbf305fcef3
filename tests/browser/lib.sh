# lib.sh - what the browser scripts share (sourced): TAP and the test
# server helpers, a check that Chromium and playwright-core are there, the
# screenshot directory, and run_browser, which folds a .mjs script's TAP
# lines into ours.
browser_here=$(cd "$(dirname "$0")" && pwd)
. "$browser_here/../interop/tap.sh"
. "$browser_here/../integration/lib.sh"
if [ ! -d "$browser_here/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
	not_ok "playwright-core and chromium are installed (scripts/deps check)"
	finish
fi
SHOTS=${SHOTS:-$browser_here/../../build/browser-shots}
mkdir -p "$SHOTS"

# run_browser SCRIPT.mjs ARGS...: runs it; each of its results becomes one
# of ours, prefixed "browser:"; a failed run counts as a failure too.
run_browser() {
	script=$1
	shift
	node "$browser_here/$script" "$@" >browser.tap 2>browser.err
	status=$?
	while read -r line; do
		what=$(echo "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* - //')
		case "$line" in
		ok*) ok "browser: $what" ;;
		"not ok"*) not_ok "browser: $what" ;;
		esac
	done <browser.tap
	if [ $status -ne 0 ]; then
		sed 's/^/# /' browser.err | head -20
		not_ok "the browser run succeeds"
	fi
}
