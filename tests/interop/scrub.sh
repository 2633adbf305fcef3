#!/bin/sh
# scrub.sh - `samizdat scrub` held to exiftool: a corpus made by real
# producers with planted metadata (tests/docs/corpus.sh) is scrubbed, and
# for every file exiftool reports none of the planted values, none is left
# in the raw bytes (nor in decompressed zip members or PDF streams), the
# content is intact (pixels, PDF text, document text through LibreOffice,
# decoded audio), and scrubbing again changes nothing.  Office and
# OpenDocument files lose their comments and have their tracked changes
# accepted: LibreOffice finds none left, and reads the text an editor sees
# with every change accepted.  EPUB books pass epubcheck and read the same
# in pandoc.
CORPUS_SH=$(cd "$(dirname "$0")/../docs" && pwd)/corpus.sh
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

"$CORPUS_SH" orig expected >corpus.log 2>&1 || { cat corpus.log; exit 1; }
mkdir clean again
check "scrub writes a copy of every corpus file" \
	"$S" scrub -q -o clean orig/*
check "scrubbing the scrubbed copies succeeds too" \
	"$S" scrub -q -o again clean/*

# Every readable byte a reader could get at: the file, its zip members,
# its PDF objects and streams decompressed.
plain() {
	case $1 in
	*.docx|*.xlsx|*.pptx|*.odt|*.ods|*.odp|*.odg|*.odf|*.epub)
		cat "$1"; unzip -p "$1" ;;
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

# Zip containers: fixed entry dates; mimetype first and stored where the
# format asks for it.
for f in letter.docx budget.xlsx deck.pptx memo.odt accounts.ods talk.odp \
	chart.odg formula.odf old.odt empty.docx book.epub minutes.epub; do
	check "$f: every zip entry carries the fixed date" sh -c \
		"unzip -Z -T clean/$f | awk '/^[-d]/ {print \$7}' | sort -u | \
		 grep -qx 19800101.000000"
done
for f in memo.odt chart.odg formula.odf book.epub minutes.epub; do
	check "$f: mimetype is the first entry, stored" sh -c \
		"unzip -Z -1 clean/$f | head -1 | grep -qx mimetype && \
		 unzip -Z -v clean/$f | grep -A12 'mimetype' | grep -q 'compression method:.*none'"
done
check "letter.docx: the embedded photo lost its EXIF too" sh -c \
	"'$S' inspect orig/letter.docx | grep -q 'EXIF in word/media' && \
	 unzip -p clean/letter.docx 'word/media/*' >img && \
	 ! exiftool img | grep -q PLANTED"

# Comments and tracked changes.  The originals carry them where each
# format keeps them (the check can fail)...
has() { unzip -p "$1" "$2" 2>/dev/null | grep -q "$3"; }
check "letter.docx carries a comment, deletions, an insertion and a formatting change" sh -c \
	"unzip -l orig/letter.docx | grep -q word/comments.xml && \
	 unzip -p orig/letter.docx word/document.xml | grep -q '<w:del ' && \
	 unzip -p orig/letter.docx word/document.xml | grep -q '<w:ins ' && \
	 unzip -p orig/letter.docx word/document.xml | grep -q '<w:rPrChange'"
check "budget.xlsx carries a comment and a revision log" sh -c \
	"unzip -l orig/budget.xlsx | grep -q xl/comments1.xml && \
	 unzip -l orig/budget.xlsx | grep -q xl/revisions/revisionLog"
check "deck.pptx carries a comment" sh -c "unzip -l orig/deck.pptx | grep -q ppt/comments/"
for f in memo.odt accounts.ods talk.odp chart.odg; do
	check "$f carries a comment" has "orig/$f" content.xml ':annotation[ >]'
done
check "memo.odt carries tracked deletions" has orig/memo.odt content.xml '<text:deletion>'
check "accounts.ods carries tracked changes" has orig/accounts.ods content.xml '<table:tracked-changes>'
check "inspect counts the comment and the changes of letter.docx" sh -c \
	"'$S' inspect orig/letter.docx >insp && grep -q 'removed: 1 comment' insp && \
	 grep -q 'accepted: 1 insertion kept, 2 deletions dropped, 0 moves, 1 formatting change' insp && \
	 grep -q 'deletion by PLANTED Reviser: PLANTED earlier wording' insp"
check "inspect shows the earlier cell value in budget.xlsx's revision log" sh -c \
	"'$S' inspect orig/budget.xlsx | grep -q 'earlier value: PLANTED old figure'"
check "inspect shows the comment of talk.odp" sh -c \
	"'$S' inspect orig/talk.odp | grep -q 'comment by PLANTED Commenter'"
# ...and LibreOffice finds none left in the scrubbed files: no comment,
# no change pending.
lo() { to=$1 dir=$2; shift 2
	soffice -env:UserInstallation="file://$WORK/profile" --headless \
		--convert-to "$to" --outdir "$dir" "$@" >/dev/null 2>&1; }
writer="letter.docx memo.odt old.odt empty.docx"
mkdir flat txt csv pdf-orig pdf-clean
lo fodt flat $(for f in $writer; do echo clean/$f; done)
lo fods flat clean/budget.xlsx clean/accounts.ods
lo fodp flat clean/deck.pptx clean/talk.odp
lo fodg flat clean/chart.odg
for f in $writer budget.xlsx accounts.ods deck.pptx talk.odp chart.odg; do
	flat=$(ls flat/"${f%.*}".fod? 2>/dev/null)
	check "$f: the scrubbed file opens in LibreOffice with no comment and no change pending" \
		sh -c "test -s '$flat' && ! grep -q ':annotation[ >]\|tracked-changes\|changed-region' '$flat'"
done
# The text reads as the document did with every change accepted and every
# comment deleted: LibreOffice's own conversion of the flat source with
# the changes accepted and the comments deleted (corpus.sh) is the
# expected text.
lo txt:Text txt $(for f in $writer; do echo clean/$f; done) \
	expected/accepted-letter.docx expected/accepted-memo.odt
for f in $writer; do
	case $f in memo.odt|old.odt) want=memo ;; *) want=letter ;; esac
	check "$f: LibreOffice reads the text with changes accepted" \
		sh -c "test -s txt/${f%.*}.txt && cmp txt/accepted-$want.txt txt/${f%.*}.txt"
	check "$f: ...the inserted sentence is still there" \
		grep -q "An internal audit later found the contract had been split in two" "txt/${f%.*}.txt"
	check "$f: ...and the deleted words are not" \
		sh -c "! grep -q 'earlier wording\|draft paragraph' txt/${f%.*}.txt"
done
lo csv csv clean/budget.xlsx clean/accounts.ods expected/accepted-budget.xlsx \
	expected/accepted-accounts.ods
for f in budget.xlsx accounts.ods; do
	check "$f: LibreOffice reads the cells with changes accepted" \
		sh -c "test -s csv/${f%.*}.csv && cmp csv/accepted-${f%.*}.csv csv/${f%.*}.csv && \
		       grep -q 'Audit ordered' csv/${f%.*}.csv"
done
# Presentations and drawings have no change tracking: their pages read
# as before, comments are not printed.
lo pdf pdf-orig orig/deck.pptx orig/talk.odp orig/chart.odg
lo pdf pdf-clean clean/deck.pptx clean/talk.odp clean/chart.odg
for f in deck talk chart; do
	check "$f: the scrubbed file opens in LibreOffice with the same text" \
		sh -c "test -s pdf-clean/$f.pdf && pdftotext pdf-orig/$f.pdf o.txt && \
		       pdftotext pdf-clean/$f.pdf c.txt && test -s c.txt && cmp o.txt c.txt"
done
check "formula.odf: its text is the formula" \
	sh -c "test \"\$('$S' extract clean/formula.odf)\" = 'E = m c^2'"

# What older producers leave: empty members and the user-interface
# configuration go, and the manifest stops listing them.
check "old.odt: Configurations2/ and the layout cache are gone" \
	sh -c "unzip -l orig/old.odt | grep -q 'Configurations2/accelerator/current.xml' && \
	       ! unzip -l clean/old.odt | grep -q 'Configurations2\|layout-cache'"
check "old.odt: ...and so are their manifest entries" \
	sh -c "! unzip -p clean/old.odt META-INF/manifest.xml | grep -q 'Configurations2\|layout-cache'"
check "empty.docx: the empty part is kept, empty" \
	sh -c "unzip -Z -l clean/empty.docx word/webSettings.xml | grep -q ' 0 .*webSettings'"

# EPUB: valid, readable, the same text; one new identifier everywhere,
# the font still usable under it, the photo without its GPS.
book_id=3f2b8c1e-7d4a-4e0b-9a61-5c2f0d8e1b47
check "book.epub: the scrubbed book passes epubcheck" \
	sh -c "java -jar /usr/share/java/epubcheck.jar clean/book.epub >epubcheck.log 2>&1; \
	       grep -q 'Messages: 0 fatals / 0 errors' epubcheck.log || { cat epubcheck.log; false; }"
check "book.epub: pandoc reads the same text before and after" \
	sh -c "pandoc -f epub -t plain orig/book.epub >o.txt && \
	       pandoc -f epub -t plain clean/book.epub >c.txt && \
	       grep -q 'Officials signed both invoices' c.txt && cmp o.txt c.txt"
check "minutes.epub (pandoc's): pandoc reads the same text before and after" \
	sh -c "pandoc -f epub -t plain orig/minutes.epub >o.txt && \
	       pandoc -f epub -t plain clean/minutes.epub >c.txt && \
	       grep -q 'second payment' c.txt && cmp o.txt c.txt"
check "book.epub: the title and language are kept" \
	sh -c "unzip -p clean/book.epub OEBPS/content.opf | grep -q '<dc:title id=\"t1\">The northern bridge</dc:title>' && \
	       unzip -p clean/book.epub OEBPS/content.opf | grep -q '<dc:language>en</dc:language>'"
in_book() { plain "$1" | grep -aq "$2"; }
check "book.epub: the identifier minted on the author's machine is there before" \
	in_book orig/book.epub $book_id
fails "book.epub: ...and gone after" in_book clean/book.epub $book_id
check "book.epub: the date and the last-modified time are there before" \
	in_book orig/book.epub '2024-03-0[12]T'
fails "book.epub: ...and gone after" in_book clean/book.epub '2024-03-0[12]T'
check "book.epub: the store's iTunesMetadata.plist is gone" \
	sh -c "! unzip -l clean/book.epub | grep -q iTunesMetadata"
check "book.epub: the cover photo lost its GPS" \
	sh -c "unzip -p clean/book.epub OEBPS/Images/photo.jpg >cover.jpg && \
	       ! exiftool -GPS:all cover.jpg | grep -q GPS"
check "book.epub: the obfuscated font opens under the new identifier" python3 -c "
import hashlib, re, zipfile
z = zipfile.ZipFile('clean/book.epub')
opf = z.read('OEBPS/content.opf').decode()
ncx = z.read('OEBPS/toc.ncx').decode()
uid = re.search(r'<dc:identifier id=\"bookid\">([^<]*)<', opf).group(1)
assert 'name=\"dtb:uid\" content=\"%s\"' % uid in ncx, 'the NCX names another book'
key = hashlib.sha1(uid.encode()).digest()
font = bytearray(z.read('OEBPS/Fonts/DejaVuSansMono.ttf'))
for i in range(1040):
    font[i] ^= key[i % 20]
assert bytes(font) == open('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', 'rb').read()
"
check "book.epub: inspect lists the creator, the XHTML author and the buyer's plist" \
	sh -c "'$S' inspect orig/book.epub >insp && grep -q 'dc:creator: PLANTED EpubAuthor' insp && \
	       grep -q 'author: PLANTED XhtmlAuthor' insp && grep -q 'dropped member: iTunesMetadata.plist' insp"
finish
