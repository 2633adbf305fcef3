# tests/deb/lib.sh - reading samizdat.service for the tests (sourced).

# unit_syscalls UNIT: the system calls the unit's SystemCallFilter= lets
# through, one per line: its allow lists less its deny lists (~), with
# systemd's @groups expanded by systemd-analyze.
unit_syscalls() {
	sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$1" | tr ' ' '\n' |
		unit_expand | sort -u >"$WORK/.allowed"
	sed -n 's/^SystemCallFilter=~\(.*\)/\1/p' "$1" | tr ' ' '\n' |
		unit_expand | sort -u >"$WORK/.denied"
	comm -23 "$WORK/.allowed" "$WORK/.denied"
}

# Names and @groups on standard input, system calls out.
unit_expand() {
	while read -r s; do
		case $s in
		'') ;;
		@*) systemd-analyze syscall-filter "$s" |
			sed -n 's/^    \([a-z@][a-z0-9_@-]*\)$/\1/p' | unit_expand ;;
		*) echo "$s" ;;
		esac
	done
}

# unit_value UNIT KEY: the value of KEY= in the unit (the last one).
unit_value() {
	sed -n "s/^$2=//p" "$1" | tail -1
}
