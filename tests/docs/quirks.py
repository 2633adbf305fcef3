#!/usr/bin/env python3
"""tests/docs/quirks.py TMP - run by corpus.sh in the corpus folder, after
LibreOffice wrote memo.odt and letter.docx (and TMP/formula.odt): copies of
them with the quirks of other producers, the way a newsroom receives them.

- old.odt: what LibreOffice 3 to 6 wrote, an empty
  Configurations2/accelerator/current.xml, an images folder and a layout
  cache, each listed in the manifest.
- empty.docx: an empty part (word/webSettings.xml) that the relationships
  and content types name, as some generators write.
- formula.odf: a formula document made of the parts Writer wrote for an
  embedded formula, with a planted meta.xml, a thumbnail and the
  user-interface folder, in the layout LibreOffice uses.
"""
import sys
import zipfile

tmp = sys.argv[1]


def copy(src, dst, inserts, add):
    """Rewrites a zip member by member; inserts maps a member to (text,
    closing tag): the text goes in before the tag.  add: (name, data)."""
    with zipfile.ZipFile(src) as s, zipfile.ZipFile(dst, 'w') as d:
        for info in s.infolist():
            data = s.read(info.filename)
            if info.filename in inserts:
                text, close = inserts[info.filename]
                data = data.replace(close, text + close)
            d.writestr(info, data)
        for name, data in add:
            d.writestr(name, data, zipfile.ZIP_DEFLATED)


copy('memo.odt', 'old.odt',
     {'META-INF/manifest.xml': (
         b' <manifest:file-entry manifest:full-path="Configurations2/accelerator/current.xml" manifest:media-type=""/>\n'
         b' <manifest:file-entry manifest:full-path="layout-cache" manifest:media-type="application/binary"/>\n',
         b'</manifest:manifest>')},
     [('Configurations2/accelerator/current.xml', b''),
      ('Configurations2/images/Bitmaps/', b''),
      ('layout-cache', b'\x00\x01\x00\x00PLANTED layout cache\x00')])

copy('letter.docx', 'empty.docx',
     {'[Content_Types].xml': (
         b'<Override PartName="/word/webSettings.xml" ContentType="application/'
         b'vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"/>',
         b'</Types>'),
      'word/_rels/document.xml.rels': (
         b'<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/'
         b'officeDocument/2006/relationships/webSettings" Target="webSettings.xml"/>',
         b'</Relationships>')},
     [('word/webSettings.xml', b'')])

META = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
        b'<office:meta><meta:initial-creator>PLANTED InitialAuthor</meta:initial-creator>'
        b'<dc:creator>PLANTED LastAuthor</dc:creator>'
        b'<dc:date>2024-03-02T11:22:33</dc:date>'
        b'<meta:generator>LibreOffice/7.4.7.2$Linux_X86_64</meta:generator>'
        b'</office:meta></office:document-meta>')
MANIFEST = b'''<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.formula"/>
 <manifest:file-entry manifest:full-path="Configurations2/" manifest:media-type="application/vnd.sun.xml.ui.configuration"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/>
</manifest:manifest>
'''
with zipfile.ZipFile(tmp + '/formula.odt') as s, \
        zipfile.ZipFile('formula.odf', 'w', zipfile.ZIP_DEFLATED) as d:
    d.writestr(zipfile.ZipInfo('mimetype'),
               'application/vnd.oasis.opendocument.formula', zipfile.ZIP_STORED)
    d.writestr('Configurations2/toolbar/', b'')
    d.writestr('content.xml', s.read('Object 1/content.xml'))
    d.writestr('settings.xml', s.read('Object 1/settings.xml'))
    d.writestr('meta.xml', META)
    d.writestr('Thumbnails/thumbnail.png', s.read('Thumbnails/thumbnail.png'))
    d.writestr('META-INF/manifest.xml', MANIFEST)
