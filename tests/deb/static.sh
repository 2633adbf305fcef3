#!/bin/sh
# tests/deb/static.sh - what can be checked of the Debian packaging
# without building it: debian/control builds with the packages
# scripts/deps lists for a build, the package's version is the program's,
# and samizdat.service keeps systemd's sandbox tight (exposure no worse
# than EXPOSURE_MAX) while allowing what samizdat's own sandbox and its
# document helper need.  tests/deb/install.sh tests the built package.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

# systemd-analyze's exposure, times ten: 1.0 ("OK") when this was written.
# Raise it only with a reason the unit's comments give.
EXPOSURE_MAX=10

unit=$repo/debian/samizdat.service
control=$repo/debian/control

# Build-Depends as bare package names, one per line.
sed -n '/^Build-Depends:/,/^[A-Z]/p' "$control" | sed '1s/^Build-Depends://' |
	grep -v '^[A-Z]' | tr ',' '\n' | sed 's/[<(].*//; s/[[:space:]]//g' |
	grep . | sort -u >build-depends
# gcc is build-essential, which Debian never lists.
"$repo/scripts/deps" --list build | grep -vx -e gcc >deps-build
"$repo/scripts/deps" --list build deb >deps-all
check "debian/control builds with every package scripts/deps lists for a build" \
	sh -c "comm -23 deps-build build-depends | sed 's/^/missing in Build-Depends: /' | grep . && exit 1 || exit 0"
check "...and needs nothing scripts/deps does not list" sh -c "
	grep -vx 'debhelper-compat' build-depends | comm -23 - deps-all |
	sed 's/^/not in scripts\/deps: /' | grep . && exit 1 || exit 0"
version=$(sed -n '1s/^samizdat (\([^)]*\)).*/\1/p' "$repo/debian/changelog")
check "the package's version is the program's ($version)" \
	test "samizdat $version" = "$("$SAMIZDAT" --version)"
check "the maintainer scripts are valid sh" sh -c "
	sh -n '$repo/debian/samizdat.postinst' && sh -n '$repo/debian/samizdat.postrm'"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "the unit's checks" "no systemd-analyze"
	finish
fi
systemd-analyze security --offline=true --threshold=$EXPOSURE_MAX "$unit" \
	>security.txt 2>&1
status=$?
sed -n 's/^→ /# /p' security.txt
check "systemd-analyze rates samizdat.service's exposure at most $EXPOSURE_MAX/10" \
	test "$status" -eq 0

unit_syscalls "$unit" >let-through
# A supervisor forking one process per face; each sets no_new_privs, a
# Landlock rule set and a seccomp filter; the editor face runs
# samizdat-doc under resource limits; secrets are locked in memory.
needed="clone clone3 fork execve wait4 prctl seccomp landlock_create_ruleset
landlock_add_rule landlock_restrict_self setrlimit prlimit64 mlock munlock
madvise socket bind listen accept4 getrandom kill"
missing=""
for s in $needed; do grep -qx "$s" let-through || missing="$missing $s"; done
check "the unit lets through what samizdat's own sandbox needs${missing:+ (not:$missing)}" \
	test -z "$missing"
check "...and not the calls of a privileged process (mount, reboot, ptrace...)" sh -c "
	! grep -qx 'mount\|reboot\|init_module\|kexec_load\|ptrace\|swapon' let-through"
finish
