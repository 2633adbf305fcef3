#!/bin/sh
# items.sh - inbox items against the standard tools: what a source sends
# comes back under its own name with `age -d | tar x` (GNU tar and bsdtar,
# with no warning) and with `samizdat decrypt -C`; a source's file names
# cannot reach outside the directory or hide what they are; and an item
# planted on the server (made with the real age tool, around a hostile
# tar) extracts nothing it should not.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
. "$here/../integration/lib.sh"

make_instance inst
start_server inst || { not_ok "the server starts"; finish; }
new_source jar

LONG="Rapport sur les réunions du comité — $(printf '%060d' 0 | sed 's/0/é/g').pdf"
head -c 3000000 /dev/urandom >big.bin
printf 'a short memo\n' >memo.txt
s=$(submit jar -F "message=Bonjour" -F "files=@memo.txt;filename=$LONG" \
	-F "files=@big.bin;filename=scan 2024 (1).tiff")
check "a message and two files are sent" test "$s" = 303
HOSTILE_ESC=$(printf 'esc\033[31mred.txt')
s=$(submit jar -F "files=@memo.txt;filename=../../etc/passwd" \
	-F "files=@memo.txt;filename=$HOSTILE_ESC" \
	-F "files=@memo.txt;filename=$(printf 'invoice\342\200\256fdp.exe')" \
	-F "files=@memo.txt;filename=.bashrc" -F "files=@memo.txt;filename=-rf")
check "files with hostile names are taken too" test "$s" = 303
commit inst
stop_server
ITEMS=$(find inst/blobs -name '*.age')
check "eight items are stored" test "$(echo "$ITEMS" | wc -l)" -eq 8

mkdir gnu bsd
for f in $ITEMS; do
	age -d -i inst.key "$f" | tar -x -C gnu 2>>gnu.err
	echo $? >>gnu.status
	age -d -i inst.key "$f" | bsdtar -x -C bsd -f - 2>>bsd.err
	echo $? >>bsd.status
done
check "age -d | tar x (GNU tar) gives back every file, and tar says nothing" \
	sh -c "! grep -qv '^0$' gnu.status && test ! -s gnu.err"
check "age -d | bsdtar -x does too" \
	sh -c "! grep -qv '^0$' bsd.status && test ! -s bsd.err"
for t in gnu bsd; do
	check "$t: the long UTF-8 name, the spaces and the contents come back exactly" \
		sh -c "cmp -s '$t/$LONG' memo.txt && cmp -s '$t/scan 2024 (1).tiff' big.bin &&
		test \"\$(cat $t/message.txt)\" = Bonjour"
	check "$t: hostile names stay in the directory, visible and harmless" \
		sh -c "cmp -s $t/passwd memo.txt && cmp -s '$t/esc_[31mred.txt' memo.txt &&
		cmp -s $t/invoicefdp.exe memo.txt && cmp -s $t/_.bashrc memo.txt &&
		cmp -s $t/_-rf memo.txt && test \$(ls -A $t | wc -l) -eq 8"
done
f=$(echo "$ITEMS" | head -1)
age -d -i inst.key "$f" | tar -tvf - >listing.txt
check "an item's tar records no owner, no time, and mode 0600" \
	grep -q '^-rw------- 0/0 .* 1970-01-01 00:00 ' listing.txt
age -d -i inst.key "$f" >plain.tar
check "its plaintext is whole tar blocks, padded (Padmé) past the end marker" \
	sh -c "test \$(( \$(stat -c %s plain.tar) % 512 )) -eq 0 &&
	test \$(stat -c %s plain.tar) -ge 2048"

mkdir one
"$SAMIZDAT" decrypt -i inst.key -C one $ITEMS >one.txt
check "samizdat decrypt -C does it in one step, and lists what came from which item" \
	sh -c "cmp -s 'one/$LONG' memo.txt && cmp -s 'one/scan 2024 (1).tiff' big.bin &&
	test \$(wc -l <one.txt) -eq 8 && grep -q '\.age: message.txt$' one.txt"
"$SAMIZDAT" decrypt -i inst.key -C one "$f" >/dev/null
check "...never over a file: a second copy gets a new name" \
	test "$(ls -A one | wc -l)" -eq 9
big=$(for i in $ITEMS; do [ "$(stat -c %s "$i")" -gt 1000000 ] && echo "$i"; done)
cp "$big" damaged.age
printf 'X' | dd of=damaged.age bs=1 seek=2000000 conv=notrunc 2>/dev/null
mkdir dmg
check "a damaged item fails, saying so" \
	sh -c "! '$SAMIZDAT' decrypt -i inst.key -C dmg damaged.age 2>dmg.err &&
	grep -q 'does not authenticate' dmg.err"
check "...and leaves no file behind, not even the part before the damage" \
	test -z "$(ls -A dmg)"

# Items planted on a seized server: anyone can encrypt to an editor's key.
python3 - <<'PY'
import io, tarfile
def item(name, members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for m, data in members:
            t.addfile(m, io.BytesIO(data) if data is not None else None)
    open(name, "wb").write(buf.getvalue())
def reg(n, data=b"planted\n"):
    m = tarfile.TarInfo(n); m.size = len(data); return m, data
def link(n, kind, target):
    m = tarfile.TarInfo(n); m.type = kind; m.linkname = target; return m, None
item("escape.tar", [reg("/tmp/evil-absolute"), reg("../../evil-dotdot"),
                    link("evil-symlink", tarfile.SYMTYPE, "/etc/passwd"),
                    link("evil-hardlink", tarfile.LNKTYPE, "/etc/passwd"),
                    reg("fine.txt")])
item("many.tar", [reg("f%02d" % i) for i in range(20)])
open("raw.bin", "wb").write(b"not a tar at all\n" * 40)
PY
R=$(cat inst.pub)
for p in escape many; do age -r "$R" -o "$p.age" "$p.tar"; done
age -r "$R" -o 2019-05-01-7-file.age raw.bin
mkdir planted
"$SAMIZDAT" decrypt -i inst.key -C planted escape.age >planted.out 2>planted.err
check "a planted tar cannot write outside the directory, or make links" \
	sh -c "test ! -e /tmp/evil-absolute && test ! -e ../evil-dotdot &&
	test -f planted/evil-absolute && test -f planted/evil-dotdot &&
	test -f planted/fine.txt && test ! -e planted/evil-symlink &&
	test ! -e planted/evil-hardlink && test -z \"\$(find planted -type l)\""
check "...and says what it skipped" \
	sh -c "grep -q 'skipped \"evil-symlink\"' planted.err && grep -q 'skipped \"evil-hardlink\"' planted.err"
mkdir many
check "an item holding more files than any item does is refused whole" \
	sh -c "! '$SAMIZDAT' decrypt -i inst.key -C many many.age 2>many.err &&
	grep -q 'more than 16 files' many.err && test -z \"\$(ls -A many)\""
mkdir raw
"$SAMIZDAT" decrypt -i inst.key -C raw 2019-05-01-7-file.age >/dev/null
check "an item that is not a tar (stored by an earlier version) comes out as it is, named after it" \
	cmp -s raw/2019-05-01-7-file raw.bin
finish
