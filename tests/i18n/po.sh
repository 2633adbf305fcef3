#!/bin/sh
# po.sh SRCDIR XGETTEXT-ARGS... - the translations are complete and
# current: every file that marks strings is in po/POTFILES; xgettext run
# again (with po/meson.build's arguments) gives po/samizdat.pot as
# committed; and every language of po/LINGUAS translates every message of
# it, none fuzzy, none left over, with its own plural rule.
src=$1
shift
. "$(dirname "$0")/../interop/tap.sh"
po=$src/po

# Files that mark strings (core/i18n.h's macros), and the list.
(cd "$src" && grep -rlE '(^|[^A-Za-z0-9_])(_|NG_|C_|N_)\(' src --include='*.c' |
	grep -v '^src/core/i18n\.h$' | sort) >marked
grep -v '^#' "$po/POTFILES" | grep . | sort >listed
check "po/POTFILES lists every file that marks strings for translation" \
	sh -c 'comm -23 marked listed | sed "s/^/not listed: /"; [ -z "$(comm -23 marked listed)" ]'

# The template, made again.
(cd "$src" && xgettext --package-name=samizdat -f "$po/POTFILES" -D "$src" \
	-k_ -o "$WORK/fresh.pot" "$@") 2>xgettext.err
check "xgettext reads every listed file" sh -c "[ ! -s xgettext.err ] || { cat xgettext.err; false; }"
grep -v '^"POT-Creation-Date:' "$po/samizdat.pot" >committed.pot
grep -v '^"POT-Creation-Date:' fresh.pot >fresh-nodate.pot
check "po/samizdat.pot is current (else: ninja -C build samizdat-pot, then samizdat-update-po)" \
	diff -u committed.pot fresh-nodate.pot
total=$(msgattrib --no-obsolete fresh.pot 2>/dev/null | grep -c '^msgid ' )
total=$((total - 1))    # the header

for lang in $(grep -v '^#' "$po/LINGUAS"); do
	f=$po/$lang.po
	if [ ! -f "$f" ]; then
		not_ok "po/$lang.po exists"
		continue
	fi
	check "$lang: msgfmt checks the catalogue (formats, header, plural forms)" \
		msgfmt --check -o /dev/null "$f"
	msgcomm --unique --no-location --no-wrap fresh.pot "$f" 2>&1 |
		grep -E '^(msgctxt|msgid) ' | grep -v '^msgid ""$' >"$lang.diff"
	check "$lang: has exactly the messages of the template, none stale" \
		sh -c "[ ! -s '$lang.diff' ] || { cat '$lang.diff'; false; }"
	msgattrib --untranslated --no-obsolete "$f" | grep -E '^msgid ' |
		grep -v '^msgid ""$' >"$lang.untranslated"
	check "$lang: every message is translated" \
		sh -c "[ ! -s '$lang.untranslated' ] || { cat '$lang.untranslated'; false; }"
	msgattrib --only-fuzzy --no-obsolete "$f" | grep -E '^msgid ' |
		grep -v '^msgid ""$' >"$lang.fuzzy"
	check "$lang: no translation is marked fuzzy" \
		sh -c "[ ! -s '$lang.fuzzy' ] || { cat '$lang.fuzzy'; false; }"
	check "$lang: no obsolete (#~) entries are left" \
		sh -c "! grep -q '^#~' '$f'"
	stats=$(msgfmt --statistics -o /dev/null "$f" 2>&1)
	check "$lang: $total messages translated ($stats)" \
		test "$stats" = "$total translated messages."
done

# The plural rules the languages need (Unicode CLDR's, as gettext has them).
plural() {
	sed -n 's/^"Plural-Forms: nplurals=\([0-9]*\);.*/\1/p' "$po/$1.po"
}
check "Russian has three plural forms" test "$(plural ru)" = 3
check "Arabic has six plural forms" test "$(plural ar)" = 6
check "Chinese has one form" test "$(plural zh_CN)" = 1
finish
