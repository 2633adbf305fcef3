#!/bin/sh
# tests/docs/corpus.sh DIR [EXPECTED] - makes a corpus of real files with
# planted identifying metadata, by real producers: ImageMagick draws the
# images and exiftool plants EXIF, GPS, XMP, IPTC, comments and thumbnails;
# LibreOffice converts flat OpenDocument sources that carry authors,
# titles, custom properties, comments, tracked changes and an embedded
# photo into DOCX, XLSX, PPTX, ODT, ODS, ODP, ODG and PDF, and writes a
# formula; ffmpeg tags the audio; Python's zipfile gives copies of some the
# quirks of older producers (quirks.py) and builds an EPUB (epub.py);
# pandoc writes another; corpus_media.sh adds photos, video, recordings,
# plain images, drawings, torrents and style sheets.
# Every planted value contains PLANTED; no content does.  With EXPECTED,
# the Writer and Calc files are also written there (accepted-NAME) as they
# read with every change accepted and every comment deleted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
expected=""
if [ -n "${2:-}" ]; then
	mkdir -p "$2"
	expected=$(cd "$2" && pwd)
fi
mkdir -p "$out"
media=$(cd "$(dirname "$0")" && pwd)/corpus_media.sh
cd "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sz-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
et() { exiftool -q -q -overwrite_original "$@"; }

# Images.
convert -size 320x200 plasma:fractal -seed 7 -quality 88 photo.jpg
convert -size 80x50 gradient:navy-gold thumb.jpg
et -Artist="PLANTED Artist" -Copyright="PLANTED Copyright" \
	-Make="PLANTEDMake" -Model="PLANTEDModel" -SerialNumber="PLANTED123" \
	-GPSLatitude=48.8566 -GPSLatitudeRef=N -GPSLongitude=2.3522 \
	-GPSLongitudeRef=E -XMP:Creator="PLANTED XmpCreator" \
	-XMP:Description="PLANTED description" -IPTC:By-line="PLANTED Byline" \
	-IPTC:City="PLANTEDCity" -Comment="PLANTED comment" \
	'-ThumbnailImage<=thumb.jpg' photo.jpg
rm thumb.jpg
convert -size 200x120 gradient:green-white image.png
et -PNG:Author="PLANTED PngAuthor" -PNG:Comment="PLANTED PngComment" \
	-XMP:Creator="PLANTED XmpCreator" -EXIF:Artist="PLANTED ExifArtist" \
	-PNG:CreationTime="2024:01:02 03:04:05" image.png
convert -delay 20 -size 60x40 xc:red xc:blue -loop 0 anim.gif
et -Comment="PLANTED GifComment" -XMP:Creator="PLANTED XmpCreator" anim.gif
convert -size 120x90 gradient:white-black scan.tif
et -Artist="PLANTED Artist" -Software="PLANTED Software" \
	-HostComputer="PLANTEDHost" -XMP:Creator="PLANTED XmpCreator" \
	-GPSLatitude=1.5 -GPSLatitudeRef=S scan.tif
convert -size 120x90 gradient:orange-purple picture.webp
et -XMP:Creator="PLANTED XmpCreator" -EXIF:Artist="PLANTED ExifArtist" \
	picture.webp

# Office documents, from flat OpenDocument sources.  The Writer and Calc
# sources carry comments and tracked changes (insertions, deletions of
# words and of a whole paragraph, a formatting change; in Calc an earlier
# cell value, a deleted row and an inserted one); Impress and Draw have no
# change tracking, so theirs carry comments.  Each history is on one line,
# so that the sed below can accept it.
photo_b64=$(base64 -w0 photo.jpg)
meta='<office:meta>
  <dc:title>PLANTED Title</dc:title>
  <dc:creator>PLANTED LastAuthor</dc:creator>
  <meta:initial-creator>PLANTED InitialAuthor</meta:initial-creator>
  <dc:description>PLANTED Description</dc:description>
  <meta:keyword>PLANTEDKeyword</meta:keyword>
  <meta:user-defined meta:name="Department">PLANTED Custom</meta:user-defined>
 </office:meta>'
ns='xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:math="http://www.w3.org/1998/Math/MathML"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3"'
note='<office:annotation><dc:creator>PLANTED Commenter</dc:creator><dc:date>2024-03-02T11:00:00</dc:date><text:p>PLANTED comment: as we said at the meeting</text:p></office:annotation>'
# who made a change, and when
by() { printf '<office:change-info><dc:creator>PLANTED %s</dc:creator><dc:date>2024-03-01T10:%s:00</dc:date></office:change-info>' "$1" "$2"; }
cat >"$tmp/letter.fodt" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.text">
 $meta
 <office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>
 <office:body><office:text>
  <text:tracked-changes><text:changed-region text:id="ct1"><text:insertion>$(by Reviser 00)</text:insertion></text:changed-region><text:changed-region text:id="ct2"><text:deletion>$(by Reviser 05)<text:p>PLANTED earlier wording </text:p></text:deletion></text:changed-region><text:changed-region text:id="ct3"><text:deletion>$(by Editor 10)<text:p>PLANTED draft paragraph that was cut.</text:p><text:p/></text:deletion></text:changed-region><text:changed-region text:id="ct4"><text:format-change>$(by Formatter 15)</text:format-change></text:changed-region></text:tracked-changes>
  <text:h text:outline-level="1">Procurement of the northern bridge</text:h>
  <text:p>The ministry paid <text:change text:change-id="ct2"/>the contractor twice for the same bridge contract.$note Officials signed both invoices within a week.</text:p>
  <text:p><text:change-start text:change-id="ct1"/>An internal audit later found the contract had been split in two.<text:change-end text:change-id="ct1"/></text:p>
  <text:p><draw:frame svg:width="3cm" svg:height="2cm"><draw:image><office:binary-data>$photo_b64</office:binary-data></draw:image></draw:frame></text:p>
  <text:p><text:change text:change-id="ct3"/>The audit report was <text:change-start text:change-id="ct4"/><text:span text:style-name="T1">never</text:span><text:change-end text:change-id="ct4"/> published.</text:p>
 </office:text></office:body>
</office:document>
EOF
cp "$tmp/letter.fodt" "$tmp/memo.fodt"
cat >"$tmp/budget.fods" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 $meta
 <office:body><office:spreadsheet>
  <table:tracked-changes><table:cell-content-change table:id="ct1"><table:cell-address table:column="1" table:row="1" table:table="0"/>$(by Reviser 00)<table:previous><table:change-track-table-cell office:value-type="string"><text:p>PLANTED old figure</text:p></table:change-track-table-cell></table:previous></table:cell-content-change><table:deletion table:id="ct2" table:type="row" table:position="2" table:table="0">$(by Editor 05)<table:deletions><table:cell-content-deletion><table:cell-address table:column="0" table:row="2" table:table="0"/><table:change-track-table-cell office:value-type="string"><text:p>PLANTED deleted row</text:p></table:change-track-table-cell></table:cell-content-deletion></table:deletions></table:deletion><table:insertion table:id="ct3" table:type="row" table:position="2" table:count="1" table:table="0">$(by Reviser 10)</table:insertion></table:tracked-changes>
  <table:table table:name="Invoices">
  <table:table-row><table:table-cell office:value-type="string"><text:p>Invoice</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Bridge contract</text:p>$note</table:table-cell></table:table-row>
  <table:table-row><table:table-cell office:value-type="string"><text:p>Paid twice</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1250000"><text:p>1250000</text:p></table:table-cell></table:table-row>
  <table:table-row><table:table-cell office:value-type="string"><text:p>Audit ordered</text:p></table:table-cell></table:table-row>
 </table:table></office:spreadsheet></office:body>
</office:document>
EOF
cp "$tmp/budget.fods" "$tmp/accounts.fods"
cat >"$tmp/deck.fodp" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.presentation">
 $meta
 <office:body><office:presentation>
  <draw:page draw:name="one"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>Bridge contract paid twice</text:p></draw:text-box></draw:frame>$note</draw:page>
 </office:presentation></office:body>
</office:document>
EOF
cp "$tmp/deck.fodp" "$tmp/talk.fodp"
cat >"$tmp/chart.fodg" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.graphics">
 $meta
 <office:body><office:drawing>
  <draw:page draw:name="one"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="14cm" svg:height="3cm"><draw:text-box><text:p>Who signed the bridge invoices</text:p></draw:text-box></draw:frame>$note</draw:page>
 </office:drawing></office:body>
</office:document>
EOF
# A formula: LibreOffice 7.4 does not open a formula document on its own
# when headless, so Writer writes one (the object embedded in a text
# document), and its parts go into a formula file laid out the way
# LibreOffice writes one, with a planted meta.xml (below).
cat >"$tmp/formula.fodt" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body><office:text><text:p><draw:frame svg:width="3cm" svg:height="1cm"><draw:object><math:math><math:semantics><math:mrow><math:mi>E</math:mi><math:mo>=</math:mo><math:mi>m</math:mi><math:msup><math:mi>c</math:mi><math:mn>2</math:mn></math:msup></math:mrow><math:annotation encoding="StarMath 5.0">E = m c^2</math:annotation></math:semantics></math:math></draw:object></draw:frame></text:p></office:text></office:body>
</office:document>
EOF
cat >"$tmp/report.fodt" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.text">
 $meta
 <office:body><office:text>
  <text:p>Quarterly report on procurement.</text:p>
  <text:p>The ministry paid twice for the same contract. Officials signed both invoices.</text:p>
 </office:text></office:body>
</office:document>
EOF
lo() { soffice -env:UserInstallation="file://$tmp/profile" --headless \
	--convert-to "$1" --outdir "${3:-.}" "$2" >/dev/null 2>&1; }
lo docx "$tmp/letter.fodt"
lo odt "$tmp/memo.fodt"
lo xlsx "$tmp/budget.fods"
lo ods "$tmp/accounts.fods"
lo pptx "$tmp/deck.fodp"
lo odp "$tmp/talk.fodp"
lo odg "$tmp/chart.fodg"
lo odt "$tmp/formula.fodt" "$tmp"
lo pdf "$tmp/report.fodt"

# The Writer and Calc documents as an editor sees them after "Accept All"
# and "Delete All Comments", converted the same way: OpenDocument keeps
# the accepted text in the body, so the history, the change marks and the
# comments go from the flat sources.
if [ -n "$expected" ]; then
	for f in letter.fodt memo.fodt budget.fods accounts.fods; do
		sed -e '/<text:tracked-changes>/d' -e '/<table:tracked-changes>/d' \
			-e 's|<text:change[^>]*/>||g' \
			-e 's|<office:annotation>.*</office:annotation>||g' \
			"$tmp/$f" >"$tmp/accepted-$f"
	done
	lo docx "$tmp/accepted-letter.fodt" "$tmp"
	lo odt "$tmp/accepted-memo.fodt" "$tmp"
	lo xlsx "$tmp/accepted-budget.fods" "$tmp"
	lo ods "$tmp/accepted-accounts.fods" "$tmp"
	for f in letter.docx memo.odt budget.xlsx accounts.ods; do
		mv "$tmp/accepted-$f" "$expected/accepted-$f"
	done
fi

# Quirks of older and other producers, written with Python's zipfile.
python3 "$here/quirks.py" "$tmp"
# An EPUB 3 book as an authoring tool and a store leave it.
python3 "$here/epub.py" photo.jpg book.epub
# And one as pandoc writes it (its title page shows the author and date,
# so those are content here).
cat >"$tmp/minutes.md" <<EOF
---
title: Minutes of the board
author: The board secretary
date: 2024-03-01
lang: en
description: PLANTED Description
subject: PLANTED Subject
contributor: PLANTED Contributor
---

# Minutes

The board approved the second payment for the northern bridge.

![The bridge](photo.jpg)
EOF
pandoc -o minutes.epub "$tmp/minutes.md"

# An incremental update, as exiftool (and many editors) append one.
exiftool -q -q -overwrite_original_in_place -Author="PLANTED PdfAuthor" \
	-Title="PLANTED PdfTitle" -XMP:Creator="PLANTED XmpCreator" \
	-Producer="PLANTED Producer" report.pdf

# Audio.
for f in song.mp3 song.flac song.ogg voice.opus; do
	codec=""
	[ "$f" = song.ogg ] && codec="-c:a libvorbis"
	# shellcheck disable=SC2086
	ffmpeg -v error -y -f lavfi -i "sine=frequency=330:duration=3" $codec \
		-metadata artist="PLANTED Artist" -metadata title="PLANTED Title" \
		-metadata comment="PLANTED Comment" "$f"
done

cat >page.html <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="author" content="PLANTED HtmlAuthor">
<meta name="generator" content="PLANTED Generator">
<title>Bridge contract</title></head>
<body><!-- PLANTED draft note --><h1>Bridge contract</h1>
<p>The ministry paid <b>twice</b>.</p></body></html>
EOF
printf 'The ministry paid twice for the same contract.\n' >note.txt

# Photos, video, recordings, plain images, drawings, torrents, style sheets.
"$media" .
