"""bombs.py DIR - writes PDF decompression bombs into DIR, for
tests/interop/pdf_bombs.sh.  Each is a well-formed PDF (qpdf --check
finds nothing wrong with it) whose streams inflate far past what it is:

  stream_1g.pdf      one page whose content stream inflates to 1 GiB
  shared_2000.pdf    2,000 pages drawing one shared 20 MiB stream
  nested_forms.pdf   30 forms, each drawing the next twice (2^30 draws)
  nested_filters.pdf a page stream deflated twice over, 1 GiB inside
  spread_3g.pdf      30 pages of 100 MiB each: 3 GiB across streams
  inline_hidden.pdf  nested_forms, its two draws behind a one-byte inline
                     image whose byte is "(": a reader that took it for a
                     string would not see them
  objstm_200m.pdf    the catalog in an object stream that inflates to
                     200 MiB (qpdf inflates one whole to read from it)

The inflated data is drawing operators (a line, stroked), so whatever
decodes it has real work to do; it compresses about a thousandfold."""
import os
import sys
import zlib

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
LINE = b"0 0 m 100 100 l S\n"


def deflated(total, level=9, prefix=b""):
    """prefix, then LINE repeated to `total` bytes, deflated, without
    holding it."""
    chunk = LINE * (1048576 // len(LINE))
    c = zlib.compressobj(level)
    out, left = [c.compress(prefix)], total
    while left > 0:
        piece = chunk if left >= len(chunk) else chunk[:left]
        out.append(c.compress(piece))
        left -= len(piece)
    out.append(c.flush())
    return b"".join(out)


def write_pdf(path, objects):
    """objects: list of bytes, object i+1 each; 1 is the catalog."""
    data = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        data += b"%010d 00000 n \n" % off
    data += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
             % (len(objects) + 1, xref))
    with open(path, "wb") as f:
        f.write(data)


def stream(payload, extra=b""):
    return (b"<< /Length %d %s>>\nstream\n" % (len(payload), extra) +
            payload + b"\nendstream")


def pages_pdf(path, contents, extra_objects=(), resources=b"<< >>"):
    """A catalog, a page tree, one page per content object number."""
    n = len(contents)
    first_page = 3
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                b" ".join(b"%d 0 R" % (first_page + i) for i in range(n)), n)]
    for c in contents:
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    b"/Resources %s /Contents %d 0 R >>" % (resources, c))
    objs.extend(extra_objects)
    write_pdf(path, objs)


GIB = 1 << 30
big = deflated(GIB)
# one page: objects 1 catalog, 2 pages, 3 page, 4 content
pages_pdf(os.path.join(OUT, "stream_1g.pdf"), [4],
          [stream(big, b"/Filter /FlateDecode ")])

# 2,000 pages, one content stream (object 2003)
shared = deflated(20 << 20)
pages_pdf(os.path.join(OUT, "shared_2000.pdf"), [2003] * 2000,
          [stream(shared, b"/Filter /FlateDecode ")])

# Forms X0..X29: the page draws X0 twice, Xi draws Xi+1 twice.  Objects:
# 1 catalog, 2 pages, 3 page, 4 content, 5 + i form Xi.
depth = 30
forms = []
for i in range(depth):
    if i + 1 < depth:
        body = b"/X%d Do /X%d Do\n" % (i + 1, i + 1)
        res = b"<< /XObject << /X%d %d 0 R >> >>" % (i + 1, 5 + i + 1)
    else:
        body, res = LINE, b"<< >>"
    forms.append(stream(body, b"/Type /XObject /Subtype /Form "
                        b"/BBox [0 0 612 792] /Resources %s " % res))
pages_pdf(os.path.join(OUT, "nested_forms.pdf"), [4],
          [stream(b"/X0 Do /X0 Do\n")] + forms,
          resources=b"<< /XObject << /X0 5 0 R >> >>")

pages_pdf(os.path.join(OUT, "inline_hidden.pdf"), [4],
          [stream(b"BI /W 1 /H 1 /BPC 8 /CS /G ID (EI\n/X0 Do /X0 Do\n")] +
          forms, resources=b"<< /XObject << /X0 5 0 R >> >>")

# The 1 GiB stream deflated once more: a few KiB for a gigabyte.
twice = zlib.compress(big, 9)
pages_pdf(os.path.join(OUT, "nested_filters.pdf"), [4],
          [stream(twice, b"/Filter [/FlateDecode /FlateDecode] ")])

# 30 pages, each its own 100 MiB stream (the same bytes, 30 objects).
hundred = deflated(100 << 20)
pages_pdf(os.path.join(OUT, "spread_3g.pdf"), list(range(33, 63)),
          [stream(hundred, b"/Filter /FlateDecode ")] * 30)
# Objects 1 (catalog) and 2 (pages) in object stream 5, whose data runs
# on for 200 MiB past them; 3 page, 4 content, 6 the cross-reference stream.
objs = b"<< /Type /Catalog /Pages 2 0 R >>\n"
objs2 = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
head = b"1 0 2 %d " % len(objs)
head = head.ljust(16)
objstm = deflated(200 << 20, prefix=head + objs + objs2)
data = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = {}
for num, body in (
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << >> /Contents 4 0 R >>"),
        (4, stream(LINE)),
        (5, stream(objstm, b"/Type /ObjStm /N 2 /First %d "
                   b"/Filter /FlateDecode " % len(head)))):
    offsets[num] = len(data)
    data += b"%d 0 obj\n" % num + body + b"\nendobj\n"
offsets[6] = len(data)
rows = [b"\x00\x00\x00\x00\x00\xff\xff",
        b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"),
        b"\x02" + (5).to_bytes(4, "big") + (1).to_bytes(2, "big")]
rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00"
         for n in (3, 4, 5, 6)]
data += (b"6 0 obj\n" + stream(b"".join(rows), b"/Type /XRef /Size 7 "
         b"/W [1 4 2] /Root 1 0 R ") + b"\nendobj\n")
data += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
with open(os.path.join(OUT, "objstm_200m.pdf"), "wb") as f:
    f.write(data)

for name in sorted(os.listdir(OUT)):
    print(name, os.path.getsize(os.path.join(OUT, name)))
