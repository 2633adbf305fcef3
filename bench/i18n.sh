#!/bin/sh
# bench/i18n.sh SAMIZDAT - what translating costs a request: every message
# of the Russian catalogue looked up BENCH_ROUNDS times in 2 threads, by
# samizdat's own reader (core/mo.h) and by glibc's dgettext under a
# per-thread locale (newlocale + uselocale: the other way to answer each
# request in its reader's language), side by side, three times each.
# Prints nanoseconds per lookup and the ratio glibc/samizdat.
# Goal: samizdat's reader no slower than glibc's (ratio >= 1).
# glibc needs the locale generated (localedef, from the locales package;
# a minimal Debian has only C.UTF-8, one reason samizdat reads catalogues
# itself); it is made here in a temporary LOCPATH.
set -eu
S=$(realpath "${1:-build/samizdat}")
B=$(dirname "$S")
LOOKUP=$B/bench/i18n_lookup
ROUNDS=${BENCH_ROUNDS:-3000}
[ -x "$LOOKUP" ] || { echo "bench/i18n.sh: build $LOOKUP first (ninja -C build)"; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
if ! localedef -i ru_RU -f UTF-8 "$DIR/ru_RU.UTF-8" >/dev/null 2>&1; then
	echo "bench/i18n.sh: localedef cannot make ru_RU.UTF-8 (install locales)"
	exit 1
fi
export LOCPATH=$DIR
unset LANGUAGE LC_ALL LC_MESSAGES
best() { sort -n | head -1; }
for i in 1 2 3; do
	"$LOOKUP" ours "$B/po" ru ru_RU.UTF-8 2 "$ROUNDS" >>"$DIR/ours"
	"$LOOKUP" glibc "$B/po" ru ru_RU.UTF-8 2 "$ROUNDS" >>"$DIR/glibc"
done
head -1 "$DIR/ours"
head -1 "$DIR/glibc"
o=$(awk '{print $2}' "$DIR/ours" | best)
g=$(awk '{print $2}' "$DIR/glibc" | best)
# both must have found every translation, or the comparison means nothing
[ "$(awk '{print $7}' "$DIR/ours" | sort -u)" = "$(awk '{print $7}' "$DIR/glibc" | sort -u)" ] ||
	{ echo "bench/i18n.sh: the two readers found different translations"; exit 1; }
echo "i18n lookup: samizdat ${o} ns, glibc dgettext+uselocale ${g} ns (best of 3)"
echo "ratio glibc/samizdat: $(echo "$g $o" | awk '{printf "%.2f", $1 / $2}') (goal >= 1)"
