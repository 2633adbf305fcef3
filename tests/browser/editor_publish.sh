#!/bin/sh
# editor_publish.sh - runs editor_publish.mjs against real editor and
# public faces, then checks the public face shows the published release.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
"$browser_here/../docs/corpus.sh" corpus >corpus.log 2>&1 || { cat corpus.log; exit 1; }
make_instance inst
add_editor inst maria
start_editor inst || { not_ok "the editor face starts"; finish; }
start_face inst public || { not_ok "the public face starts"; finish; }
run_browser editor_publish.mjs "$EURL" "$SHOTS" maria 'a long editor password' \
	"$(oathtool --totp -b "$SECRET")" "$PWD/corpus/report.pdf" "$FACE_URL"
check "the public face shows the published release" \
	sh -c "curl -s '$FACE_URL/release/1' | grep -q 'The Bridge Papers'"
check "the removed document's file is gone from the public face too" \
	sh -c "test \$(curl -s -o /dev/null -w '%{http_code}' '$FACE_URL/file/1') = 404"
kill -TERM $EPID $FACE_PID; wait $EPID $FACE_PID
finish
