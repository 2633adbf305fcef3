#!/bin/sh
# Dumps the C2SP age vectors from the pinned npm package (installed by
# scripts/deps check) and runs them through samizdat's age implementation.
set -eu
runner=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/cctv-age" ]; then
	echo "not ok - cctv-age is not installed: run scripts/deps check"
	exit 1
fi
rm -rf "$out"
node "$here/dump.mjs" "$out" >/dev/null
exec "$runner" "$out"
