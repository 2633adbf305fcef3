#!/bin/sh
# cli.sh - what a user of `samizdat keygen|encrypt|decrypt` sees: exit
# statuses, messages that say what failed, key files that stay private,
# and outputs that never exist half-written.
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

check "samizdat --help lists the commands" sh -c "'$S' --help | grep -q encrypt"
for cmd in keygen encrypt decrypt; do
	check "samizdat $cmd --help explains itself" \
		sh -c "'$S' $cmd --help | grep -q Usage"
done
"$S" nonsense >/dev/null 2>&1
check "an unknown command exits 2" test $? -eq 2

"$S" keygen -o me.key >me.pub
check "keygen -o prints the recipient" grep -qx 'age1[a-z0-9]\{58\}' me.pub
check "keygen -o writes the identity with mode 0600" \
	test "$(stat -c %a me.key)" = 600
check "the identity file names its public key in a comment" \
	grep -qx "# public key: $(cat me.pub)" me.key
fails "keygen refuses to overwrite an existing identity" "$S" keygen -o me.key
check "...and the existing identity is unchanged" \
	sh -c "'$S' keygen -y me.key | cmp - me.pub"
check "keygen without -o writes the identity to stdout" \
	sh -c "'$S' keygen 2>/dev/null | grep -q '^AGE-SECRET-KEY-1'"
"$S" keygen -o other.key >other.pub

head -c 300000 /dev/urandom >plain
"$S" encrypt -r "$(cat me.pub)" -o c.age plain

"$S" encrypt plain >/dev/null 2>err.txt
check "encrypt without a recipient exits 2" test $? -eq 2
check "...and says how to give one" grep -q -- '-r' err.txt
"$S" encrypt -r age1notakey plain >/dev/null 2>err.txt
check "a malformed recipient exits 2 and is named" \
	sh -c "test $? -eq 2 && grep -q 'age1notakey' err.txt"

"$S" decrypt -i other.key -o out c.age 2>err.txt
check "decrypting with the wrong identity exits 1" test $? -eq 1
check "...says no identity matched" grep -q 'no identity matched' err.txt
check "...and leaves no output file" test ! -e out

"$S" decrypt -i me.pub c.age >/dev/null 2>err.txt
check "giving a recipient as -i explains the mistake" \
	grep -q 'recipient (public key), not an identity' err.txt

# A corrupted payload: flip a byte in the middle of the second chunk.
cp c.age bad.age
size=$(stat -c %s c.age)
# flip_byte FILE OFFSET: changes one byte, whatever it was
flip_byte() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $(( (b + 1) % 256 )))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
flip_byte bad.age $((size - 70000))
check "...the damaged copy really differs" sh -c "! cmp -s c.age bad.age"
echo "previous contents" >existing
"$S" decrypt -i me.key -o existing bad.age 2>err.txt
check "a corrupted payload exits 1" test $? -eq 1
check "...says the payload is corrupted" grep -q 'corrupted' err.txt
check "...and leaves an existing output file as it was" \
	grep -qx "previous contents" existing
check "...with no temporary file left beside it" \
	sh -c "! ls -A | grep -q '^\.existing\.'"

head -c $((size - 100)) c.age >short.age
"$S" decrypt -i me.key -o out short.age 2>err.txt
check "a truncated file exits 1, saying so" \
	sh -c "test $? -eq 1 && grep -q 'truncated' err.txt && test ! -e out"

sed '2s/^-> X25519 ./-> X25519 !/' c.age >hdr.age
"$S" decrypt -i me.key hdr.age >/dev/null 2>err.txt
check "a corrupted header exits 1, saying so" \
	sh -c "test $? -eq 1 && grep -qi 'header\|stanza' err.txt"

# Starts of files that are not age: a zip, a PDF, PGP armor, spaces.
i=0
for start in 'PK\003\004 a zip' '%PDF-1.7' '-----BEGIN PGP MESSAGE-----' '  \n\tspaces'; do
	i=$((i + 1))
	printf '%b\nmore bytes\n' "$start" >notage.$i
	"$S" decrypt -i me.key notage.$i >/dev/null 2>err.txt
	check "a file that is not age at all is named as such (case $i)" \
		grep -q 'not an age file' err.txt
done
check "...the PDF case really began with %PDF" grep -q '^%PDF-1.7' notage.2

check "decrypt writes to a device such as /dev/null" \
	"$S" decrypt -i me.key -o /dev/null c.age

# Interrupted half-way: the temporary output must disappear.
mkfifo slow
( head -c 100000 c.age; sleep 30 ) >slow &
feeder=$!
"$S" decrypt -i me.key -o interrupted slow 2>/dev/null &
pid=$!
i=0
while [ $i -lt 100 ] && ! ls -A | grep -q '^\.interrupted\.'; do
	sleep 0.1; i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
kill $feeder 2>/dev/null
check "an interrupted decryption leaves neither output nor temporary file" \
	sh -c "test ! -e interrupted && ! ls -A | grep -q '^\.interrupted\.'"

if command -v script >/dev/null; then
	script -qec "'$S' encrypt -r $(cat me.pub) plain" /dev/null >tty.txt 2>&1
	check "binary ciphertext is not written to a terminal" \
		grep -q 'refusing to write binary' tty.txt
fi

finish
