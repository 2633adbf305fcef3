#!/usr/bin/env python3
"""mail_mailboxes.py - mailboxes as many years of mail clients wrote them,
for tests/integration/mail_mailboxes.sh, into the current directory:

  mac.mbox       classic Mac OS Eudora: CR-only line ends, "Attachment
                 converted:" lines with a Mac disk's path, quoted too
  mac.eml        one message with CR-only line ends
  mac-trace.eml  the same with trace fields, for `samizdat scrub`
  win.mbox       Windows Eudora: CRLF, "Attachment Converted:" with a
                 C:\\Documents and Settings\\<user> path, "Embedded Content:"
  box.mmdf       MMDF (^A^A^A^A separators), written by Python's mailbox
  maildir/       a Maildir (cur/ and new/), written by Python's mailbox
  bom.mbox       a byte-order mark and blank lines before the first From_
  nonl.mbox      a last message without a final line end
  nul.mbox       NUL bytes in a body
  thunderbird.mbox  X-Mozilla-Status/-Status2/-Keys, ">From " quoting
  takeout.mbox   Gmail Takeout: X-GM-THRID, X-Gmail-Labels (private)
  cl.mbox        mboxcl2: Content-Length, "From " in a body unquoted
  mboxo.mbox     an unquoted "From " line in a body, no Content-Length
  bounce.mbox    a Postfix bounce (multipart/report): delivery-status and
                 text/rfc822-headers naming hosts and addresses
Each message's subject says which mailbox and which message it is.
"""
import email.message
import email.policy
import mailbox

SECRET_PATH_WORDS = ("jsmith", "Macintosh HD", "Eudora Folder")


def msg(subject, body, extra=()):
    m = email.message.EmailMessage()
    m["From"] = "Alice <alice@example.org>"
    m["To"] = "bob@example.org"
    m["Subject"] = subject
    m["Date"] = "Mon, 3 Mar 2003 10:00:00 +0000"
    m["Message-ID"] = "<%s@example.org>" % subject.replace(" ", ".")
    for k, v in extra:
        m[k] = v
    m.set_content(body)
    return m


def raw(subject, body, extra=b""):
    return (b"From: Alice <alice@example.org>\nTo: bob@example.org\n"
            b"Subject: " + subject + b"\nDate: Mon, 3 Mar 2003 10:00:00 +0000\n"
            + extra + b"\n" + body)


FROM = b"From ???@??? Mon Mar 03 10:00:00 2003\n"


def mbox(name, messages, from_line=FROM, line_end=b"\n"):
    """Writes messages (LF-ended bytes) as an mbox, in line_end."""
    data = b"".join(from_line + m + b"\n" for m in messages)
    open(name, "wb").write(data.replace(b"\n", line_end))

# Classic Mac OS Eudora: CR only.
mac = [raw(b"mac one", b"The budget is attached.\n"
           b"Attachment converted: Macintosh HD:Eudora Folder:Attachments "
           b"Folder:budget.xls (XLS8/XCEL) (0001A2B3)\n"),
       raw(b"mac two", b"> The budget is attached.\n> Attachment converted: "
           b"Macintosh HD:Eudora Folder:Attachments Folder:budget.xls "
           b"(XLS8/XCEL) (0001A2B3)\nThanks, reading it now.\n"),
       raw(b"mac three", b"Last one, plain text.\n")]
mbox("mac.mbox", mac, line_end=b"\r")
open("mac-trace.eml", "wb").write((
    b"Received: from [192.168.1.23] by mail.victim-corp.example\n"
    b"X-Originating-IP: [84.12.3.4]\n" + raw(b"mac traced", b"Kept body.\n"))
    .replace(b"\n", b"\r"))
open("mac.eml", "wb").write(raw(b"mac single", b"A lone message from a Mac.\n"
                                b"Second line.\n").replace(b"\n", b"\r"))

# Windows Eudora: CRLF.
win = [raw(b"win one", b"See the report.\n"
           b'Attachment Converted: "C:\\Documents and Settings\\jsmith\\'
           b'Application Data\\Qualcomm\\Eudora\\attach\\report.doc"\n'
           b"Embedded Content: logo.gif: 00000001,2d5f4ee8,00000000,"
           b"00000000\n"),
       raw(b"win two", b"Nothing attached.\n")]
mbox("win.mbox", win, line_end=b"\r\n")

bodies = ["mmdf first body\n", "mmdf second body\nFrom the start\n",
          "mmdf third body\n"]
box = mailbox.MMDF("box.mmdf")
for i, b in enumerate(bodies):
    box.add(msg("mmdf %d" % (i + 1), b))
box.close()

md = mailbox.Maildir("maildir")
md.add(msg("maildir 1", "maildir first body\n"))
seen = mailbox.MaildirMessage(msg("maildir 2", "maildir second body\n"))
seen.set_subdir("cur")
seen.add_flag("S")
md.add(seen)

mbox("bom.mbox", [raw(b"bom 1", b"after a byte-order mark\n"),
                  raw(b"bom 2", b"second of them\n")])
data = open("bom.mbox", "rb").read()
open("bom.mbox", "wb").write(b"\xef\xbb\xbf\n\n" + data)

open("nonl.mbox", "wb").write(
    FROM + raw(b"nonl 1", b"first\n") + b"\n" +
    FROM + raw(b"nonl 2", b"the last line has no end"))

mbox("nul.mbox", [raw(b"nul 1", b"before\0after nul\n"),
                  raw(b"nul 2", b"clean\n")])

tb = [raw(b"thunderbird 1", b"first\n>From the quoted line\n",
          b"X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00800000\n"
          b"X-Mozilla-Keys: $label1 secretproject\n"),
      raw(b"thunderbird 2", b"second\n",
          b"X-Mozilla-Status: 0011\nX-Mozilla-Status2: 00000000\n")]
mbox("thunderbird.mbox", tb, b"From - Mon Mar 03 10:00:00 2003\n")

gm = [raw(b"takeout 1", b"labelled mail\n",
          b"X-GM-THRID: 1234567890123456789\n"
          b"X-Gmail-Labels: Inbox,Important,Opened,Whistleblower-Contact\n"),
      raw(b"takeout 2", b"another\n",
          b"X-GM-THRID: 1234567890123456790\nX-Gmail-Labels: Archived\n")]
mbox("takeout.mbox", gm,
     b"From 1234567890123456789@xxx Mon Mar 03 10:00:00 +0000 2003\n")


def cl(subject, body):
    return (FROM + b"From: Alice <alice@example.org>\nSubject: " + subject +
            b"\nContent-Length: %d\n\n" % len(body) + body + b"\n")


open("cl.mbox", "wb").write(
    cl(b"cl 1", b"line one\nFrom the start we knew\nend\n") +
    cl(b"cl 2", b"second\n"))

# mboxo written carelessly: a body's "From " line left unquoted.
mbox("mboxo.mbox", [raw(b"mboxo 1", b"body one\n\nFrom the start we knew\n"
                        b"end\n"), raw(b"mboxo 2", b"body two\n")])

returned = (b"Received: from [192.168.1.23] (dsl-84-12-3-4.example.net "
            b"[84.12.3.4])\n\tby mail.victim-corp.example (Postfix) with ESMTP"
            b" id 4A1B2C3D\n\tfor <nobody@gone.example>; Mon, 3 Mar 2003 "
            b"09:59:00 +0000\nX-Originating-IP: [84.12.3.4]\n"
            b"From: Jane <jane@victim-corp.example>\nTo: nobody@gone.example\n"
            b"Subject: the minutes\nMessage-ID: <orig1@victim-corp.example>\n")
bounce = (b"From: MAILER-DAEMON@example.org (Mail Delivery System)\n"
          b"To: jane@victim-corp.example\nSubject: bounce 1\n"
          b"MIME-Version: 1.0\nContent-Type: multipart/report; "
          b"report-type=delivery-status; boundary=\"BB\"\n\n"
          b"--BB\nContent-Type: text/plain\n\nYour message could not be "
          b"delivered.\n\n--BB\nContent-Type: message/delivery-status\n\n"
          b"Reporting-MTA: dns; mail.victim-corp.example\n"
          b"X-Postfix-Queue-ID: 4A1B2C3D\n"
          b"X-Postfix-Sender: rfc822; jane@victim-corp.example\n"
          b"Arrival-Date: Mon,  3 Mar 2003 09:59:00 +0000 (GMT)\n"
          b"Received-From-MTA: dns; dsl-84-12-3-4.example.net ([84.12.3.4])"
          b"\n\nFinal-Recipient: rfc822; nobody@gone.example\n"
          b"Action: failed\nStatus: 5.1.1\n"
          b"Remote-MTA: dns; mx.gone.example [203.0.113.9]\n"
          b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n"
          b"--BB\nContent-Type: text/rfc822-headers\n\n" + returned +
          b"\n--BB--\n")
open("bounce.mbox", "wb").write(FROM + bounce + b"\n")
