#!/usr/bin/env python3
"""mail_corpus.py - builds an mbox of the shapes real 2000s mailboxes hold,
for tests/integration/mail_realworld.sh:

  undeclared windows-1252 in HTML and text parts, wrong declared charsets
  (UTF-8 declared over windows-1252 bytes and the reverse), an unknown
  charset, raw 8-bit headers, an HTML part whose only charset is its
  <meta>, control bytes in a body, PGP/MIME and inline signatures made
  with gpg (a good one, an altered one, one by a key not supplied),
  Outlook's winmail.dat (TNEF, written here: see tnef() below) holding a
  GPS-tagged photo, a text file and a compressed-RTF body, DKIM-signed
  messages (opendkim-testmsg) with receiving-side trace headers added
  after signing, one whose signature covers X-Originating-IP, one whose
  signature covers a GPS-tagged photo, an unsigned message with such a
  photo, the same photo uuencoded inside an unsigned message's text (as
  Outlook Express and Eudora sent files), a display name that pretends to
  be an address, and a forwarded message carrying its own trace headers.

    mail_corpus.py OUT.mbox PHOTO.jpg DKIM_PRIVATE_KEY

gpg signs with the keys of $GNUPGHOME: "anna@example.org" (supplied to the
import) and "ghost@example.org" (not supplied).  Each message carries a
unique token word, so the test can find it by searching.
"""
import base64
import binascii
import re
import struct
import subprocess
import sys

out, photo_path, dkim_key = sys.argv[1:4]
photo = open(photo_path, "rb").read()
messages = []


def crlf(b):
    return re.sub(rb"\r?\n", b"\r\n", b)


def lf(b):
    return b.replace(b"\r\n", b"\n")


def head(subject, token, extra=b""):
    return (b"From: Anna Signer <anna@example.org>\r\n"
            b"To: press@example.net\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Date: Mon, 1 Apr 2024 10:00:00 +0000\r\n"
            b"Message-ID: <" + token + b"@example.org>\r\n" + extra)


def add(msg):
    messages.append(lf(msg))


# Charsets.
add(head(b"html windows-1252", b"htmlcp") +
    b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"
    b"<html><body><p>The minister\x92s memo costs \x80100\xa0000 "
    b"\x93exactly\x94. htmlcp</p></body></html>\r\n")
add(head(b"text windows-1252", b"textcp") +
    b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me \x96 textcp\r\n")
add(head(b"declared utf-8", b"wrongutf") +
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Gr\xfc\xdfe aus Z\xfcrich wrongutf\r\n")
add(head(b"declared latin-1", b"wronglatin") +
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    b"\r\nGr\xc3\xbc\xc3\x9fe aus Z\xc3\xbcrich wronglatin\r\n")
add(head(b"unknown charset", b"unknowncs") +
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-does-not-exist"
    b"\r\n\r\nL'\xe9t\xe9 unknowncs\r\n")
add(b"From: J\xfcrgen M\xfcller <jm@example.org>\r\nTo: press@example.net\r\n"
    b"Subject: R\xe9sum\xe9 \x93eightbit\x94\r\n"
    b"Date: Mon, 1 Apr 2024 10:00:00 +0000\r\nMessage-ID: <eightbit@example.org>"
    b"\r\n\r\nThe header is raw 8-bit eightbit\r\n")
add(head(b"meta charset", b"metakoi") +
    b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"
    b"<html><head><meta charset=\"koi8-r\"></head><body>"
    + "Привет из Москвы".encode("koi8-r") + b" metakoi</body></html>\r\n")
add(head(b"control bytes", b"ctrltoken") +
    b"\r\nalpha \x01beta\x02 gamma ctrltoken \x01 \x02\x02 delta \x00 epsilon\r\n")


# PGP.
def gpg(args, data):
    return subprocess.run(["gpg", "--batch", "--yes"] + args, input=data,
                          capture_output=True, check=True).stdout


def pgp_mime(token, signer, tamper=False):
    part = (b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n"
            b"The PGP/MIME signed statement " + token + b".\r\n")
    sig = gpg(["--armor", "--detach-sign", "--digest-algo", "SHA256",
               "--local-user", signer], part)
    if tamper:
        part = part.replace(b"statement", b"STATEMENT")
    b = b"pgp-" + token
    return (head(b"pgp mime " + token, token) +
            b"MIME-Version: 1.0\r\nContent-Type: multipart/signed; "
            b"micalg=pgp-sha256; protocol=\"application/pgp-signature\"; "
            b"boundary=\"" + b + b"\"\r\n\r\n--" + b + b"\r\n" + part +
            b"\r\n--" + b + b"\r\nContent-Type: application/pgp-signature; "
            b"name=\"signature.asc\"\r\nContent-Disposition: attachment; "
            b"filename=\"signature.asc\"\r\n\r\n" + sig + b"\r\n--" + b +
            b"--\r\n")


add(pgp_mime(b"pgpgood", "anna@example.org"))
add(pgp_mime(b"pgpaltered", "anna@example.org", True))
add(pgp_mime(b"pgpghost", "ghost@example.org"))
clear = gpg(["--clearsign", "--local-user", "anna@example.org"],
            b"The inline signed statement pgpinline.\n")
add(head(b"pgp inline", b"pgpinline") + b"\r\n" + clear)


# TNEF, as Outlook writes it ([MS-OXTNEF]): a signature, a key, then
# attributes (level, id, length, data, checksum).  The RTF body is
# compressed ([MS-OXRTFCP]) with literals only, which a decompressor must
# read like any other LZFu stream.
def attr(level, ident, data):
    return (bytes([level]) + struct.pack("<II", ident, len(data)) + data +
            struct.pack("<H", sum(data) & 0xFFFF))


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def mapi(props):
    out = struct.pack("<I", len(props))
    for tag, value in props:
        out += struct.pack("<III", tag, 1, len(value)) + pad4(value)
    return out


def lzfu(raw):
    body, w = b"", 207 + len(raw)
    for i in range(0, len(raw), 8):
        chunk = raw[i:i + 8]
        body += b"\x00" + chunk if len(chunk) == 8 else b""
    rest = raw[len(raw) - len(raw) % 8:] if len(raw) % 8 else b""
    end = struct.pack(">H", (w % 4096) << 4)
    body += bytes([1 << len(rest)]) + rest + end
    return struct.pack("<III", len(body) + 12, len(raw), 0x75465A4C) + \
        struct.pack("<I", 0) + body


rtf = (b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}"
       b"{\\*\\generator Riched20;}\\f0 The rich text body says "
       b"tnefbody, \\'e9t\\'e9\\par Second\\tab paragraph \\u8364? done.\\par}")
notes = b"Meeting notes from the Outlook attachment tnefnotes.\r\n"
tnef = struct.pack("<IH", 0x223E9F78, 0x1234)
tnef += attr(1, 0x00089006, struct.pack("<I", 0x10000))
tnef += attr(1, 0x00069007, struct.pack("<II", 1252, 0))
tnef += attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")
tnef += attr(1, 0x00069003, mapi([(0x10090102, lzfu(rtf))]))
for long_name, short, data in ((b"site-photo.jpg\0", b"SITE-P~1.JPG\0", photo),
                               (b"meeting notes.txt\0", b"MEETIN~1.TXT\0", notes)):
    tnef += attr(2, 0x00069002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
    tnef += attr(2, 0x00018010, short)
    tnef += attr(2, 0x0006800F, data)
    tnef += attr(2, 0x00069005, mapi([(0x3707001E, long_name)]))
add(head(b"outlook winmail", b"tnefmail") +
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"t\"\r\n\r\n"
    b"--t\r\nContent-Type: text/plain\r\n\r\nSee the attached.\r\n"
    b"--t\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Disposition: attachment; filename=\"winmail.dat\"\r\n\r\n" +
    base64.encodebytes(tnef) + b"--t--\r\n")


# DKIM, and what the receiving side adds on top.
trace = (b"Return-Path: <anna@example.org>\r\n"
         b"Delivered-To: leaker@ministry.example\r\n"
         b"Received: from mx.ministry.example (mx.ministry.example "
         b"[198.51.100.23]) by imap.ministry.example; Mon, 1 Apr 2024\r\n"
         b"Received: from [10.20.30.40] (desk-4711.ministry.example) by "
         b"mx.ministry.example; Mon, 1 Apr 2024\r\n"
         b"X-Originating-IP: [203.0.113.77]\r\n"
         b"User-Agent: Thunderbird 102.0 on desk-4711\r\n"
         b"X-Mozilla-Status: 0001\r\n"
         b"Authentication-Results: mx.ministry.example; dkim=pass\r\n"
         b"ARC-Seal: i=1; a=rsa-sha256; d=ministry.example; cv=none\r\n")


def dkim(msg):
    return subprocess.run(["opendkim-testmsg", "-C", "-d", "example.org",
                           "-k", dkim_key, "-s", "s1"], input=crlf(msg),
                          capture_output=True, check=True).stdout


def with_photo(token):
    return (b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
            b"boundary=\"p\"\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\n"
            b"The site photo " + token + b".\r\n--p\r\nContent-Type: image/jpeg;"
            b" name=\"site.jpg\"\r\nContent-Disposition: attachment; "
            b"filename=\"site.jpg\"; creation-date=\"Mon, 1 Apr 2024 "
            b"09:13:00 +0000\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            base64.encodebytes(photo) + b"--p--\r\n")


add(trace + dkim(head(b"dkim clean", b"dkimclean") +
                 b"\r\nThe DKIM signed memo dkimclean.\r\n"))
add(b"Received: from mx.ministry.example by imap.ministry.example\r\n" +
    dkim(head(b"dkim signed ip", b"dkimsignedip",
              b"X-Originating-IP: [203.0.113.77]\r\n") +
         b"\r\nThe sender's address is signed dkimsignedip.\r\n"))
add(trace + dkim(head(b"dkim photo", b"dkimphoto") + with_photo(b"dkimphoto")))
add(trace + head(b"plain photo", b"plainphoto") + with_photo(b"plainphoto"))
# Outlook Express and Eudora sent files uuencoded inside the text.
uu = b"".join(binascii.b2a_uu(photo[i:i + 45]) for i in range(0, len(photo), 45))
add(trace + head(b"uuencoded photo", b"uuphoto") +
    b"\r\nThe site photo uuphoto, as Outlook Express sent it:\r\n\r\n"
    b"begin 644 site.jpg\r\n" + crlf(uu) + b"`\r\nend\r\n\r\nRegards\r\n")
add(b"From: Anna Signer <anna@example.org>\r\n"
    b"To: \"Press <press@news.example>\" <x@evil.example>\r\n"
    b"Cc: \"Desk, Night\" <night@example.net>\r\n"
    b"Subject: display name\r\nMessage-ID: <fakename@example.org>\r\n"
    b"Date: Mon, 1 Apr 2024 10:00:00 +0000\r\n\r\nThe fakename test.\r\n")
add(head(b"forwarded", b"forwarded") +
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n"
    b"--f\r\nContent-Type: text/plain\r\n\r\nForwarded below.\r\n"
    b"--f\r\nContent-Type: message/rfc822\r\n\r\n" + trace +
    b"From: boss@ministry.example\r\nTo: anna@example.org\r\n"
    b"Subject: the inner one\r\n\r\nThe inner forwardedinner text.\r\n--f--\r\n")

with open(out, "wb") as f:
    for m in messages:
        f.write(b"From x@example.org Mon Apr  1 10:00:00 2024\n")
        f.write(lf(m))   # as mbox files hold it; signatures are checked
                         # on the CRLF form, as they were made
        if not m.endswith(b"\n"):
            f.write(b"\n")
        f.write(b"\n")
