#!/bin/sh
# config.sh - where an instance's settings come from (DIR/samizdat.conf,
# or the file $SAMIZDAT_CONFIG names, as the Debian package keeps them in
# /etc), `samizdat config` saying which and whether they are valid, where
# samizdat looks for samizdat-doc, and databases from a newer samizdat
# refused with advice rather than misread.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

"$SAMIZDAT" init dev >/dev/null
check "init DIR keeps the settings in DIR/samizdat.conf" \
	test -f dev/samizdat.conf
"$SAMIZDAT" config -d dev >dev.config
check "samizdat config names the file and finds it valid" \
	grep -qx "# The settings of dev, read from dev/samizdat.conf: valid." dev.config
"$SAMIZDAT" config --defaults >defaults
check "config --defaults prints what init writes" cmp defaults dev/samizdat.conf

# As the package does: the settings elsewhere, the instance without them.
SAMIZDAT_CONFIG=$WORK/etc.conf "$SAMIZDAT" init pkg >/dev/null
check "with \$SAMIZDAT_CONFIG, init writes the settings there, not in DIR" sh -c "
	cmp etc.conf defaults && [ ! -e pkg/samizdat.conf ] &&
	[ \"\$(stat -c %a etc.conf)\" = 644 ] && [ \"\$(stat -c %a pkg/instance.key)\" = 600 ]"
sed -i 's/^max_files = .*/max_files = 7/' etc.conf
check "the instance reads the settings \$SAMIZDAT_CONFIG names" sh -c "
	SAMIZDAT_CONFIG='$WORK/etc.conf' '$SAMIZDAT' config -d pkg |
	grep -qx 'max_files = 7'"
echo 'max_files = 0' >>etc.conf
check "a bad setting there is refused, naming that file and line" sh -c "
	SAMIZDAT_CONFIG='$WORK/etc.conf' timeout 20 '$SAMIZDAT' serve -d pkg --face source \
		--listen 127.0.0.1:0 2>&1 |
	grep -q 'etc.conf line [0-9]*: max_files must be a whole number from 1'"
check "\$SAMIZDAT_CONFIG naming no file is an error that says so" sh -c "
	SAMIZDAT_CONFIG='$WORK/none.conf' '$SAMIZDAT' recipient list -d pkg 2>&1 |
	grep -q 'cannot open .*none.conf (named by \$SAMIZDAT_CONFIG)'"
check "without settings, an instance is refused, naming both places looked" sh -c "
	'$SAMIZDAT' recipient list -d pkg 2>&1 |
	grep -q 'cannot open pkg/samizdat.conf: No such file or directory (nor is there a /.*/samizdat/samizdat.conf'"
check "init refuses an instance that keeps its settings elsewhere" sh -c "
	'$SAMIZDAT' init pkg 2>&1 | grep -q 'already holds a samizdat instance'"
SAMIZDAT_CONFIG=$WORK/kept.conf "$SAMIZDAT" init other >/dev/null
echo '# mine' >>kept.conf
cp kept.conf kept.before
SAMIZDAT_CONFIG=$WORK/kept.conf "$SAMIZDAT" init other2 >/dev/null
check "init keeps the settings file \$SAMIZDAT_CONFIG names if it exists" \
	cmp kept.conf kept.before

# samizdat-doc: beside samizdat (a build tree), else in LIBEXECDIR.
mkdir alone
cp "$SAMIZDAT" alone/samizdat
check "samizdat finds samizdat-doc beside itself" \
	sh -c "'$SAMIZDAT' scrub --help | grep -q '^Usage: samizdat scrub'"
check "...and else in LIBEXECDIR/samizdat, saying where it looked" sh -c "
	env -u SAMIZDAT_DOC ./alone/samizdat scrub --help 2>&1 |
	grep -q 'cannot run /.*/samizdat/samizdat-doc: No such file or directory (it is installed beside samizdat or in /'"

# Databases from a newer samizdat (a downgrade) are refused, with advice.
make_instance inst
start_face inst public || not_ok "the public face starts"
kill -TERM "$FACE_PID"
wait "$FACE_PID"
sqlite3 inst/inbox.db 'PRAGMA user_version = 999'
check "an inbox from a newer samizdat is refused, with what to do" sh -c "
	'$SAMIZDAT' recipient list -d inst 2>&1 |
	grep -q 'inbox.db is from a newer samizdat (schema 999; this one knows [0-9]*): install that newer samizdat again, or restore the backup made before it was installed'"
sqlite3 inst/archive.db 'PRAGMA user_version = 999'
check "so is an archive from a newer samizdat" sh -c "
	'$SAMIZDAT' release list -d inst 2>&1 |
	grep -q 'archive.db is from a newer samizdat (schema 999'"

# database: sqlite by default; PostgreSQL as a URI or libpq's key=value.
check "the database is sqlite unless the settings say otherwise" \
	grep -qx 'database = sqlite' defaults
cp defaults db.conf
echo 'database = mysql://example' >>db.conf
check "a database that is neither sqlite nor PostgreSQL is refused" sh -c "
	SAMIZDAT_CONFIG='$WORK/db.conf' '$SAMIZDAT' config -d pkg 2>&1 |
	grep -q 'database must be sqlite, a postgresql://... URI or a libpq conninfo'"
sed -i 's|^database = mysql.*|database = host=/nonexistent dbname=samizdat|' db.conf
check "a PostgreSQL it cannot reach stops the forum, saying why" sh -c "
	SAMIZDAT_CONFIG='$WORK/db.conf' '$SAMIZDAT' forum invite -d pkg 2>&1 |
	grep -q 'cannot connect to the forum.s database (PostgreSQL, the database setting)'"
finish
