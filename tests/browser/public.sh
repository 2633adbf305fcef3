#!/bin/sh
# public.sh - runs public.mjs against a real public face serving a
# published release (a PDF, a DOCX and a threaded mbox).
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
make_instance inst
bridge_papers inst || exit 1
start_face inst public || { not_ok "the public face starts"; finish; }
run_browser public.mjs "$FACE_URL" "$SHOTS"
check "screenshots were saved" test -s "$SHOTS/public-4-results.png"
kill -TERM $FACE_PID; wait $FACE_PID
finish
