#!/bin/sh
# sandbox.sh - `samizdat sandbox-check` locks a process in as each face
# (and samizdat-doc) would be, then tries what it must not do: every
# attempt is stopped, by Landlock or by seccomp, while what the face
# needs still works.  Without the sandbox the same check fails, so it is
# not passing by itself.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

make_instance inst
"$SAMIZDAT" release create -d inst "The Papers" >/dev/null   # an archive
"$SAMIZDAT" forum -d inst board create "General" >/dev/null   # a forum
printf 'a memo about the bridge\n' >memo.txt

for f in source editor public; do
	"$SAMIZDAT" sandbox-check -d inst --face $f >$f.txt 2>$f.err
	check "every forbidden attempt by the $f face is stopped" test $? = 0
	sed 's/^/# /' $f.txt
done
denied() { grep -q "^$1: $2: denied" "$3"; }
check "the public face cannot read inbox.db" denied "public face" "read inbox.db" public.txt
check "...nor the instance's secret key" denied "public face" "read the instance's secret key" public.txt
check "...nor list the blob tree" denied "public face" "list the blob tree" public.txt
check "...nor write the archive" denied "public face" "write archive.db" public.txt
check "...nor write outside its folders" sh -c "
	grep -q '^public face: create a file in /tmp: denied' public.txt &&
	grep -q '^public face: create a file in the instance directory: denied' public.txt"
check "...nor connect out" denied "public face" "connect() out (to 127.0.0.1)" public.txt
check "...nor run a program" denied "public face" "execve /bin/true" public.txt
check "...nor trace a process" denied "public face" "ptrace its parent" public.txt
check "...and still reads the archive" \
	grep -q '^public face: read archive.db: allowed' public.txt
check "...and writes the forum's database, where members post" \
	grep -q '^public face: write forum.db: allowed' public.txt
check "the source face cannot write the forum's database" \
	denied "source face" "write forum.db" source.txt
check "the source face cannot read the archive nor the secret key file" sh -c "
	grep -q '^source face: read archive.db: denied' source.txt &&
	grep -q \"^source face: read the instance's secret key: denied\" source.txt"
check "...and still reaches the inbox" \
	grep -q '^source face: read inbox.db: allowed' source.txt
check "the editor face cannot run a program (its runner does, for it)" \
	denied "editor face" "execve /bin/true" editor.txt
check "a denied system call kills the process (seccomp)" \
	grep -q 'connect() out (to 127.0.0.1): denied (killed by seccomp)' public.txt

"$SAMIZDAT" sandbox-check -d inst --face doc --input memo.txt >doc.txt 2>doc.err
check "every forbidden attempt by samizdat-doc is stopped" test $? = 0
sed 's/^/# /' doc.txt
check "samizdat-doc has no network, no program, nothing of the inbox" sh -c "
	grep -q '^samizdat-doc: connect() out (to 127.0.0.1): denied' doc.txt &&
	grep -q '^samizdat-doc: execve /bin/true: denied' doc.txt &&
	grep -q '^samizdat-doc: read inbox.db: denied' doc.txt &&
	grep -q \"^samizdat-doc: read the instance's secret key: denied\" doc.txt"
check "...and reads its input and writes the archive" sh -c "
	grep -q '^samizdat-doc: read its input: allowed' doc.txt &&
	grep -q '^samizdat-doc: write archive.db: allowed' doc.txt"

# A hostile e-mail imported with --pgp-keys is parsed by a samizdat-doc
# that may run gpg: locked in as it is, it still cannot reach the inbox
# nor the network, nor run anything but gpg.
mkdir gtmp
TMPDIR="$PWD/gtmp" "$SAMIZDAT" sandbox-check -d inst --face doc --pgp \
	--input memo.txt >pgp.txt 2>pgp.err
check "every forbidden attempt by samizdat-doc checking PGP is stopped" \
	test $? = 0
sed 's/^/# /' pgp.txt
d="samizdat-doc (PGP)"
check "hostile document under the PGP profile cannot read the inbox" sh -c "
	grep -q '^$d: read inbox.db: denied' pgp.txt &&
	grep -q '^$d: list the blob tree: denied' pgp.txt &&
	grep -q \"^$d: read the instance's secret key: denied\" pgp.txt"
check "hostile document under the PGP profile cannot reach the network" \
	grep -q "^$d: connect() out (to 127.0.0.1): denied" pgp.txt
check "...nor run any program but gpg, which it may run" sh -c "
	grep -q '^$d: execve /bin/true: denied' pgp.txt &&
	grep -q '^$d: execute its one program: allowed' pgp.txt"
check "...and writes only its own GnuPG home, which is removed after" sh -c "
	grep -q '^$d: create a file in its own folder: allowed' pgp.txt &&
	grep -q '^$d: create a file in /tmp: denied' pgp.txt &&
	! ls -A gtmp | grep -q ."

SAMIZDAT_BENCH_UNSANDBOXED=1 "$SAMIZDAT" sandbox-check -d inst --face public \
	>off.txt 2>off.err
st=$?
check "without its sandbox the same check fails, naming what got through" sh -c "
	[ $st != 0 ] && grep -q '^public face: read inbox.db: allowed' off.txt"
check "...and running unsandboxed says so" grep -q 'WITHOUT its sandbox' off.err
finish
