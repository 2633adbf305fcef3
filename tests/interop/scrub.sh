#!/bin/sh
# scrub.sh - `samizdat scrub` held to exiftool: a corpus made by real
# producers with planted metadata (tests/docs/corpus.sh) is scrubbed, and
# for every file exiftool reports none of the planted values, none is left
# in the raw bytes (nor in decompressed zip members or PDF streams), the
# content is intact (pixels, PDF text, document text through LibreOffice,
# decoded audio), and scrubbing again changes nothing.
CORPUS_SH=$(cd "$(dirname "$0")/../docs" && pwd)/corpus.sh
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

"$CORPUS_SH" orig >corpus.log 2>&1 || { cat corpus.log; exit 1; }
mkdir clean again
check "scrub writes a copy of every corpus file" \
	"$S" scrub -q -o clean orig/*
check "scrubbing the scrubbed copies succeeds too" \
	"$S" scrub -q -o again clean/*

# Every readable byte a reader could get at: the file, its zip members,
# its PDF objects and streams decompressed.
plain() {
	case $1 in
	*.docx|*.xlsx|*.pptx|*.odt|*.ods|*.odp) cat "$1"; unzip -p "$1" ;;
	*.pdf) cat "$1"; qpdf --qdf --object-streams=disable "$1" - ;;
	*.wmv) cat "$1"; strings -el "$1" ;;   # ASF text is UTF-16
	*) cat "$1" ;;
	esac
}
planted_in() { plain "$1" | grep -aq PLANTED; }
exif_planted() { exiftool -a -G1 -ee "$1" 2>/dev/null | grep PLANTED; }

for f in orig/*; do
	name=${f#orig/}
	case $name in note.txt) continue ;; esac
	check "$name: the corpus file carries planted values" planted_in "$f"
	check "$name: inspect lists planted values" \
		sh -c "'$S' inspect '$f' | grep -q PLANTED"
	fails "$name: exiftool finds no planted value after scrub" \
		exif_planted "clean/$name"
	fails "$name: no planted value is left in its bytes" \
		planted_in "clean/$name"
	check "$name: scrubbing twice gives the same bytes" \
		cmp "clean/$name" "again/$name"
	check "$name: samizdat inspect reads the scrubbed file and lists no planted value" \
		sh -c "'$S' inspect 'again/$name' >insp && ! grep -q PLANTED insp"
done
check "exiftool found the planted values in the originals (the check can fail)" \
	sh -c "exiftool -a -G1 orig/photo.jpg | grep -q 'PLANTED Artist'"

# Content intact.
for f in photo.jpg image.png anim.gif scan.tif picture.webp; do
	# every frame, decoded to raw RGBA by ImageMagick
	check "$f: pixels are identical" sh -c \
		"test \"\$(convert orig/$f rgba:- 2>/dev/null | md5sum)\" = \
		      \"\$(convert clean/$f rgba:- | md5sum)\""
done
for f in song.mp3 song.flac song.ogg voice.opus; do
	check "$f: decoded audio is identical" sh -c \
		"test \"\$(ffmpeg -v error -i orig/$f -f s16le - | md5sum)\" = \
		      \"\$(ffmpeg -v error -i clean/$f -f s16le - | md5sum)\""
done
check "note.txt is copied unchanged" cmp orig/note.txt clean/note.txt
check "page.html keeps its text" sh -c \
	"test \"\$('$S' extract orig/page.html)\" = \"\$('$S' extract clean/page.html)\""

# PDF: one revision, no Info dictionary, no XMP, same text.
check "report.pdf had an incremental update" \
	test "$(grep -ac '%%EOF' orig/report.pdf)" -ge 2
check "the scrubbed PDF has a single %%EOF" \
	test "$(grep -ac '%%EOF' clean/report.pdf)" -eq 1
fails "the scrubbed PDF's trailer has no Info dictionary" \
	sh -c "qpdf --show-object=trailer clean/report.pdf | grep -q /Info"
fails "the scrubbed PDF has no XMP metadata stream" \
	sh -c "qpdf --qdf --object-streams=disable clean/report.pdf - | grep -aq '/Metadata'"
check "the scrubbed PDF passes qpdf --check" qpdf --check clean/report.pdf
check "the scrubbed PDF keeps its text" sh -c \
	"pdftotext orig/report.pdf a.txt && pdftotext clean/report.pdf b.txt && \
	 grep -q 'paid twice' b.txt && cmp a.txt b.txt"

# Office: fixed entry dates, still opens in LibreOffice with the same text.
for f in letter.docx budget.xlsx deck.pptx memo.odt accounts.ods talk.odp; do
	check "$f: every zip entry carries the fixed date" sh -c \
		"unzip -Z -T clean/$f | awk '/^[-d]/ {print \$7}' | sort -u | \
		 grep -qx 19800101.000000"
done
check "memo.odt: mimetype is the first entry, stored" sh -c \
	"unzip -Z -1 clean/memo.odt | head -1 | grep -qx mimetype && \
	 unzip -Z -v clean/memo.odt | grep -A12 'mimetype' | grep -q 'compression method:.*none'"
check "letter.docx: the embedded photo lost its EXIF too" sh -c \
	"'$S' inspect orig/letter.docx | grep -q 'EXIF in word/media' && \
	 unzip -p clean/letter.docx 'word/media/*' >img && \
	 ! exiftool img | grep -q PLANTED"
mkdir lo-orig lo-clean
lo() { soffice -env:UserInstallation="file://$WORK/profile" --headless \
	--convert-to pdf --outdir "$1" "$2"/letter.docx "$2"/budget.xlsx \
	"$2"/deck.pptx "$2"/memo.odt "$2"/accounts.ods "$2"/talk.odp \
	>/dev/null 2>&1; }
lo lo-orig orig
lo lo-clean clean
for f in letter budget deck memo accounts talk; do
	check "$f: the scrubbed file opens in LibreOffice with the same text" \
		sh -c "test -s lo-clean/$f.pdf && pdftotext lo-orig/$f.pdf o.txt && \
		       pdftotext lo-clean/$f.pdf c.txt && test -s c.txt && cmp o.txt c.txt"
done
finish
