#!/usr/bin/env python3
"""tests/docs/epub.py PHOTO OUT - an EPUB 3 book as an authoring tool and a
store leave it: planted metadata in the package document (creator,
contributor, publisher, date, description, subject, rights, series, tool
metadata, an identifier minted on the author's machine), in the NCX
(generator, author) and in the XHTML (author and generator <meta>, a
comment); PHOTO (GPS-tagged) as the cover and in a chapter; a font
obfuscated with the book's identifier (the IDPF algorithm); the store's
iTunesMetadata.plist naming the buyer; a chapter whose name has a space
(so its href is %-escaped).  `mimetype` is the first member, stored.
"""
import hashlib
import sys
import zipfile

book_id = 'urn:uuid:3f2b8c1e-7d4a-4e0b-9a61-5c2f0d8e1b47'
photo = open(sys.argv[1], 'rb').read()
font = bytearray(open('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', 'rb').read())
key = hashlib.sha1(''.join(c for c in book_id if c not in ' \t\r\n').encode()).digest()
for i in range(1040):
    font[i] ^= key[i % 20]
opf = '''<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" xml:lang="en">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier id="bookid">%s</dc:identifier>
  <dc:title id="t1">The northern bridge</dc:title>
  <meta refines="#t1" property="title-type">main</meta>
  <dc:language>en</dc:language>
  <dc:creator id="c1">PLANTED EpubAuthor</dc:creator>
  <meta refines="#c1" property="role" scheme="marc:relators">aut</meta>
  <meta refines="#c1" property="file-as">PLANTED FileAs</meta>
  <dc:contributor>PLANTED Contributor</dc:contributor>
  <dc:publisher>PLANTED Publisher</dc:publisher>
  <dc:date>2024-03-01T09:15:00Z</dc:date>
  <dc:description>PLANTED Description</dc:description>
  <dc:subject>PLANTED Subject</dc:subject>
  <dc:rights>PLANTED Rights</dc:rights>
  <meta property="dcterms:modified">2024-03-02T11:22:33Z</meta>
  <meta property="belongs-to-collection" id="s1">PLANTED Series</meta>
  <meta refines="#s1" property="collection-type">series</meta>
  <meta name="cover" content="cover-image"/>
  <meta name="calibre:timestamp" content="PLANTED timestamp"/>
  <meta name="generator" content="PLANTED Generator"/>
 </metadata>
 <manifest>
  <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  <item id="ch1" href="Text/chapter%%201.xhtml" media-type="application/xhtml+xml"/>
  <item id="ch2" href="Text/ch2.xhtml" media-type="application/xhtml+xml"/>
  <item id="css" href="Styles/style.css" media-type="text/css"/>
  <item id="cover-image" href="Images/photo.jpg" media-type="image/jpeg" properties="cover-image"/>
  <item id="font" href="Fonts/DejaVuSansMono.ttf" media-type="application/vnd.ms-opentype"/>
 </manifest>
 <spine toc="ncx"><itemref idref="ch1"/><itemref idref="ch2"/></spine>
</package>
''' % book_id
def xhtml(title, body, extra=''):
    return '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en" lang="en">
<head><meta charset="utf-8"/>%s<title>%s</title><link rel="stylesheet" type="text/css" href="../Styles/style.css"/></head>
<body>%s</body>
</html>
''' % (extra, title, body)
ch1 = xhtml('Chapter one', '<!-- PLANTED editor note --><h1>Chapter one</h1><p>The ministry paid the contractor twice for the same bridge contract.</p><p><img src="../Images/photo.jpg" alt="The bridge"/></p>', '<meta name="author" content="PLANTED XhtmlAuthor"/>')
ch2 = xhtml('Chapter two', '<h1>Chapter two</h1><p>Officials signed both invoices within a week.</p><p><code>INV-1250000</code></p>', '<meta name="generator" content="PLANTED XhtmlGenerator"/>')
nav = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en" lang="en">
<head><meta charset="utf-8"/><title>Contents</title></head>
<body><nav epub:type="toc" id="toc"><h1>Contents</h1><ol><li><a href="Text/chapter%201.xhtml">Chapter one</a></li><li><a href="Text/ch2.xhtml">Chapter two</a></li></ol></nav></body>
</html>
'''
ncx = '''<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head><meta name="dtb:uid" content="%s"/><meta name="dtb:depth" content="1"/><meta name="dtb:generator" content="PLANTED NcxGenerator"/><meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head><docTitle><text>The northern bridge</text></docTitle><docAuthor><text>PLANTED NcxAuthor</text></docAuthor><navMap><navPoint id="n1" playOrder="1"><navLabel><text>Chapter one</text></navLabel><content src="Text/chapter%%201.xhtml"/></navPoint><navPoint id="n2" playOrder="2"><navLabel><text>Chapter two</text></navLabel><content src="Text/ch2.xhtml"/></navPoint></navMap></ncx>
''' % book_id
container = '''<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
'''
enc = '''<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference URI="OEBPS/Fonts/DejaVuSansMono.ttf"/></enc:CipherData></enc:EncryptedData></encryption>
'''
css = '@font-face { font-family: "Mono"; src: url(../Fonts/DejaVuSansMono.ttf); }\ncode { font-family: "Mono", monospace; }\n'
plist = '''<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>apple-id</key><string>PLANTED buyer@example.org</string><key>itemName</key><string>The northern bridge</string></dict></plist>
'''
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', zipfile.ZIP_STORED)
    z.writestr('META-INF/container.xml', container)
    z.writestr('META-INF/encryption.xml', enc)
    z.writestr('OEBPS/content.opf', opf)
    z.writestr('OEBPS/toc.ncx', ncx)
    z.writestr('OEBPS/nav.xhtml', nav)
    z.writestr('OEBPS/Text/chapter 1.xhtml', ch1)
    z.writestr('OEBPS/Text/ch2.xhtml', ch2)
    z.writestr('OEBPS/Styles/style.css', css)
    z.writestr('OEBPS/Images/photo.jpg', photo, zipfile.ZIP_STORED)
    z.writestr('OEBPS/Fonts/DejaVuSansMono.ttf', bytes(font))
    z.writestr('iTunesMetadata.plist', plist)
