#!/bin/sh
# editor_cli.sh - editors' accounts on the command line: a password hashed
# with Argon2id, a TOTP secret that Debian's oathtool computes the same
# codes for (each accepted once), the editor's key joining the recipients
# every submission is encrypted to, and the audit log.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

init_instance inst
"$S" keygen -o alice.key >alice.pub
printf 'correct horse battery staple\n' >pw.txt
printf 'short\n' >short.txt

"$S" editor add -d inst alice --recipient "$(cat alice.pub)" --password-file pw.txt >add.out
check "editor add succeeds and shows an otpauth URI" \
	grep -q '^otpauth://totp/samizdat:alice?secret=[A-Z2-7]*&issuer=samizdat' add.out
check "...and a QR code" grep -q '█' add.out
SECRET=$(sed -n 's/^otpauth.*secret=\([A-Z2-7]*\).*/\1/p' add.out)
check "the editor's recipient joins the instance's recipients" \
	sh -c "'$S' recipient list -d inst | grep -q \"^alice	$(cat alice.pub)\""
# (a storage check: what the database holds, on either engine)
db_rows inst inbox "select password_hash from editors" >hashes.txt
where=$(seized inst)
check "the password is stored only as an Argon2id hash" sh -c "
	grep -q '^\\\$argon2id\\\$' hashes.txt &&
	! grep -rqa 'correct horse' $where"

fails "a short password is refused" \
	"$S" editor add -d inst bob --recipient "$(cat alice.pub)" --password-file short.txt
fails "a second editor with the same name is refused" \
	"$S" editor add -d inst alice --recipient "$(cat alice.pub)" --password-file pw.txt
fails "a malformed recipient is refused" \
	"$S" editor add -d inst carol --recipient age1nope --password-file pw.txt

CODE=$(oathtool --totp -b "$SECRET")
check "a code computed by oathtool is accepted" "$S" editor verify -d inst alice "$CODE"
"$S" editor verify -d inst alice "$CODE" 2>err.txt
check "the same code is refused the second time (no replay)" \
	sh -c "test $? -eq 1 && grep -q 'used already' err.txt"
PREV=$(oathtool --totp -b "$SECRET" --now "$(date -u -d '-90 seconds' '+%F %T')")
fails "a code from three steps ago is refused" "$S" editor verify -d inst alice "$PREV"
fails "a wrong code is refused" "$S" editor verify -d inst alice 123456
fails "a code that is not six digits is refused" "$S" editor verify -d inst alice 12345a

"$S" editor reset-totp -d inst alice >reset.out
NEW=$(sed -n 's/^otpauth.*secret=\([A-Z2-7]*\).*/\1/p' reset.out)
check "reset-totp makes a new secret" test -n "$NEW" -a "$NEW" != "$SECRET"
fails "...the old one stops working" "$S" editor verify -d inst alice "$(oathtool --totp -b "$SECRET")"
check "...the new one works" "$S" editor verify -d inst alice "$(oathtool --totp -b "$NEW")"

check "editor list shows the editor without secrets" sh -c "
	'$S' editor list -d inst | grep -q '^alice	age1' &&
	! '$S' editor list -d inst | grep -q -e argon2 -e '$NEW'"
"$S" editor remove -d inst alice >/dev/null
check "editor remove removes the editor and its recipient" sh -c "
	test -z \"\$('$S' editor list -d inst)\" &&
	! '$S' recipient list -d inst 2>/dev/null | grep -q alice"
check "the audit log records each administrative action" sh -c "
	'$S' audit -d inst >audit.txt &&
	grep -q 'editor add  *alice' audit.txt &&
	grep -q 'editor reset-totp  *alice' audit.txt &&
	grep -q 'editor remove  *alice' audit.txt &&
	grep -q '^[0-9-]* [0-9][0-9]:[0-9][0-9]  admin' audit.txt"

# Releases made on the command line are in the same log.
echo 'a memo' >memo.txt
R=$("$S" release create -d inst 'Memos')
"$S" release add -d inst "$R" memo.txt >add.out
convert -size 20x20 xc:navy photo.png
exiftool -q -overwrite_original -Artist='Jane Leaker' photo.png
"$S" release add -d inst "$R" photo.png >>add.out
check "release add says what scrubbing removed from each file, never the values" sh -c "
	grep -q '^  scrubbing found nothing to remove' add.out &&
	grep -q '^  removed PNG text: .*Artist' add.out && ! grep -q Leaker add.out"
"$S" release publish -d inst "$R" >/dev/null
"$S" release unpublish -d inst "$R" >/dev/null
check "release create, add, publish and unpublish are in the audit log" sh -c "
	'$S' audit -d inst >audit.txt &&
	grep -q 'create release  *release $R\$' audit.txt &&
	grep -q 'add to release  *release $R: 1 file or mailbox\$' audit.txt &&
	grep -q 'publish release  *release $R\$' audit.txt &&
	grep -q 'unpublish release  *release $R\$' audit.txt &&
	! grep -q memo.txt audit.txt"

# Usage errors: one line naming what is wrong, never getopt's own line
# followed by a second, wrong one.
usage_error() { # what, expected line, command...
	what=$1 want=$2; shift 2
	"$@" >/dev/null 2>err.txt
	st=$?
	check "$what" sh -c "test $st -eq 2 && grep -qx \"$want\" err.txt &&
		test \$(grep -c . err.txt) -eq 2 && ! grep -q 'unrecognized\|invalid option' err.txt"
}
usage_error "an unknown long option is named once" \
	"samizdat release: unknown option --bogus" "$S" release create --bogus x
usage_error "an unknown short option is named once" \
	"samizdat serve: unknown option -x" "$S" serve -x
usage_error "an option missing its value says so" \
	"samizdat audit: option -d needs a value" "$S" audit -d
usage_error "a value given to a flag says so" \
	"samizdat audit: option --help takes no value" "$S" audit --help=yes
# forum and mirror parse options like every other command
usage_error "forum: an unknown option is named once" \
	"samizdat forum: unknown option --bogus" "$S" forum --bogus board
usage_error "mirror keygen: an option missing its value says so" \
	"samizdat mirror: option -d needs a value" "$S" mirror keygen -d
usage_error "mirror export: an unknown option is named once" \
	"samizdat mirror: unknown option --bogus" "$S" mirror export --bogus x
usage_error "mirror verify: an option missing its value says so" \
	"samizdat mirror: option -p needs a value" "$S" mirror verify -p
usage_error "mirror torrent: an unknown short option is named once" \
	"samizdat mirror: unknown option -z" "$S" mirror torrent -z

# Opening an instance that is not there says what is wrong and what to do.
"$S" release publish -d /nonexistent 1 2>err.txt
check "a missing instance directory is named, with what to do" sh -c "
	grep -q '/nonexistent does not exist: give the instance.s directory with -d DIR' err.txt &&
	! grep -q 'unable to open database' err.txt"
mkdir notinst
for cmd in "release list" "audit" "editor list" "serve" "purge"; do
	# shellcheck disable=SC2086
	"$S" $cmd -d notinst 2>err.txt >/dev/null
	check "$cmd in a directory that is no instance says so" \
		grep -q 'notinst is not a samizdat instance' err.txt
done
finish
