#!/bin/sh
# editor.sh - runs editor.mjs against real source and editor faces: a
# source submits (with curl), the editor logs in and replies in Chromium
# with JavaScript off, and the source then reads the reply.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/../integration/lib.sh"
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
	not_ok "playwright-core and chromium are installed (scripts/deps check)"
	finish
fi
SHOTS=${SHOTS:-$here/../../build/browser-shots}
mkdir -p "$SHOTS"
make_instance inst
"$SAMIZDAT" keygen -o ed.key >ed.pub
printf 'a long editor password\n' >pw.txt
"$SAMIZDAT" editor add -d inst maria --recipient "$(cat ed.pub)" \
	--password-file pw.txt >add.out
SECRET=$(sed -n 's/^otpauth.*secret=\([A-Z2-7]*\).*/\1/p' add.out)
start_server inst || { not_ok "the source face starts"; finish; }
start_editor inst || { not_ok "the editor face starts"; finish; }
new_source src
printf 'memo\n' >memo.txt
s=$(submit src -F "message=hello" -F files=@memo.txt)
check "a source has submitted" test "$s" = 303
node "$here/editor.mjs" "$EURL" "$SHOTS" maria 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")" >browser.tap 2>browser.err
status=$?
grep -E '^(not )?ok ' browser.tap | sed 's/^\(not \)\{0,1\}ok [0-9]* - /browser: /' >names
while read -r what; do
	case "$(grep -F -- "${what#browser: }" browser.tap | head -1)" in
	ok*) ok "$what" ;;
	*) not_ok "$what" ;;
	esac
done <names
[ $status -eq 0 ] || { sed 's/^/# /' browser.err | head -20; not_ok "the browser run succeeds"; }
check "the source reads the editor's reply" \
	sh -c "curl -s -b src '$URL/source' | grep -q 'Which department'"
check "screenshots were saved" test -s "$SHOTS/editor-4-replied.png"
stop_server
kill -TERM $EPID; wait $EPID
finish
