#!/bin/sh
# mirror.sh - a mirror export follows the archive (a new release adds its
# pages and touches nothing else; an unpublished one is removed), and
# every attack on `samizdat mirror verify` fails clearly, with its own
# exit status, in bounded time and memory: tampered, missing and extra
# files, MANIFEST paths that climb out or are absolute, a symbolic link,
# a replayed older export, an expired one, claims a stolen key would make
# (an expiry decades ahead, a version near 2^63), another key's signature,
# truncated and garbage signatures, and mirrors over HTTP that serve
# 10 GB, never answer, or redirect to file:.  A release long enough
# for two threads to write its list has every page, each e-mail once.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
for tool in minisign python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		not_ok "$tool is installed (scripts/deps check)"
		finish
	fi
done

bridge_papers inst
"$SAMIZDAT" mirror keygen -d inst --no-passphrase >/dev/null 2>&1

# verify_status TARGET [OPTIONS...]: runs verify with the newsroom's key
# (at most 60 s), its output in v.out; prints its exit status.
verify_status() {
	target=$1
	shift
	timeout 60 "$SAMIZDAT" mirror verify -p inst/mirror.pub --state seen \
		"$@" "$target" >v.out 2>&1
	echo $?
}
# expect WHAT STATUS PATTERN TARGET [OPTIONS...]: verify exits with
# STATUS and, if PATTERN is not empty, says it.
expect() {
	what=$1 want=$2 pattern=$3
	shift 3
	got=$(verify_status "$@")
	if [ "$got" -eq "$want" ] && { [ -z "$pattern" ] || grep -q "$pattern" v.out; }
	then ok "$what"
	else
		not_ok "$what (exit $got)"
		sed 's/^/# /' v.out | head -5
	fi
}
# resign DIR COMMENT: signs DIR/MANIFEST again, with the newsroom's key,
# as a malicious signer (or a stolen key) would.
resign() {
	minisign -S -s inst/mirror.key -m "$1/MANIFEST" -t "$2" >/dev/null 2>&1
}
later=$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)

"$SAMIZDAT" mirror export -q -d inst out >export1.out 2>&1
check "a first export renders everything" \
	grep -q 'everything rendered), version 1,' export1.out
expect "mirror verify accepts it" 0 '' out
check "and says which archive and version it checked" \
	grep -q '^verified: samizdat archive, version 1, valid until' v.out

# ---- incremental ---------------------------------------------------------
before=$(stat -c %Y out/email/2.html)
sleep 1
"$SAMIZDAT" mirror export -q -d inst out >export2.out 2>&1
check "an export with nothing new writes nothing" \
	grep -q '(0 written, .* unchanged, 0 removed), version 2,' export2.out
echo "A second memo." >memo2.txt
"$SAMIZDAT" release create -d inst "Second" >/dev/null
"$SAMIZDAT" release add -d inst 2 memo2.txt >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst 2 >/dev/null
"$SAMIZDAT" mirror export -q -d inst out >export3.out 2>&1
written=$(sed -n 's/.*files (\([0-9]*\) written.*/\1/p' export3.out)
check "a new release writes its pages and the lists it joins, no more" \
	test "$written" -ge 5 -a "$written" -le 12
new=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["document_page"]["items"][0]["id"])' out/api/v1/releases/2.json)
check "its document is in the copy" test -s out/doc/$new.html
check "its file is in the copy" test -s out/file/$new
check "pages it does not touch are left as they were" \
	test "$(stat -c %Y out/email/2.html)" -eq "$before"
expect "the copy verifies" 0 '' out
"$SAMIZDAT" release unpublish -d inst 2 >/dev/null
"$SAMIZDAT" mirror export -q -d inst out >export4.out 2>&1
check "an unpublished release's files are removed" \
	sh -c "! test -e out/doc/$new.html && ! test -e out/file/$new && ! test -e out/release/2.html"
check "the export says it removed them" \
	grep -Eq ' [1-9][0-9]* removed\)' export4.out
expect "the copy still verifies, with nothing unlisted left" 0 '' out
check "and sha256sum -c agrees" sh -c 'cd out && sha256sum -c --quiet MANIFEST'
check "an export refuses a folder it did not write" \
	sh -c 'mkdir other && echo x >other/x && ! "$SAMIZDAT" mirror export -q -d inst other 2>err && grep -q "not empty" err'

# ---- attacks on a folder -------------------------------------------------
cp -a out t1
printf 'XXXX' | dd of=t1/email/2.html bs=1 seek=100 conv=notrunc 2>/dev/null
expect "a tampered file: exit 7, naming it" 7 '^TAMPERED: email/2.html' t1
cp -a out t2
rm t2/file/1
expect "a missing file: exit 8, naming it" 8 '^MISSING: file/1' t2
cp -a out t3
echo '<script>evil()</script>' >t3/extra.html
expect "a file that is not listed: exit 9, naming it" 9 '^NOT LISTED: extra.html' t3
check "sha256sum alone would not have seen it" \
	sh -c 'cd t3 && sha256sum -c --quiet MANIFEST'
cp -a out t4
{ echo "$(sha256sum /etc/hostname | cut -c1-64)  ../../etc/hostname"
  cat out/MANIFEST; } >t4/MANIFEST
resign t4 "archive:samizdat archive	version:1000	expires:$later"
expect "a signed MANIFEST with a path that climbs out: exit 6, nothing read" 6 'climbs out' t4 --no-record
cp -a out t5
{ echo "$(sha256sum /etc/hostname | cut -c1-64)  /etc/hostname"
  cat out/MANIFEST; } >t5/MANIFEST
resign t5 "archive:samizdat archive	version:1000	expires:$later"
expect "a signed MANIFEST with an absolute path: exit 6" 6 '' t5 --no-record
cp -a out t6
rm t6/file/1
ln -s /etc/passwd t6/file/1
expect "a symbolic link in the copy: exit 6, never followed" 6 'symbolic link' t6
cp -a out t6b
mv t6b/email t6b/elsewhere
ln -s elsewhere t6b/email
expect "a symbolic link to a folder of the copy: exit 6" 6 '' t6b
cp -a out old
"$SAMIZDAT" mirror export -q -d inst out >/dev/null 2>&1
expect "the next export verifies (and its version is remembered)" 0 '' out
expect "a replayed older export: exit 5, rolled back" 5 'rolled back' old
check "minisign alone would have accepted the replay" \
	sh -c 'cd old && minisign -Vqm MANIFEST -p ../inst/mirror.pub'
cp -a out t8
resign t8 "archive:samizdat archive	version:1000	expires:2020-01-01T00:00:00Z"
expect "an expired export: exit 4, frozen" 4 'expired' t8 --no-record
# A stolen or misused key: claims no genuine export makes are refused,
# and never remembered, so they lock no later genuine copy out.
cp -a out t8b
resign t8b "archive:samizdat archive	version:1000	expires:$(date -u -d '+20 years' +%Y-%m-%dT%H:%M:%SZ)"
expect "stolen key signs a copy that never expires: exit 10, implausible" 10 'stolen or misused' t8b
cp -a out t8c
resign t8c "archive:samizdat archive	version:9223372036854775000	expires:$later"
expect "stolen key signs a version near 2^63 to lock genuine ones out: exit 10" 10 'more than 2^32 above' t8c
expect "...and was not remembered: the genuine copy still verifies" 0 '' out
check "the state kept the genuine version" \
	sh -c '! grep -q 9223372036854775000 seen'
fails "mirror export never signs an expiry beyond 400 days" \
	"$SAMIZDAT" mirror export -q -d inst --expiry-days 401 out
sed -i 's/^mirror_expiry_days = .*/mirror_expiry_days = 3650/' inst/samizdat.conf
fails "nor with mirror_expiry_days set beyond it" \
	"$SAMIZDAT" mirror export -q -d inst out
sed -i 's/^mirror_expiry_days = .*/mirror_expiry_days = 30/' inst/samizdat.conf
cp -a out t9
minisign -G -W -p other.pub -s other.key >/dev/null 2>&1
minisign -S -s other.key -m t9/MANIFEST \
	-t "archive:samizdat archive	version:1000	expires:$later" >/dev/null 2>&1
expect "a signature by another key: exit 3" 3 'not by the given key' t9
cp -a out t10
head -c 100 out/MANIFEST.minisig >t10/MANIFEST.minisig
expect "a truncated signature: exit 3" 3 '' t10
cp -a out t11
head -c 300 /dev/urandom >t11/MANIFEST.minisig
expect "a garbage signature: exit 3" 3 '' t11
cp -a out t12
rm t12/MANIFEST.minisig
expect "no signature at all: exit 3" 3 '' t12
cp -a out t13
echo "$(sha256sum out/index.html | cut -c1-64)  zz-added.html" >>t13/MANIFEST
cp out/index.html t13/zz-added.html
expect "a MANIFEST altered after signing: exit 3" 3 '' t13

# ---- over HTTP -----------------------------------------------------------
# serve MODE DIR: a mirror on loopback (mirror_server.py); sets MURL, MPID.
serve() {
	rm -f srv.fifo
	mkfifo srv.fifo
	python3 "$here/mirror_server.py" "$1" "$2" >srv.fifo 2>srv.err &
	MPID=$!
	MURL=$(timeout 20 head -n 1 srv.fifo)
}
unserve() {
	kill "$MPID" 2>/dev/null
	wait "$MPID" 2>/dev/null
}
# rss_status URL OPTIONS...: verify's exit status and its peak memory
# (KiB), "STATUS KIB".
rss_status() {
	python3 - "$SAMIZDAT" "$@" <<'PY'
import resource, subprocess, sys
r = subprocess.run([sys.argv[1], "mirror", "verify", "-p", "inst/mirror.pub",
    "--state", "seen"] + sys.argv[3:] + [sys.argv[2]],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
serve honest out
expect "a mirror over HTTP verifies" 0 '' "$MURL"
unserve
cp -a out t1h
printf 'XXXX' | dd of=t1h/email/2.html bs=1 seek=100 conv=notrunc 2>/dev/null
serve honest t1h
expect "a tampered mirror over HTTP: exit 7, naming the file" 7 \
	'^TAMPERED: email/2.html' "$MURL"
unserve
serve huge out
set -- $(rss_status "$MURL" --max-file-mb 4 --max-manifest-mb 4)
check "a mirror serving 10 GB files: exit 1, each stopped at the cap" \
	test "$1" -eq 1
check "in bounded memory (peak $2 KiB)" test "$2" -lt 120000
start=$(date +%s)
set -- $(rss_status "$MURL" --max-file-mb 4 --max-manifest-mb 4 --max-total-mb 8)
check "with a total cap, it stops after that much in all (exit 1)" \
	test "$1" -eq 1 -a $(( $(date +%s) - start )) -lt 30
unserve
serve silent out
start=$(date +%s)
expect "a mirror that never answers: exit 1" 1 '' "$MURL" --timeout 2
check "after the timeout, not forever ($(( $(date +%s) - start )) s)" \
	test $(( $(date +%s) - start )) -lt 20
unserve
serve redirect out
expect "a redirect to file: is refused: exit 1" 1 'redirect' "$MURL"
unserve
# The attack: a hostile mirror redirects the reader's verify to an address
# of its choosing (the reader's own loopback or network): only redirects
# to the same scheme, host and port are followed, and the refusal names
# where it was sent.
serve elsewhere out
expect "verify_redirected_to_another_host: refused, naming it: exit 1" 1 \
	'redirect to another scheme, host or port (http://localhost:' "$MURL"
unserve
serve moved out
expect "...while a redirect within the mirror's own host is followed: exit 0" \
	0 '' "$MURL"
unserve
expect "a URL of another scheme is no mirror: verify takes it for a folder" 1 '' file:///etc
# On a terminal, a long export says how far it is (script(1) gives it one).
script -qec "\"$SAMIZDAT\" mirror export -d inst tty-out" /dev/null \
	>tty.out 2>&1
check "on a terminal, an export shows its progress" \
	grep -q 'export: [0-9]* of [0-9]* pages and lists, [0-9]* files written' tty.out
"$SAMIZDAT" mirror export -d inst quiet-out >quiet.out 2>&1
check "and prints no progress line when it is not on one" \
	sh -c "! grep -q 'pages and lists' quiet.out"

# The attack: whoever may write where an export is served (a web
# server's user, a sync tool) swaps a folder of it for a link to a
# folder of theirs elsewhere; the next export (run as the newsroom,
# often root from cron) must not write, rename or remove through it.
"$SAMIZDAT" mirror export -q -d inst planted >/dev/null 2>&1
mkdir victim
mv planted/release planted-release
ln -s "$PWD/victim" planted/release
"$SAMIZDAT" release create -d inst "Third" >/dev/null
"$SAMIZDAT" release add -d inst 3 memo2.txt >/dev/null 2>&1
"$SAMIZDAT" release publish -d inst 3 >/dev/null
"$SAMIZDAT" mirror export -q -d inst planted >planted.out 2>&1
st=$?
check "export_through_planted_symlink: nothing is written outside the export" \
	test -z "$(ls -A victim)"
check "...and the export fails, naming the folder that is a link" sh -c "
	test $st -ne 0 && grep -q 'release in the export is not a folder' planted.out"
"$SAMIZDAT" release unpublish -d inst 3 >/dev/null
rm planted/release
"$SAMIZDAT" mirror export -q -d inst planted >planted2.out 2>&1
check "...nor removed through it when a release goes" test -z "$(ls -A victim)"

# The attack: the same writer plants FIFOs where the next export opens
# files: its MANIFEST's and signature's temporary names, a page's, and
# the signature it reads back.  Opening a FIFO waits for the other end
# forever, so every later export hung.  Now what is planted at a
# temporary name is removed and the file made anew (O_EXCL), and only a
# plain file is read back.
"$SAMIZDAT" mirror export -q -d inst fifos >/dev/null 2>&1
mkfifo fifos/.MANIFEST.tmp fifos/.MANIFEST.minisig.tmp \
	fifos/.index.html.tmp
"$SAMIZDAT" release publish -d inst 3 >/dev/null
timeout 60 "$SAMIZDAT" mirror export -q -d inst fifos >fifo.out 2>&1
st=$?
check "export_into_planted_fifos: the export ends, and succeeds" test $st -eq 0
check "...and the copy it made verifies" sh -c "
	cd fifos && sha256sum -c --quiet MANIFEST >/dev/null 2>&1 &&
	! ls -A | grep -q '\.tmp\$'"
mv fifos/MANIFEST.minisig fifos/sig.keep
mkfifo fifos/MANIFEST.minisig
timeout 60 "$SAMIZDAT" mirror export -q -d inst fifos >fifo2.out 2>&1
check "...and a FIFO in place of its signature stalls nothing" \
	test $? -ne 124

# A release whose list is long enough for two threads to write its pages
# (EXPORT_LIST_SPLIT): 400 e-mails, 20 pages of 20, in HTML and JSON.
make_instance long
# The forum exists from the start ('release remove' opens it): a forum
# that appears between two exports is another matter than this test's.
"$SAMIZDAT" forum -d long board list >/dev/null 2>&1
python3 - <<'PY' >long.mbox
for i in range(400):
    print(f"From a{i}@example.org Mon Mar  4 10:00:00 2024")
    print(f"From: Sender {i} <a{i}@example.org>")
    print("To: Desk <desk@example.net>")
    print(f"Subject: Payment {i}")
    print(f"Date: Mon, 4 Mar 2024 10:{i // 60:02d}:{i % 60:02d} +0000")
    print(f"Message-ID: <{i}@example.org>")
    print()
    print(f"Payment number {i}.")
    print()
PY
"$SAMIZDAT" release create -d long "Payments" >/dev/null
"$SAMIZDAT" release add -d long 1 long.mbox >/dev/null 2>&1
"$SAMIZDAT" release publish -d long 1 >/dev/null
"$SAMIZDAT" mirror keygen -d long --no-passphrase >/dev/null 2>&1
"$SAMIZDAT" mirror export -qv -d long long-out >long.out 2>&1
# listed FORMAT: the e-mails the list's pages name, page after page
listed() {
	python3 - "$1" <<'PY'
import json, os, re, sys
base = "long-out/release/1" if sys.argv[1] == "html" else \
    "long-out/api/v1/releases/1"
ext = ".html" if sys.argv[1] == "html" else ".json"
ids, n = [], 1
while True:
    f = base + ext if n == 1 else f"{base}/page/{n}{ext}"
    if not os.path.exists(f):
        break
    text = open(f).read()
    if ext == ".html":
        ids += [int(m) for m in re.findall(r'href="[./]*email/(\d+)\.html"',
                                            text)]
    else:
        ids += [e["id"] for e in json.loads(text)["email_page"]["items"]]
    n += 1
print(n - 1, len(ids), len(set(ids)), ids == sorted(ids))
PY
}
check "a long release: all 20 pages of its list are in the copy, each e-mail once, in order" \
	test "$(listed html)" = "20 400 400 True"
check "...and all 20 pages of its JSON list" \
	test "$(listed json)" = "20 400 400 True"
check "...and the copy verifies" sh -c 'cd long-out && sha256sum -c --quiet MANIFEST'
check "export --verbose says where the time went, phase by phase" \
	grep -Eq '^seconds by phase: queue [0-9.]+ documents [0-9.]+ .* commit [0-9.]+$' long.out
# An e-mail removed: the pages that linked it as previous or next link
# its neighbours now (an incremental export once left them linking a page
# it removed).
gone=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["email_page"]["items"][5]["id"])' long-out/api/v1/releases/1.json)
"$SAMIZDAT" release remove -d long 1 "$gone" >/dev/null 2>&1
"$SAMIZDAT" mirror export -q -d long long-out >long2.out 2>&1
check "removed_email_leaves_no_link: no page of the copy links the removed e-mail" \
	sh -c "test ! -e long-out/email/$gone.html && ! grep -rlq 'email/$gone\.html' long-out"
"$SAMIZDAT" mirror export -q -d long --state fresh.db long-fresh >/dev/null 2>&1
check "...and the copy is the one a first export makes" \
	diff -r -x MANIFEST.minisig long-out long-fresh

# A forum started after an export changes every page of the archive (its
# discussion); the next export is a whole one, not one that leaves the
# pages as they were without it.  On either engine: forum.db appears on
# SQLite, the forum's schema in the database on PostgreSQL.
make_instance nf || exit 1
"$SAMIZDAT" release create -d nf "Memos" >/dev/null
"$SAMIZDAT" release add -d nf 1 memo2.txt >/dev/null 2>&1
"$SAMIZDAT" release publish -d nf 1 >/dev/null
"$SAMIZDAT" mirror keygen -d nf --no-passphrase >/dev/null 2>&1
"$SAMIZDAT" mirror export -q -d nf nf-out >/dev/null 2>&1
# The export only asks whether there is a forum (forum.db on SQLite, its
# schema in the database on PostgreSQL): it never makes one.
no_forum() {
	test ! -e nf-out/forum.html || return 1
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		test "$(db_rows nf forum "select count(*) from schema_version where part = 'forum'")" = 0
	else
		test ! -e nf/forum.db
	fi
}
check "an export of an instance with no forum makes none" no_forum
"$SAMIZDAT" forum -d nf board create General --about Anything >/dev/null
"$SAMIZDAT" mirror export -d nf nf-out >nf.out 2>&1
check "...and the first export after the forum started renders everything" \
	grep -q 'everything rendered' nf.out
"$SAMIZDAT" mirror export -q -d nf --state nf-fresh.db nf-fresh >/dev/null 2>&1
check "forum_started_after_an_export: the next export is the one a first export makes" \
	sh -c "test -e nf-fresh/forum.html && diff -r -x MANIFEST.minisig nf-out nf-fresh"
finish
