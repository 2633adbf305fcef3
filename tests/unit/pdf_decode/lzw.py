#!/usr/bin/env python3
# lzw.py - writes the LZW samples of test_pdf_decode.c (lzw_early0.bin,
# lzw_early1.bin: 6,000 bytes of the test's LCG text, 9- to 12-bit codes
# with a table reset, for EarlyChange 0 and 1) and, beside each, a
# one-stream PDF (lzw_early*.pdf, not kept) so that qpdf can confirm them:
#   qpdf --show-object=3 --filtered-stream-data lzw_early0.pdf
import io, os, sys
here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else here
def lzw(data, early):
    out=[]; acc=0; nacc=0
    st={'bits':9,'d':258,'first':True}
    def put(code):
        nonlocal acc,nacc
        bits=st['bits']
        acc=(acc<<bits)|code; nacc+=bits
        while nacc>=8:
            nacc-=8; out.append((acc>>nacc)&255)
        acc&=(1<<nacc)-1
        # the decoder's table after reading this code
        if code==256: st.update(bits=9,d=258,first=True); return
        if code==257: return
        if st['first']: st['first']=False; return
        if st['d']<4096:
            st['d']+=1
            if st['d']+early >= (1<<st['bits']) and st['bits']<12: st['bits']+=1
    table={bytes([i]):i for i in range(256)}; nxt=258
    put(256)
    w=b""
    for c in data:
        wc=w+bytes([c])
        if wc in table: w=wc; continue
        put(table[w])
        if nxt<4095:
            table[wc]=nxt; nxt+=1
        else:
            put(256); table={bytes([i]):i for i in range(256)}; nxt=258
        w=bytes([c])
    if w: put(table[w])
    put(257)
    if nacc: out.append((acc<<(8-nacc))&255)
    return bytes(out)
x=12345; data=bytearray()
for i in range(6000):
    x=(x*1103515245+12345)&0x7fffffff
    data.append(97+(x>>16)%20)
data=bytes(data)
def pdf(stream, early):
    objs=[b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
      b"<< /Length %d /Filter /LZWDecode /DecodeParms << /EarlyChange %d >> >>\nstream\n"%(len(stream),early)+stream+b"\nendstream"]
    o=io.BytesIO(); o.write(b"%PDF-1.4\n"); offs=[]
    for i,b in enumerate(objs):
        offs.append(o.tell()); o.write(b"%d 0 obj\n"%(i+1)+b+b"\nendobj\n")
    x=o.tell(); o.write(b"xref\n0 4\n0000000000 65535 f \n")
    for f in offs: o.write(b"%010d 00000 n \n"%f)
    o.write(b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"%x)
    return o.getvalue()
for e in (0,1):
    s=lzw(data,e)
    open(os.path.join(out,'lzw_early%d.bin'%e),'wb').write(s)
    open(os.path.join(out,'lzw_early%d.pdf'%e),'wb').write(pdf(s,e))
