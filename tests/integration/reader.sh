#!/bin/sh
# reader.sh - what a reader of the public face notices: a search that
# cannot be understood is explained, one that finds nothing comes with
# searches that would (a nearby spelling from the index, the same search
# without a filter), results have release, type and date facets and sort
# by date; a document page shows its image and its neighbours; an e-mail
# shows Cc and its own Date line, its format=flowed text as written; the
# feed links absolutely with tag: ids and every page announces it; the
# API lists its endpoints and gives dates and addresses one type each;
# what anyone may read is cacheable, the editor face is not.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"
S=$SAMIZDAT

make_instance inst
sed -i 's|^# *public_url = .*|public_url = http://archive.example.onion|' inst/samizdat.conf
printf 'The contractor invoiced the bridge twice.\nThe ministry paid the double payment.\n' >memo.txt
printf 'Minutes of the bridge committee.\nThe tender was never advertised.\n' >minutes.txt
convert -size 60x40 gradient:navy-gold photo.png
# A flowed body (RFC 3676): the mail program broke one paragraph in three
# lines ending in a space; the quote and the list keep their lines.
cat >flowed.eml <<'EOF'
From: Jurgen Muller <jm@example.org>
To: Press Desk <press@example.net>
Cc: "Anna K." <anna@example.com>, audit@example.com
Subject: The bridge invoices
Date: Tue, 5 Mar 2024 09:15:00 +0100
Message-ID: <flowed@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed

The second invoice for the bridge arrived a week after the first one 
and carried the same amount, the same reference and the same 
signature of the deputy minister.

> Pay both.
> Nobody checks.

Items:
- invoice 1
- invoice 2
EOF
"$S" release create -d inst --date 2024-05-01 'Bridge papers' >/dev/null
"$S" release add -d inst 1 memo.txt minutes.txt photo.png flowed.eml >/dev/null
"$S" release create -d inst --date 2024-06-01 'Tender files' >/dev/null
"$S" release add -d inst 2 minutes.txt >/dev/null
"$S" release publish -d inst 1 >/dev/null
"$S" release publish -d inst 2 >/dev/null
start_face inst public || { not_ok "the public face starts"; finish; }
P=$FACE_URL
get() { curl -s "$P$1"; }

# Searching.
get '/search?q=release:abc' >bad.html
check "a malformed filter is explained, not answered with 0 results" sh -c "
	grep -q 'id=\"not-understood\"' bad.html && grep -q 'release: takes a release number' bad.html &&
	! grep -q '0 results' bad.html && grep -q '<details class=\"help\" open>' bad.html"
get '/search?q=%22double+payment' >open.html
check "an unclosed quote is read anyway, and the reader told how" sh -c "
	grep -q 'id=\"read-as\"' open.html && grep -q 'no closing quote' open.html &&
	grep -q '1 result' open.html"
get '/search?q=contracter' >typo.html
check "a misspelt word gets the index's spelling as a link" sh -c "
	grep -q 'id=\"suggestions\"' typo.html &&
	grep -q 'Did you mean <a href=\"/search?q=contractor\">contractor</a>' typo.html"
get '/search?q=tender+type:email' >drop.html
check "no results: dropping the filter is offered, with its count" sh -c "
	grep -q 'Without <code>type:email</code>' drop.html &&
	grep -q 'href=\"/search?q=tender\"' drop.html"
get '/search?q=bridge' >facets.html
check "results have release, type and date facets, each a link" sh -c "
	grep -q 'id=\"facet-release\"' facets.html && grep -q 'id=\"facet-type\"' facets.html &&
	grep -q 'id=\"facet-date\"' facets.html && grep -q 'href=\"/search?q=bridge%20type%3Aemail\"' facets.html"
get '/search?q=minutes' >sort1.html
check "results can be sorted by date" sh -c "
	grep -q 'id=\"sort-newest\"' sort1.html"
get '/search?q=minutes&sort=newest' >newest.html
get '/search?q=minutes&sort=oldest' >oldest.html
# minutes.txt is document 2 in the first release and 5 in the second.
check "...newest first and oldest first give opposite orders" sh -c "
	test \"\$(grep -o 'href=\"/doc/[0-9]*\"' newest.html | tr -d '\n')\" = 'href=\"/doc/5\"href=\"/doc/2\"' &&
	test \"\$(grep -o 'href=\"/doc/[0-9]*\"' oldest.html | tr -d '\n')\" = 'href=\"/doc/2\"href=\"/doc/5\"'"
check "one search box, in the header of every page" sh -c "
	for p in / /release/1 /doc/1 '/search?q=bridge'; do
		test \$(curl -s '$P'\"\$p\" | grep -c '<form class=\"search\" role=\"search\"') = 1 || exit 1
	done"
# The attack: a ?q= longer than the header's room (any page puts it back
# in its search box) made every page answer 500 "the archive cannot be
# read now"; the search page is to say the search is too long.
long=$(head -c 6000 /dev/zero | tr '\0' x)
check "overlong_query: the search page explains, any other page still shows" sh -c "
	curl -s -o long.html -w '%{http_code}' '$P/search?q=$long' | grep -qx 200 &&
	grep -q 'The search is too long' long.html &&
	curl -s -o /dev/null -w '%{http_code}' '$P/release/1?q=$long' | grep -qx 200"

# Documents and e-mails.
get /doc/3 >image.html
check "an image document shows the image" \
	grep -q '<img src="/file/3"' image.html
check "...which is served inline as its type" sh -c "
	curl -sI '$P/file/3' | grep -qi '^content-type: image/png' &&
	curl -sI '$P/file/3' | grep -qi '^content-disposition: inline'"
get /doc/2 >middle.html
check "a document links to the previous and next in its release" sh -c "
	grep -q 'rel=\"prev\" id=\"previous\" href=\"/doc/1\"' middle.html &&
	grep -q 'rel=\"next\" id=\"next\" href=\"/doc/3\"' middle.html"
get /email/4 >mail.html
check "an e-mail shows its Cc, each address a link" sh -c "
	grep -q '<dt>Cc</dt>' mail.html && grep -q 'href=\"/to/audit@example.com\">audit@example.com</a>' mail.html"
check "...and its Date line as its author's program wrote it" \
	grep -q 'Tue, 5 Mar 2024 09:15:00 +0100' mail.html
check "a format=flowed paragraph reads as one line, as written" \
	grep -q 'after the first one and carried the same amount, the same reference and the same signature' mail.html
check "...while the quote and the list keep their line breaks" sh -c "
	grep -q '^&gt; Pay both.\$' mail.html && grep -q '^- invoice 1\$' mail.html"

# The feed.
get /feed.atom >feed.xml
check "the feed is well-formed Atom" python3 -c "
import sys, xml.etree.ElementTree as E
r = E.parse('feed.xml').getroot()
sys.exit(r.tag != '{http://www.w3.org/2005/Atom}feed')"
check "its links are absolute" sh -c "
	grep -q 'href=\"http://archive.example.onion/release/1\"' feed.xml &&
	! grep -q 'href=\"release/' feed.xml"
check "its entries have unique tag: ids" sh -c "
	test \$(grep -c '<id>tag:archive.example.onion,2024-0[56]-01:release/[12]</id>' feed.xml) = 2"
check "every page announces the feed" sh -c "
	for p in / /release/1 /doc/1 /email/4 '/search?q=bridge'; do
		curl -s '$P'\"\$p\" | grep -q '<link rel=\"alternate\" type=\"application/atom+xml\"[^>]*href=\"/feed.atom\"' || exit 1
	done"

# The API.
get /api/v1 >index.json
# json FILE EXPRESSION: whether the Python expression holds of the JSON j.
json() {
	python3 -c "import json, sys; j = json.load(open('$1')); sys.exit(not ($2))"
}
check "/api/v1 lists its endpoints" json index.json \
	"{'/api/v1/releases', '/api/v1/search'} <= {e['path'] for e in j['endpoints']}"
curl -s -H 'Accept-Language: ru' "$P/api/v1" >index.ru.json
check "...described for people in their language, the paths and names the same" \
	json index.ru.json "j['endpoints'][0]['description'] == 'публикации, сначала новые' and
	j['endpoints'][0]['path'] == '/api/v1/releases' and 'dates' in j['conventions']"
get /api/v1/emails/4 >mail.json
get /api/v1/releases/1 >release.json
check "an e-mail's date is an ISO 8601 string" \
	json mail.json "j['date'] == '2024-03-05T08:15:00Z'"
check "...as a release's is" json release.json "j['date'] == '2024-05-01'"
check "addresses are {name, address} objects, lists for to and cc" json mail.json \
	"j['from'] == {'name': 'Jurgen Muller', 'address': 'jm@example.org'} and
	j['cc'] == [{'name': 'Anna K.', 'address': 'anna@example.com'},
		{'name': '', 'address': 'audit@example.com'}] and
	j['to'] == [{'name': 'Press Desk', 'address': 'press@example.net'}]"

get '/api/v1/search?q=minutes&sort=newest' >newest.json
get '/api/v1/search?q=bridge' >facets.json
check "the API sorts by date" json newest.json "[r['id'] for r in j['results']] == [5, 2]"
check "...and has the date facet too" json facets.json \
	"j['facets']['date'] == [{'date': '2024-03', 'count': 1}]"

# Caching.
curl -sI "$P/release/1" >page.h
check "public pages are cacheable, with an ETag" sh -c "
	grep -qi '^cache-control: public, no-cache' page.h && grep -qi '^etag: \"' page.h"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: \(.*\)\r$/\1/p' page.h)
check "...and a page the reader has already is a 304" sh -c "
	test \$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: $etag' '$P/release/1') = 304"
curl -s -D ru.h -o ru.html -H 'Accept-Language: ru' "$P/release/1"
check "a page in another language has its own ETag, so a cache that kept one gives the other reader theirs" sh -c "
	grep -q 'lang=\"ru\"' ru.html && grep -qi '^etag: \"' ru.h &&
	! grep -qi '^etag: $etag' ru.h &&
	test \$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: $etag' -H 'Accept-Language: ru' '$P/release/1') = 200"
curl -sI "$P/release/1?lang=ar" >lang.h
check "a page that sets the language cookie is kept by no shared cache" sh -c "
	grep -qi '^set-cookie: sz_lang=ar' lang.h && ! grep -qi '^cache-control: public' lang.h"
check "files and the stylesheet are cacheable (a file by its SHA-256)" sh -c "
	curl -sI '$P/file/1' | grep -qi '^cache-control: public' &&
	curl -sI '$P/file/1' | grep -qi '^etag: \"[0-9a-f]\{64\}\"' &&
	curl -sI '$P/style.css' | grep -qi '^cache-control: public'"
check "a missing page is not cached" sh -c "
	curl -sI '$P/doc/999' | grep -qi '^cache-control: no-store'"
kill -TERM $FACE_PID; wait $FACE_PID
start_face inst editor || { not_ok "the editor face starts"; finish; }
check "the editor face keeps no-store, its stylesheet too" sh -c "
	curl -sI '$FACE_URL/' | grep -qi '^cache-control: no-store' &&
	curl -sI '$FACE_URL/style.css' | grep -qi '^cache-control: no-store'"
kill -TERM $FACE_PID; wait $FACE_PID
finish
