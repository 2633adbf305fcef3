#!/bin/sh
# mirror.sh - a mirror export against the tools a reader has instead of
# samizdat: minisign (its keys sign samizdat's exports, and samizdat's
# keys sign with it, encrypted or not), sha256sum, and two BitTorrent
# clients (aria2c checks every piece of the export against the torrent,
# offline; transmission-show reads it).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
. "$here/../integration/lib.sh"
for tool in minisign aria2c transmission-show python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		not_ok "$tool is installed (scripts/deps check)"
		finish
	fi
done

bridge_papers inst

# Key layouts, byte for byte but for the random parts.
"$SAMIZDAT" mirror keygen -d inst --no-passphrase >pub.line 2>/dev/null
minisign -G -W -p w.pub -s w.key >/dev/null 2>&1
layout() {
	python3 - "$1" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().splitlines()
raw = bytearray(base64.b64decode(lines[1]))
raw[54:126] = bytes(72)          # keynum and secret key: random
print(lines[0]); print(raw.hex())
PY
}
layout inst/mirror.key >ours.layout
layout w.key >theirs.layout
check "mirror keygen --no-passphrase writes what minisign -G -W writes" \
	cmp ours.layout theirs.layout
check "the public key file is minisign's (its comment names the key id)" \
	grep -Eqx 'untrusted comment: minisign public key [0-9A-F]{16}' inst/mirror.pub
check "keygen prints the public key line a newsroom publishes" \
	sh -c 'test "$(cat pub.line)" = "$(tail -n 1 inst/mirror.pub)"'

"$SAMIZDAT" mirror export -q -d inst out >export.out 2>&1
check "the export succeeds" grep -q '^exported out: ' export.out
check "sha256sum -c passes inside the export" \
	sh -c 'cd out && sha256sum -c --quiet MANIFEST'
check "the MANIFEST is sorted, as its format says" \
	sh -c 'cut -c67- out/MANIFEST | LC_ALL=C sort -c'
check "minisign verifies the MANIFEST with samizdat's public key" \
	sh -c 'cd out && minisign -Vm MANIFEST -p ../inst/mirror.pub >../v.out'
check "minisign shows the signed archive, version and expiry" \
	grep -Eq 'Trusted comment: archive:samizdat archive	version:1	expires:[0-9-]+T' v.out
check "minisign verifies with the key given inline (-P)" \
	sh -c 'cd out && minisign -Vm MANIFEST -P "$(cat ../pub.line)" -q'

# minisign's keys sign samizdat's exports, and samizdat checks minisign's
# signatures.
check "samizdat exports with a key minisign made" \
	"$SAMIZDAT" mirror export -q -d inst -s w.key --state w.state out2
check "minisign verifies that export" \
	sh -c 'cd out2 && minisign -Vqm MANIFEST -p ../w.pub'
check "samizdat verifies it with minisign's public key" \
	"$SAMIZDAT" mirror verify -q --state seen -p w.pub out2
expires=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
minisign -S -s w.key -m out2/MANIFEST \
	-t "archive:signed by minisign	version:77	expires:$expires" \
	>/dev/null 2>&1
check "samizdat accepts a MANIFEST that minisign signed" \
	sh -c "\"\$SAMIZDAT\" mirror verify --state seen -p w.pub out2 | grep -q 'verified: signed by minisign, version 77'"

# Encrypted keys, both ways (minisign's scrypt cost: a few seconds each).
printf 'a passphrase for the mirror\n' >pass
"$SAMIZDAT" mirror keygen -d inst -f --passphrase-file pass -s enc.key \
	-p enc.pub >/dev/null 2>&1
echo "a file" >file.txt
check "minisign signs with samizdat's encrypted key, given its passphrase" \
	sh -c 'minisign -S -s enc.key -m file.txt <pass >/dev/null 2>&1'
check "and minisign verifies that signature" \
	minisign -Vqm file.txt -p enc.pub
printf 'another passphrase\nanother passphrase\n' | \
	minisign -G -p m.pub -s m.key >/dev/null 2>&1
printf 'another passphrase\n' >mpass
check "samizdat exports with minisign's encrypted key" \
	"$SAMIZDAT" mirror export -q -d inst -s m.key --passphrase-file mpass \
	--state m.state out3
check "and minisign verifies that export" \
	sh -c 'cd out3 && minisign -Vqm MANIFEST -p ../m.pub'
fails "a wrong passphrase signs nothing" \
	"$SAMIZDAT" mirror export -q -d inst -s m.key --passphrase-file pass \
	--state m.state out3

# The torrent.
"$SAMIZDAT" mirror torrent --web-seed http://mirror.example/out/ out \
	>magnet 2>torrent.err
check "mirror torrent prints a magnet link" \
	grep -Eq '^magnet:\?xt=urn:btih:[0-9a-f]{40}&dn=out&ws=' magnet
transmission-show out.torrent >show.out 2>&1
check "transmission-show reads the torrent" grep -q '^  Name: out' show.out
check "it lists the export's files, MANIFEST and signature included" \
	sh -c 'grep -q "out/MANIFEST.minisig" show.out && grep -q "out/email/2.html" show.out'
check "its web seed points at the mirror's folder (BEP 19)" \
	grep -q 'http://mirror.example/$' show.out
hash=$(sed -n 's/^  Hash: //p' show.out)
check "the magnet link carries the torrent's info hash" grep -q "btih:$hash" magnet
cp out.torrent first.torrent
"$SAMIZDAT" mirror torrent --web-seed http://mirror.example/out/ out \
	>/dev/null 2>&1
check "the same export makes the same torrent" cmp first.torrent out.torrent
aria() {
	timeout 60 aria2c --check-integrity=true --seed-time=0 \
		--bt-enable-lpd=false --enable-dht=false --enable-dht6=false \
		--enable-peer-exchange=false --bt-stop-timeout=2 \
		--max-connection-per-server=1 --console-log-level=error \
		--summary-interval=0 --dir="$1" "$2" >aria.out 2>&1
}
"$SAMIZDAT" mirror torrent out -o plain.torrent >/dev/null 2>&1
aria "$WORK" plain.torrent
check "aria2c checks every piece of the export against the torrent, offline" \
	grep -Eq '\|OK  \|' aria.out
cp -a out copy
# Altered in place: same length (a client truncates what grew).
printf 'XXXX' | dd of=copy/doc/1.html bs=1 seek=200 conv=notrunc 2>/dev/null
mkdir tampered && mv copy tampered/out
fails "a torrent is not made of a file the MANIFEST does not vouch for" \
	"$SAMIZDAT" mirror torrent tampered/out -o bad.torrent
aria "$WORK/tampered" plain.torrent
check "aria2c finds the piece of a tampered file wrong" \
	sh -c '! grep -Eq "\|OK  \|" aria.out' 
fails "a web seed that is not the export's folder is refused" \
	"$SAMIZDAT" mirror torrent --web-seed http://mirror.example/elsewhere/ \
	out -o bad.torrent
finish
