#!/bin/sh
# bench/age.sh SAMIZDAT - encrypts and decrypts the same file with samizdat
# and with Debian's age in the same run, alternating, and prints the median
# speed ratio samizdat/age (above 1.0: samizdat is faster) and samizdat's
# peak RSS.  Goals: ratio >= 1.0, peak RSS under 16 MiB.
#   BENCH_MB     file size in MiB (default 1024)
#   BENCH_ROUNDS rounds per tool and direction (default 5)
#   BENCH_DIR    where the files go (default a temporary directory)
set -eu
S=$(realpath "${1:-build/samizdat}")
MB=${BENCH_MB:-1024}
ROUNDS=${BENCH_ROUNDS:-5}; export ROUNDS
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"

head -c $((MB * 1048576)) /dev/urandom >plain
age-keygen -o key.txt 2>/dev/null
R=$(age-keygen -y key.txt)
age -r "$R" -o by-age.age plain

# seconds and peak RSS (KiB) of one command, written as "SECONDS KIB"
measure() {
	/usr/bin/time -f '%e %M' -o t.txt "$@" >/dev/null
	cat t.txt
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >enc.sz; : >enc.age; : >dec.sz; : >dec.age; : >rss
i=0
while [ $i -lt "$ROUNDS" ]; do
	measure "$S" encrypt -r "$R" -o /dev/null plain | tee -a rss | cut -d' ' -f1 >>enc.sz
	measure age -r "$R" -o /dev/null plain | cut -d' ' -f1 >>enc.age
	measure "$S" decrypt -i key.txt -o /dev/null by-age.age | tee -a rss | cut -d' ' -f1 >>dec.sz
	measure age -d -i key.txt -o /dev/null by-age.age | cut -d' ' -f1 >>dec.age
	i=$((i + 1))
done

es=$(median <enc.sz); ea=$(median <enc.age)
ds=$(median <dec.sz); da=$(median <dec.age)
rss=$(cut -d' ' -f2 rss | sort -n | tail -1)
awk -v es="$es" -v ea="$ea" -v ds="$ds" -v da="$da" -v mb="$MB" -v rss="$rss" 'BEGIN {
	printf "bench/age: %d MiB, median of %s rounds\n", mb, ENVIRON["ROUNDS"]
	printf "  encrypt: samizdat %.0f MiB/s, age %.0f MiB/s, ratio samizdat/age %.2f (goal >= 1.0)\n", mb/es, mb/ea, ea/es
	printf "  decrypt: samizdat %.0f MiB/s, age %.0f MiB/s, ratio samizdat/age %.2f (goal >= 1.0)\n", mb/ds, mb/da, da/ds
	printf "  samizdat peak RSS: %.1f MiB (goal < 16 MiB)\n", rss/1024
}'
