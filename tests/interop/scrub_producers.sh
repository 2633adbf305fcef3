#!/bin/sh
# scrub_producers.sh - files as more real producers write them, beyond
# the corpus (tests/docs/corpus.sh), each a case a real-data trial found:
# - img2pdf places a camera's JPEG in a PDF byte for byte: its EXIF, GPS
#   and XMP must go, the page must look the same;
# - Ghostscript (pdfmark) and LibreOffice write comments as sticky notes
#   (Text annotations): their text must go, as an Office comment's does;
# - LibreOffice's hybrid PDF hides the whole source document beside the
#   trailer; its templates (.ott, .otp...) are scrubbed as documents;
# - poppler's pdfunite miscounts the trailer's /Size: still read;
# - a PDF that needs a password, an Office 97-2003 file, an RTF file and
#   a flat OpenDocument file are refused with what to do instead (RTF
#   and XML were passed through as plain text, their \info and <meta>
#   with them);
# - a Maildir holding a file with no e-mail header imports the rest.
# Every planted value contains PLANTED.  A producer that is not installed
# skips its checks.
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT
have() { command -v "$1" >/dev/null 2>&1; }
# every byte a reader could get at: the file, its zip members, its PDF
# objects and streams decompressed
plain() {
	case $1 in
	*.pdf) cat "$1"; qpdf --qdf --object-streams=disable "$1" - 2>/dev/null ;;
	*) cat "$1"; unzip -p "$1" 2>/dev/null ;;
	esac
}
planted_in() { plain "$1" | grep -aq PLANTED; }
pixels() { pdftoppm -r 30 -png "$1" "$2"; cat "$2"*.png | md5sum; }

convert -size 160x120 plasma:fractal -seed 5 -quality 90 photo.jpg
exiftool -q -q -overwrite_original -Make=PLANTEDMake -Model=PLANTEDModel \
	-SerialNumber=PLANTED4711 -GPSLatitude=48.8566 -GPSLatitudeRef=N \
	-GPSLongitude=2.3522 -GPSLongitudeRef=E -XMP:Creator="PLANTED Xmp" \
	-IPTC:City=PLANTEDCity photo.jpg

if have img2pdf; then
	img2pdf photo.jpg -o img2pdf.pdf 2>/dev/null
	check "img2pdf's PDF carries the photo's EXIF (the check can fail)" \
		planted_in img2pdf.pdf
	check "a PDF holding a camera's JPEG is scrubbed" \
		"$S" scrub -q -o img2pdf.clean.pdf img2pdf.pdf
	fails "no EXIF, GPS, XMP or IPTC of the photo is left in it" \
		planted_in img2pdf.clean.pdf
	check "inspect names the photo's EXIF inside the PDF" \
		sh -c "'$S' inspect img2pdf.pdf | grep -q 'EXIF in PDF image'"
	check "the page looks the same (the scan data is copied)" \
		test "$(pixels img2pdf.pdf a)" = "$(pixels img2pdf.clean.pdf b)"
	check "qpdf finds the scrubbed PDF sound" qpdf --check img2pdf.clean.pdf
	# JPEG 2000, as scanners and Acrobat's optimiser compress pages:
	# XMP in a uuid box
	if convert photo.jpg scan.jp2 2>/dev/null; then
		exiftool -q -q -overwrite_original -XMP:Creator="PLANTED Scanner" \
			scan.jp2
		img2pdf scan.jp2 -o jpx.pdf 2>/dev/null
		check "img2pdf's PDF of a JPEG 2000 scan carries its XMP (the check can fail)" \
			planted_in jpx.pdf
		check "a PDF holding a JPEG 2000 image is scrubbed" \
			"$S" scrub -q -o jpx.clean.pdf jpx.pdf
		fails "no XMP of the scan is left in it" planted_in jpx.clean.pdf
		check "the JPEG 2000 page looks the same" \
			test "$(pixels jpx.pdf c)" = "$(pixels jpx.clean.pdf d)"
	fi
else
	skip "img2pdf's PDF of a photo" "img2pdf is not installed"
fi

if have gs; then
	cat >note.ps <<'EOF'
%!PS
[ /Author (PLANTED GsAuthor) /DOCINFO pdfmark
[ /Contents (PLANTED comment: as we said on Tuesday) /Rect [72 600 200 650]
  /Subtype /Text /T (PLANTED Commenter) /ANN pdfmark
[ /Contents (PLANTED note on a highlight) /Rect [72 690 300 720]
  /QuadPoints [72 720 300 720 72 690 300 690] /Subtype /Highlight
  /T (PLANTED Reviewer) /ANN pdfmark
/Times-Roman findfont 14 scalefont setfont 72 700 moveto
(The ministry paid twice.) show showpage
EOF
	gs -q -dBATCH -dNOPAUSE -dSAFER -sDEVICE=pdfwrite -sOutputFile=gs.pdf note.ps
	check "Ghostscript's PDF carries the comments (the check can fail)" \
		planted_in gs.pdf
	check "a PDF with sticky-note comments is scrubbed" \
		"$S" scrub -q -o gs.clean.pdf gs.pdf
	fails "no comment, note or author is left in it" planted_in gs.clean.pdf
	check "inspect shows the comment's text" \
		sh -c "'$S' inspect gs.pdf | grep -q 'comment: PLANTED comment: as we said'"
	check "the page's text is intact" \
		sh -c "pdftotext gs.clean.pdf - | grep -q 'The ministry paid twice'"
	check "the highlight itself stays" \
		sh -c "qpdf --qdf gs.clean.pdf - | grep -aq '/Subtype /Highlight'"
	check "scrubbing it again changes nothing" sh -c \
		"'$S' scrub -q -o gs.again.pdf gs.clean.pdf && cmp gs.clean.pdf gs.again.pdf"
	if have pdfunite; then
		pdfunite gs.pdf gs.pdf unite.pdf
		check "a PDF written by poppler's pdfunite is scrubbed, not refused as damaged" \
			"$S" scrub -q -o unite.clean.pdf unite.pdf
		check "...with both its pages" \
			sh -c "test \"\$(qpdf --show-npages unite.clean.pdf)\" = 2"
	fi
	qpdf --encrypt PLANTEDpw owner 256 -- gs.pdf locked.pdf
	"$S" scrub -q -o locked.clean.pdf locked.pdf 2>locked.err
	check "a PDF that needs a password is refused, saying so and how to unlock it" \
		grep -q 'needs a password to open.*qpdf --password' locked.err
else
	skip "Ghostscript's PDFs" "ghostscript is not installed"
fi

zip -q -X files.zip photo.jpg
tar czf files.tar.gz photo.jpg
for f in files.zip files.tar.gz; do
	check "$f is refused with what to do (unpack it, scrub each file)" \
		sh -c "'$S' scrub -q -o clean-$f $f 2>arch.err; \
		       test \$? -eq 3 && grep -q 'archive.*unpack it' arch.err"
done

if have ffmpeg; then
	ffmpeg -v error -y -f lavfi -i sine=duration=1 -c:a flac \
		-metadata artist="PLANTED Artist" flac.oga
	check "FLAC in Ogg (ffmpeg's .oga) is refused with how to take the FLAC out" \
		sh -c "'$S' scrub -q -o flac.clean.oga flac.oga 2>oga.err; \
		       test \$? -eq 3 && grep -q 'ffmpeg -i FILE -c:a copy OUT.flac' oga.err"
fi

# LibreOffice: a hybrid PDF and a Word 97 file from one commented,
# photographed letter; a template it ships.
cat >letter.fodt <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:creator>PLANTED Author</dc:creator><meta:initial-creator>PLANTED Initial</meta:initial-creator></office:meta>
 <office:body><office:text>
  <text:p>The ministry paid twice.<office:annotation><dc:creator>PLANTED Commenter</dc:creator><text:p>PLANTED comment text</text:p></office:annotation></text:p>
  <text:p><draw:frame svg:width="3cm" svg:height="2cm"><draw:image><office:binary-data>$(base64 -w0 photo.jpg)</office:binary-data></draw:image></draw:frame></text:p>
 </office:text></office:body>
</office:document>
EOF
check "a flat OpenDocument file is refused (exit 3), not passed through as text" \
	sh -c "'$S' scrub -q -o letter.clean.fodt letter.fodt 2>fodt.err; test \$? -eq 3"
check "...saying to convert it with LibreOffice" \
	grep -q 'flat OpenDocument.*libreoffice --headless --convert-to odt' fodt.err
printf '{\\rtf1\\ansi{\\info{\\author PLANTED RtfAuthor}{\\company PLANTED Co}}Paid twice.\\par}\n' >memo.rtf
if have pandoc; then
	printf -- '---\nauthor: PLANTED PandocAuthor\n---\nPaid twice.\n' |
		pandoc -s -t rtf -o memo.rtf
fi
check "an RTF file is refused (exit 3), not passed through as text" \
	sh -c "'$S' scrub -q -o memo.clean.rtf memo.rtf 2>rtf.err; test \$? -eq 3"
check "...saying to convert it with LibreOffice" \
	grep -q 'rich-text.*libreoffice --headless --convert-to odt' rtf.err
fails "...and writing nothing" test -e memo.clean.rtf

lo() { soffice -env:UserInstallation="file://$WORK/profile" --headless \
	--convert-to "$1" --outdir . "$2" >/dev/null 2>&1; }
if have soffice; then
	lo 'pdf:writer_pdf_Export:{"IsAddStream":{"type":"boolean","value":"true"}}' letter.fodt
	mv letter.pdf hybrid.pdf
	check "LibreOffice's hybrid PDF carries its source document (the check can fail)" \
		planted_in hybrid.pdf
	check "a hybrid PDF is scrubbed" "$S" scrub -q -o hybrid.clean.pdf hybrid.pdf
	fails "no trace of the source document (its meta, comment, photo) is left" \
		planted_in hybrid.clean.pdf
	check "inspect names the embedded source document" \
		sh -c "'$S' inspect hybrid.pdf | grep -q 'embedded source document'"
	lo 'doc:MS Word 97' letter.fodt
	"$S" scrub -q -o letter.clean.doc letter.doc 2>doc.err
	check "a Word 97 file is refused with the conversion to use" \
		grep -q 'Word 97-2003.*libreoffice --headless --convert-to docx' doc.err
	tpl=$(ls /usr/lib/libreoffice/share/template/common/*/*.ott 2>/dev/null | head -1)
	if [ -n "$tpl" ]; then
		cp "$tpl" template.ott
		check "a template LibreOffice ships (.ott) is scrubbed as a document" \
			"$S" scrub -q -o template.clean.ott template.ott
		check "...its meta.xml emptied" sh -c \
			"test -s template.clean.ott && ! unzip -p template.clean.ott meta.xml | grep -q 'dc:creator\|initial-creator'"
		check "...and LibreOffice still opens it" sh -c \
			"soffice -env:UserInstallation=file://$WORK/profile --headless \
			 --convert-to txt --outdir txt template.clean.ott >/dev/null 2>&1 && \
			 test -s txt/template.clean.txt"
	fi
else
	skip "LibreOffice's files" "LibreOffice is not installed"
fi

# A Maildir as real ones are: two messages and a stray file with no
# header (a digest's text saved into cur/).
mkdir -p box/cur box/new box/tmp
for i in 1 2; do
	printf 'From: a@example.org\nTo: b@example.org\nSubject: message %s\nMessage-ID: <m%s@example.org>\nDate: Mon, 6 May 2019 07:08:09 +0000\n\nBody %s.\n' \
		$i $i $i >box/cur/100$i.host:2,S
done
printf 'Send Ppp mailing list submissions to\n\tppp@example.org\n\nToday'"'"'s Topics:\n' \
	>box/cur/1003.host:2,S
# Python's email package (compat32, what scripts and older web
# applications use) encodes a From: with a non-ASCII name whole, the
# address inside the encoded word.
python3 - box/cur/1004.host:2,S <<'PY'
import sys
from email.mime.text import MIMEText
m = MIMEText('Die Behörde zahlte zweimal.', 'plain', 'utf-8')
m['From'] = 'Jürgen Müller <jm@example.org>'
m['To'] = 'Redaktion <desk@example.net>'
m['Subject'] = 'Rechnung'
m['Message-ID'] = '<py@example.org>'
open(sys.argv[1], 'wb').write(m.as_bytes())
PY
"$S" init inst >/dev/null
"$S" release create -d inst "Mailbox" >/dev/null
"$S" release add -d inst 1 box >add.out 2>add.err
check "a Maildir with a headerless file in it imports its messages" \
	grep -q '3 messages, 3 new' add.out
check "...and says what it skipped" \
	grep -q '1 files or messages skipped: no e-mail header' add.out
check "a sender whose whole From: is one encoded word is read as mail clients read it" \
	test "$(sqlite3 inst/archive.db "SELECT from_addr || '|' || from_name \
		FROM emails WHERE message_id = 'py@example.org'")" = 'jm@example.org|Jürgen Müller'
finish
