#!/bin/sh
# age.sh - samizdat and Debian's age read each other's files: both
# directions, at chunk boundaries and several MiB, several recipients,
# armor, pipes, key files from either keygen, and passphrases.
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

command -v age >/dev/null || { not_ok "age is installed (scripts/deps check)"; finish; }

"$S" keygen -o sz.key >sz.pub
age-keygen -o age.key 2>/dev/null
age-keygen -y age.key >age.pub
"$S" keygen -o sz2.key >sz2.pub

check "age-keygen -y reads a samizdat identity file" \
	sh -c "age-keygen -y sz.key | cmp - sz.pub"
check "samizdat keygen -y reads an age-keygen identity file" \
	sh -c "'$S' keygen -y age.key | cmp - age.pub"

for size in 0 1 65535 65536 65537 131072 5242881; do
	head -c "$size" /dev/urandom >plain.$size
	check "age decrypts what samizdat encrypts ($size bytes)" sh -c "
		'$S' encrypt -r \$(cat age.pub) -o c.$size plain.$size &&
		age -d -i age.key c.$size | cmp - plain.$size"
	check "samizdat decrypts what age encrypts ($size bytes)" sh -c "
		age -r \$(cat sz.pub) -o a.$size plain.$size &&
		'$S' decrypt -i sz.key -o out.$size a.$size &&
		cmp out.$size plain.$size"
done

check "each of several recipients decrypts with age and samizdat" sh -c "
	'$S' encrypt -r \$(cat age.pub) -r \$(cat sz.pub) -R sz2.pub \
		-o multi.age plain.131072 &&
	age -d -i age.key multi.age | cmp - plain.131072 &&
	'$S' decrypt -i sz.key multi.age | cmp - plain.131072 &&
	'$S' decrypt -i sz2.key multi.age | cmp - plain.131072"
check "samizdat decrypts an age file to several recipients" sh -c "
	age -r \$(cat age.pub) -r \$(cat sz2.pub) -r \$(cat sz.pub) \
		plain.65537 >amulti.age &&
	'$S' decrypt -i sz.key amulti.age | cmp - plain.65537"
check "age reads samizdat's armor" sh -c "
	'$S' encrypt -a -r \$(cat age.pub) plain.65537 >arm.txt &&
	head -1 arm.txt | grep -qx -- '-----BEGIN AGE ENCRYPTED FILE-----' &&
	age -d -i age.key arm.txt | cmp - plain.65537"
check "samizdat reads age's armor" sh -c "
	age -a -r \$(cat sz.pub) plain.131072 >aarm.txt &&
	'$S' decrypt -i sz.key aarm.txt | cmp - plain.131072"
check "pipes: age | samizdat | age | samizdat" sh -c "
	cat plain.5242881 | age -r \$(cat sz.pub) |
	'$S' decrypt -i sz.key | '$S' encrypt -r \$(cat age.pub) |
	age -d -i age.key | cmp - plain.5242881"
check "several -i files: the one that matches is used" sh -c "
	age -r \$(cat sz2.pub) plain.1 >two.age &&
	'$S' decrypt -i sz.key -i sz2.key two.age | cmp - plain.1"

# Passphrases: age asks on a terminal only; script(1) gives it one.
printf 'tr0ub4dor&3\n' >pass.txt
if command -v script >/dev/null; then
	check "age decrypts what samizdat encrypts with a passphrase" sh -c "
		'$S' encrypt -p --passphrase-file pass.txt -o p.age plain.65537 &&
		grep -q '^-> scrypt ' p.age &&
		printf 'tr0ub4dor&3\n' | script -qec 'age -d -o p.out p.age' /dev/null >/dev/null &&
		cmp p.out plain.65537"
	check "samizdat decrypts what age encrypts with a passphrase" sh -c "
		printf 'tr0ub4dor&3\ntr0ub4dor&3\n' |
			script -qec 'age -p -o ap.age plain.65537' /dev/null >/dev/null &&
		'$S' decrypt --passphrase-file pass.txt ap.age | cmp - plain.65537"
else
	skip "passphrase interop with age" "script(1) is missing"
fi
printf 'wrong\n' >wrong.txt
fails "a wrong passphrase is refused" \
	"$S" decrypt --passphrase-file wrong.txt -o never p.age
check "...and leaves no output file" test ! -e never

finish
