#!/bin/sh
# tests/docs/corpus.sh DIR - makes a corpus of real files with planted
# identifying metadata, by real producers: ImageMagick draws the images and
# exiftool plants EXIF, GPS, XMP, IPTC, comments and thumbnails; LibreOffice
# converts flat OpenDocument sources that carry authors, titles, custom
# properties, comments, tracked changes and an embedded photo into DOCX,
# XLSX, PPTX, ODT, ODS, ODP and PDF; ffmpeg tags the audio; corpus_media.sh
# adds photos, video, recordings, plain images, drawings, torrents and style
# sheets.  Every planted value contains PLANTED; no content does.
set -eu
out=$1
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

# Office documents, from flat OpenDocument sources.
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
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3"'
note='<office:annotation><dc:creator>PLANTED Commenter</dc:creator><dc:date>2024-03-02T11:00:00</dc:date><text:p>please check</text:p></office:annotation>'
cat >"$tmp/letter.fodt" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.text">
 $meta
 <office:body><office:text>
  <text:tracked-changes><text:changed-region text:id="ct1"><text:insertion>
   <office:change-info><dc:creator>PLANTED Reviser</dc:creator><dc:date>2024-03-01T10:00:00</dc:date></office:change-info>
  </text:insertion></text:changed-region></text:tracked-changes>
  <text:h text:outline-level="1">Procurement of the northern bridge</text:h>
  <text:p>The ministry paid the contractor twice for the same bridge contract.$note Officials signed both invoices within a week.</text:p>
  <text:p><text:change-start text:change-id="ct1"/>An internal audit later found the contract had been split in two.<text:change-end text:change-id="ct1"/></text:p>
  <text:p><draw:frame svg:width="3cm" svg:height="2cm"><draw:image><office:binary-data>$photo_b64</office:binary-data></draw:image></draw:frame></text:p>
  <text:p>The audit report was never published.</text:p>
 </office:text></office:body>
</office:document>
EOF
cp "$tmp/letter.fodt" "$tmp/memo.fodt"
cat >"$tmp/budget.fods" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ns office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 $meta
 <office:body><office:spreadsheet><table:table table:name="Invoices">
  <table:table-row><table:table-cell office:value-type="string"><text:p>Invoice</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Bridge contract</text:p>$note</table:table-cell></table:table-row>
  <table:table-row><table:table-cell office:value-type="string"><text:p>Paid twice</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1250000"><text:p>1250000</text:p></table:table-cell></table:table-row>
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
	--convert-to "$1" --outdir . "$2" >/dev/null 2>&1; }
lo docx "$tmp/letter.fodt"
lo odt "$tmp/memo.fodt"
lo xlsx "$tmp/budget.fods"
lo ods "$tmp/accounts.fods"
lo pptx "$tmp/deck.fodp"
lo odp "$tmp/talk.fodp"
lo pdf "$tmp/report.fodt"
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
