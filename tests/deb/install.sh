#!/bin/sh
# tests/deb/install.sh [--build] DEBDIR - the Debian package as an operator
# meets it.  `make deb-check` runs it after `make deb`; `make check` runs
# it with --build, which first builds the package into DEBDIR as `make
# deb` does.
#
# lintian finds no error, and the .deb holds the expected files with the
# expected modes.  Then dpkg installs it into a throw-away root: an
# overlay of this machine's own root, in private mount and network
# namespaces, so nothing here changes and the default ports are free.
# Its maintainer scripts make the samizdat user and the instance.
# samizdat serve runs as the unit says: as that user, without privileges,
# in the unit's file-system sandbox made with mounts, under the unit's
# seccomp filters (unit_seccomp, $SZ_UNIT_SECCOMP).  A source's submission
# goes through it with curl and decrypts with the editor's key; a
# document goes through samizdat-doc into the public archive; the journal
# (serve's output) says nothing about either.  Then an upgrade keeps the
# data, a removal keeps it, and a purge removes it and the user.
#
# Needs root, unshare and overlayfs (without them it skips).  Nothing of
# the throw-away root survives the test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != --inside ]; then
	build=false
	if [ "${1:-}" = --build ]; then
		build=true
		shift
	fi
	if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net true 2>/dev/null; then
		echo "1..0 # SKIP needs root, and mount and network namespaces"
		exit 0
	fi
	for tool in dpkg-buildpackage dh lintian help2man; do
		if $build && ! command -v "$tool" >/dev/null; then
			echo "1..0 # SKIP no $tool: scripts/deps deb installs it"
			exit 0
		fi
	done
	mkdir -p "${1:-build-deb}"
	exec unshare --mount --net --propagation private "$0" --inside \
		"$build" "$(realpath "${1:-build-deb}")"
fi
build=$2
debdir=$3
SAMIZDAT=$debdir
. "$here/../interop/tap.sh"
. "$here/../integration/lib.sh"
. "$here/lib.sh"
# The throw-away root is mounted under $WORK: unmount it before tap.sh's
# clean-up, and never let that cross into another file system.
root=$WORK/root
service=$WORK/service
cleanup() {
	cd /
	for m in var/tmp tmp var/lib/samizdat dev proc home root; do
		umount -l "$service/$m" 2>/dev/null
	done
	umount -l "$service" 2>/dev/null
	for m in run tmp proc dev; do umount -l "$root/$m" 2>/dev/null; done
	umount -l "$root" 2>/dev/null
	umount -l "$WORK/ovl" 2>/dev/null
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# --- the package file -------------------------------------------------

if [ "$build" = true ]; then
	check "the package builds with dpkg-buildpackage -b -us -uc" \
		"$here/../../scripts/deb" "$debdir"
fi
deb=$(ls "$debdir"/samizdat_*_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	not_ok "there is a samizdat_*.deb in $debdir (make deb)"
	finish
fi
changes=$(ls "$(dirname "$deb")"/samizdat_*.changes 2>/dev/null | head -1)
# lintian exits non-zero on an error tag, or when it cannot check.
lintian --pedantic --display-info --display-experimental \
	--tag-display-limit 0 "${changes:-$deb}" >lintian.txt 2>&1
lintian_status=$?
check "lintian reports no error" sh -c "
	[ $lintian_status -eq 0 ] && ! grep -q '^E:' lintian.txt || { cat lintian.txt; exit 1; }"
sed -n 's/^\([WIPX]\):/# lintian \1:/p' lintian.txt

dpkg-deb -c "$deb" | awk '{ sub(/^\.\//, "", $6); print $1, $2, $6 }' >contents
has() { grep -qx -- "$1 root/root ${2#/}" contents; }
check "samizdat is /usr/bin/samizdat, mode 0755, root's" \
	has -rwxr-xr-x /usr/bin/samizdat
check "samizdat-doc is in /usr/libexec/samizdat, not on PATH" sh -c "
	grep -qx -- '-rwxr-xr-x root/root usr/libexec/samizdat/samizdat-doc' contents &&
	! grep -q 'usr/bin/samizdat-doc' contents"
check "the settings are /etc/samizdat/samizdat.conf, a conffile" sh -c "
	grep -qx -- '-rw-r--r-- root/root etc/samizdat/samizdat.conf' contents &&
	dpkg-deb -I '$deb' conffiles | grep -qx /etc/samizdat/samizdat.conf"
check "the unit is /lib/systemd/system/samizdat.service" \
	has -rw-r--r-- /lib/systemd/system/samizdat.service
check "the guides and the licence are in /usr/share/doc/samizdat" sh -c "
	for f in README.md copyright docs/operations.md docs/threat-model.md; do
		grep -qx -- \"-rw-r--r-- root/root usr/share/doc/samizdat/\$f\" contents || exit 1
	done"
check "the package ships no data: the instance is made when installing" \
	sh -c "! grep -q ' var/' contents"
check "every file belongs to root and nothing is setuid or writable by others" \
	sh -c "! awk '\$2 != \"root/root\" || \$1 ~ /^...s|^......s|^........w/' contents | grep -q ."
mkdir x
dpkg-deb -x "$deb" x
x/usr/bin/samizdat --help | sed -n 's/^  \([a-z]*\)  .*/\1/p' >commands
check "the package's samizdat lists its commands" test -s commands
missing=""
for c in "" $(sed 's/^/-/' commands); do
	grep -qx -- "-rw-r--r-- root/root usr/share/man/man1/samizdat$c.1.gz" \
		contents || missing="$missing samizdat$c.1"
done
check "a man page for samizdat and for each of its commands${missing:+ (missing:$missing)}" \
	test -z "$missing"
summary=$(x/usr/bin/samizdat --help | sed -n 's/^  serve  *//p')
zcat x/usr/share/man/man1/samizdat-serve.1.gz >serve.1
check "the man pages read as the programs' own help" sh -c "
	grep -qF 'samizdat-serve \\- $summary' serve.1 && grep -q 'listen' serve.1"

# --- a throw-away root: this machine's own, overlaid --------------------

mkdir -p "$WORK/ovl" "$root"
mount -t tmpfs -o mode=0755 tmpfs "$WORK/ovl"
mkdir "$WORK/ovl/upper" "$WORK/ovl/work"
if ! mount -t overlay overlay -o \
	"lowerdir=/,upperdir=$WORK/ovl/upper,workdir=$WORK/ovl/work" "$root"; then
	skip "the install tests" "overlayfs is not available here"
	finish
fi
# Its own /dev, with the few nodes a service sees under PrivateDevices=.
mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9; do
	# shellcheck disable=SC2046
	set -- $(echo "$node" | tr : ' ')
	mknod -m 666 "$root/dev/$1" c "$2" "$3"
done
ln -s /proc/self/fd "$root/dev/fd"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
ip link set lo up
in_root() { chroot "$root" "$@"; }
# As the samizdat user, without privileges, as the unit says (User=,
# NoNewPrivileges=, CapabilityBoundingSet= empty, UMask=).
cat >as-samizdat <<EOF
#!/bin/sh
exec chroot '$root' setpriv --reuid=samizdat --regid=samizdat --init-groups \
	--no-new-privs --bounding-set=-all --inh-caps=-all -- \
	/bin/sh -c 'umask 0077; exec "\$@"' sh "\$@"
EOF
chmod +x as-samizdat
if in_root dpkg-query -W samizdat >/dev/null 2>&1; then
	in_root dpkg --purge samizdat >/dev/null 2>&1
fi
check "this machine has no samizdat user of its own" \
	sh -c "! chroot '$root' getent passwd samizdat"

DEBIAN_FRONTEND=noninteractive dpkg --root="$root" -i "$deb" >dpkg-i.txt 2>&1
check "dpkg installs the package and runs its maintainer scripts" \
	sh -c "grep -q 'Setting up samizdat' dpkg-i.txt &&
		chroot '$root' dpkg-query -W -f '\${Status}' samizdat | grep -q 'install ok installed' ||
		{ cat dpkg-i.txt; exit 1; }"

in_root getent passwd samizdat >passwd.txt
# This machine's own names do not know the user: compare numbers.
szuid=$(cut -d: -f3 passwd.txt)
szgid=$(cut -d: -f4 passwd.txt)
private() {   # nothing under the instance is another's or open to others
	[ -z "$(find "$root/var/lib/samizdat" -mindepth 1 \( ! -uid "$szuid" \
		-o -perm /077 \) -print)" ]
}
check "installing made samizdat a system user who cannot log in" sh -c "
	IFS=: read -r name pw uid gid gecos home shell <passwd.txt &&
	[ \"\$uid\" -lt 1000 ] && [ \"\$home\" = /var/lib/samizdat ] &&
	[ \"\$shell\" = /usr/sbin/nologin ] &&
	chroot '$root' getent group samizdat >/dev/null"
check "the instance is /var/lib/samizdat, mode 0700, the samizdat user's" \
	test "$(stat -c '%a %u %g' "$root/var/lib/samizdat")" = "700 $szuid $szgid"
key_and_inbox() {
	[ "$(stat -c '%a %u' "$root/var/lib/samizdat/instance.key")" = "600 $szuid" ] &&
	[ -f "$root/var/lib/samizdat/inbox.db" ] && private
}
check "it has its key and inbox, readable by the samizdat user alone" \
	key_and_inbox
check "...and its settings live in /etc only" sh -c "
	[ ! -e '$root/var/lib/samizdat/samizdat.conf' ] &&
	chroot '$root' samizdat config | head -1 | grep -q 'read from /etc/samizdat/samizdat.conf: valid'"
check "the unit is enabled, to start at boot" \
	test -L "$root/etc/systemd/system/multi-user.target.wants/samizdat.service"
unit=$root/lib/systemd/system/samizdat.service
in_root systemd-analyze verify /lib/systemd/system/samizdat.service >verify.txt 2>&1
check "systemd-analyze verify accepts the installed unit" \
	sh -c "[ ! -s verify.txt ] || { cat verify.txt; exit 1; }"
systemd-analyze security --offline=true --root="$root" samizdat.service \
	>security.txt 2>&1
check "systemd-analyze security rates the installed unit OK or better" \
	grep -q 'Overall exposure level for samizdat.service: [0-9.]* \(OK\|SAFE\|PERFECT\)' security.txt
sed -n 's/^→ /# /p' security.txt

# --- the first editor, then the service as the unit runs it -----------

in_root samizdat keygen -o /tmp/editor.key >editor.pub 2>/dev/null
echo 'a long enough password' >"$root/tmp/password"
chmod 644 "$root/tmp/password"
check "the first editor is added as the samizdat user" \
	./as-samizdat samizdat editor add alice --recipient "$(cat editor.pub)" \
		--password-file /tmp/password
check "the samizdat user's files stay its own and private" private

# --- the service's sandbox, as far as it can be made without systemd ---
# The file system as the unit shows it to the service: all read-only
# (ProtectSystem=strict) but the instance (ReadWritePaths=), a private
# /tmp and /var/tmp (PrivateTmp=), no home directories (ProtectHome=), the
# devices of PrivateDevices=, /proc as ProtectProc=invisible and
# ProcSubset=pid mount it; then the seccomp filters that
# SystemCallFilter=, RestrictAddressFamilies=, MemoryDenyWriteExecute= and
# RestrictNamespaces= make (unit_seccomp, built by Meson).
check "the unit runs samizdat as the samizdat user, sandboxed" sh -c "
	for kv in User=samizdat UMask=0077 NoNewPrivileges=yes ProtectSystem=strict \
		ReadWritePaths=/var/lib/samizdat PrivateTmp=yes ProtectHome=yes \
		PrivateDevices=yes ProtectProc=invisible ProcSubset=pid CapabilityBoundingSet=; do
		grep -qx \"\$kv\" '$unit' || { echo \"no \$kv\"; exit 1; }
	done"
filter=""
if [ -x "${SZ_UNIT_SECCOMP:-}" ]; then
	cp "$SZ_UNIT_SECCOMP" "$root/usr/local/bin/unit_seccomp"
	unit_syscalls "$unit" >"$root/usr/local/share/samizdat-unit-syscalls"
	filter="/usr/local/bin/unit_seccomp -s /usr/local/share/samizdat-unit-syscalls"
	for f in $(unit_value "$unit" RestrictAddressFamilies); do
		filter="$filter -a $f"
	done
	[ "$(unit_value "$unit" MemoryDenyWriteExecute)" = yes ] && filter="$filter -w"
	[ "$(unit_value "$unit" RestrictNamespaces)" = yes ] && filter="$filter -n"
	ok "the unit's seccomp filters apply (unit_seccomp$(echo " $filter" | sed 's/.*syscalls//'))"
else
	skip "the unit's seccomp filters apply" "\$SZ_UNIT_SECCOMP names no unit_seccomp"
fi
mkdir "$service"
mount --bind "$root" "$service"
mount -o remount,bind,ro "$service"
mount --bind "$root/var/lib/samizdat" "$service/var/lib/samizdat"
mount -t tmpfs -o mode=1777 tmpfs "$service/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$service/var/tmp"
mount --bind "$root/dev" "$service/dev"
mount -t proc -o hidepid=invisible,subset=pid proc "$service/proc"
mount -t tmpfs -o mode=000 tmpfs "$service/home"
mount -t tmpfs -o mode=000 tmpfs "$service/root"
cat >as-service <<EOF
#!/bin/sh
exec chroot '$service' setpriv --reuid=samizdat --regid=samizdat --init-groups \
	--no-new-privs --bounding-set=-all --inh-caps=-all -- \
	/bin/sh -c 'umask 0077; exec "\$@"' sh $filter "\$@"
EOF
chmod +x as-service
check "in it, nothing outside the instance can be written" sh -c "
	! ./as-service touch /etc/samizdat/x /usr/x /var/x 2>/dev/null &&
	./as-service touch /var/lib/samizdat/x /tmp/x && rm '$root/var/lib/samizdat/x'"
if [ -n "$filter" ]; then
	wx="import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_WRITE | mmap.PROT_EXEC)"
	check "...and the filters are on: no netlink sockets, no writable code" sh -c "
		./as-samizdat ip link show >/dev/null && ./as-samizdat python3 -c '$wx' &&
		! ./as-service ip link show >/dev/null 2>&1 &&
		! ./as-service python3 -c '$wx' 2>/dev/null"
fi

exec_start=$(unit_value "$unit" ExecStart)
mkfifo journal.fifo
# shellcheck disable=SC2086
./as-service $exec_start >journal.fifo 2>&1 &
SPID=$!
exec 3<journal.fifo
# The first lines: where each face listens (read a byte at a time, so
# nothing after them is taken from the journal).
timeout 20 sh -c 'n=0; while [ $n -lt 3 ] && IFS= read -r l; do
	echo "$l"; case $l in *" face: http"*) n=$((n + 1)) ;; esac; done' \
	<&3 >journal
check "samizdat serve starts as the unit says, all three faces on loopback" sh -c "
	grep -qx 'source face: http://127.0.0.1:8080/' journal &&
	grep -qx 'editor face: http://127.0.0.1:8081/' journal &&
	grep -qx 'public face: http://127.0.0.1:8082/' journal ||
	{ cat journal; exit 1; }"
URL=http://127.0.0.1:8080
check "it runs as the samizdat user, with no privileges" sh -c "
	[ \"\$(stat -c %u /proc/$SPID)\" = $szuid ] &&
	grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$SPID/status &&
	grep -q '^CapBnd:[[:space:]]*0000000000000000' /proc/$SPID/status"

MARK="SUBMISSION-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'The memo: %s\n' "$MARK" >memo.txt
new_source jar
status=$(submit jar -F "message=For the editors: $MARK" -F files=@memo.txt)
check "a source's submission goes through the installed service" \
	test "$status" = 303
# It is held in memory until its period (an hour) ends, or the service
# stops: see the checks after SIGTERM below.
check "...and held in memory: nothing of it is on the disk yet" \
	test -z "$(find "$root/var/lib/samizdat/blobs" -name '*.age')"
# The editor's side: a release through the document helper, which
# `samizdat release` runs from /usr/libexec/samizdat, in the same sandbox.
PUBLIC="PUBLIC-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '<html><head><title>Bridge</title></head><body><p>The ministry paid for the northern bridge twice (%s).</p></body></html>\n' \
	"$PUBLIC" >"$service/tmp/memo.html"
chmod 644 "$service/tmp/memo.html"
./as-service samizdat release create -d /var/lib/samizdat "The bridge" >release.txt 2>&1
rel=$(grep -o '[0-9][0-9]*' release.txt | head -1)
check "samizdat-doc scrubs and publishes a document as the service would" sh -c "
	./as-service samizdat release add -d /var/lib/samizdat '$rel' /tmp/memo.html &&
	./as-service samizdat release publish -d /var/lib/samizdat '$rel' ||
	{ cat release.txt; exit 1; }"
curl -s -o search.html "http://127.0.0.1:8082/search?q=ministry+bridge"
check "...and the installed public face finds it" grep -q "$PUBLIC" search.html

kill -TERM "$SPID"
wait "$SPID"
serve_status=$?
cat <&3 >>journal
exec 3<&-
check "SIGTERM (as systemctl stop sends) stops it cleanly" test "$serve_status" -eq 0
find "$root/var/lib/samizdat/blobs" -name '*.age' >blobs.txt
stored() {
	[ "$(wc -l <blobs.txt)" -eq 2 ] &&
	! grep -rqa "$MARK" "$root/var/lib/samizdat" && private
}
check "...having stored the submission it held: encrypted, as the samizdat user's, and private" stored
mkdir items
# shellcheck disable=SC2046
x/usr/bin/samizdat decrypt -i "$root/tmp/editor.key" -C items $(cat blobs.txt) >/dev/null
check "...and the editor's key gives back the message and the file, under its name" \
	sh -c "cmp -s items/memo.txt memo.txt &&
	grep -qx 'For the editors: $MARK' items/message.txt"
for m in var/tmp tmp var/lib/samizdat dev proc home root ''; do
	umount "$service/$m"
done
sed 's/^/# journal: /' journal
check "the journal says nothing about the requests: no address, no time of day" sh -c "
	! grep -v '^[a-z]* face: http://127.0.0.1:808[0-2]/\$' journal | grep -q '127\\.0\\.0\\.1\\|[0-9][0-9]:[0-9][0-9]' &&
	[ \"\$(grep -vc '^[a-z]* face: http' journal)\" -le 1 ]"

# --- upgrades keep the data; a newer schema is refused ------------------

sum_before=$(sha256sum <"$root/var/lib/samizdat/instance.key")
DEBIAN_FRONTEND=noninteractive dpkg --root="$root" -i "$deb" >dpkg-up.txt 2>&1
check "an upgrade (the package installed again) succeeds" \
	grep -q 'Setting up samizdat' dpkg-up.txt
check "...and keeps the instance: its key, the submission, the editor" sh -c "
	[ \"\$(sha256sum <'$root/var/lib/samizdat/instance.key')\" = '$sum_before' ] &&
	[ \"\$(find '$root/var/lib/samizdat/blobs' -name '*.age' | wc -l)\" -eq 2 ] &&
	chroot '$root' setpriv --reuid=samizdat --regid=samizdat --init-groups samizdat editor list | grep -q alice"
sqlite3 "$root/var/lib/samizdat/archive.db" 'PRAGMA user_version = 999'
timeout 20 ./as-samizdat samizdat serve -d /var/lib/samizdat --face public \
	--listen 127.0.0.1:0 >newer.txt 2>&1 </dev/null
check "an archive from a newer samizdat is refused, with advice" sh -c "
	grep -q 'archive.db is from a newer samizdat (schema 999.*install that newer samizdat again, or restore the backup' newer.txt ||
	{ cat newer.txt; exit 1; }"
sqlite3 "$root/var/lib/samizdat/inbox.db" 'PRAGMA user_version = 999'
./as-samizdat samizdat editor list >newer.txt 2>&1
check "so is an inbox from a newer samizdat" \
	grep -q 'inbox.db is from a newer samizdat' newer.txt

# --- remove keeps the data; purge removes it and the user ---------------

DEBIAN_FRONTEND=noninteractive dpkg --root="$root" --remove samizdat >dpkg-r.txt 2>&1
check "removing the package keeps the data, the settings and the user" sh -c "
	[ ! -e '$root/usr/bin/samizdat' ] &&
	[ -f '$root/var/lib/samizdat/instance.key' ] &&
	[ -f '$root/etc/samizdat/samizdat.conf' ] &&
	chroot '$root' getent passwd samizdat >/dev/null ||
	{ cat dpkg-r.txt; exit 1; }"
DEBIAN_FRONTEND=noninteractive dpkg --root="$root" --purge samizdat >dpkg-p.txt 2>&1
check "purging removes the data, the settings, the user and the group" sh -c "
	[ ! -e '$root/var/lib/samizdat' ] && [ ! -e '$root/etc/samizdat' ] &&
	! chroot '$root' getent passwd samizdat &&
	! chroot '$root' getent group samizdat ||
	{ cat dpkg-p.txt; exit 1; }"
finish
