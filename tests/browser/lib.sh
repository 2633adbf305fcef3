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

# bridge_papers DIR: release 1 of instance DIR, published: a PDF and a
# DOCX from the document corpus and a threaded mbox (a sender's name in
# RFC 2047, a Latin-1 subject), what a reader's pages are tested on.
bridge_papers() {
	"$browser_here/../docs/corpus.sh" corpus >corpus.log 2>&1 ||
		{ cat corpus.log; return 1; }
	cat >box.mbox <<'MBOX'
From jm@example.org Mon Mar  4 10:00:00 2024
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>
To: Press Desk <press@example.net>
Subject: =?ISO-8859-1?Q?Gr=FC=DFe_zur_Br=FCcke?=
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <first@example.org>

The double payment for the bridge went to the contractor.

MBOX
	mbox_replies >>box.mbox
	"$SAMIZDAT" release create -d "$1" --intro "Files on the northern bridge." \
		"The Bridge Papers" >/dev/null &&
	"$SAMIZDAT" release add -d "$1" 1 corpus/report.pdf corpus/letter.docx \
		box.mbox >/dev/null &&
	"$SAMIZDAT" release publish -d "$1" 1 >/dev/null
}

# memo_forum DIR: an instance with a forum (a board, posting unthrottled)
# and release 1 published with a memo, served by a public face ($P).
memo_forum() {
	forum_instance "$1" forum.approve_first_posts=0 \
		forum.trust1_read_posts=0 forum.posts_per_minute=100
	printf 'The ministry paid the contractor twice for the bridge.\n' >memo.txt
	"$SAMIZDAT" release create -d "$1" --intro "Files." "The Bridge Papers" \
		>/dev/null
	"$SAMIZDAT" release add -d "$1" 1 memo.txt >/dev/null 2>&1
	"$SAMIZDAT" release publish -d "$1" 1 >/dev/null
	start_face "$1" public || return 1
	P=$FACE_URL
}
