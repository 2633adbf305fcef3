#!/usr/bin/env python3
"""bench/gen_mail.py DIR N - writes N e-mails into the Maildir DIR (cur/),
with words drawn from a Zipf distribution over a 40 000-word vocabulary
(as natural text has), 5 000 correspondents, threads (a third of the
messages reply to an earlier one), dates over ten years, and some
Latin-1 and quoted-printable bodies.  Deterministic: the same N gives the
same mailbox."""
import os, random, sys, time, email.utils

root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261122)
syl = ['ba', 'ko', 'ri', 'tu', 'me', 'sa', 'lo', 'ni', 'de', 'ga', 'pu',
       've', 'zo', 'ka', 'li', 'mo', 'ra', 'te', 'shi', 'an', 'or', 'el']
vocab = set()
while len(vocab) < 40000:
    vocab.add(''.join(rng.choice(syl) for _ in range(rng.randint(2, 4))))
vocab = sorted(vocab)
rng.shuffle(vocab)
# a few real words, at fixed ranks, for the query set
for i, w in enumerate(['contract', 'payment', 'bridge', 'ministry', 'invoice',
                       'audit', 'minister', 'tender', 'cousin', 'offshore']):
    vocab[[5, 40, 150, 400, 900, 2000, 5000, 9000, 15000, 30000][i]] = w
weights = [1.0 / (r + 1) for r in range(len(vocab))]
cum, s = [], 0.0
for w in weights:
    s += w
    cum.append(s)

def words(k):
    return rng.choices(vocab, cum_weights=cum, k=k)

people = []
for i in range(5000):
    first, last = rng.choice(vocab[:3000]).title(), rng.choice(vocab[:8000]).title()
    people.append((f'{first} {last}', f'{first.lower()}.{last.lower()}@{rng.choice(["ministry.example", "contractor.example", "press.example", "mail.example"])}'))

os.makedirs(os.path.join(root, 'cur'), exist_ok=True)
os.makedirs(os.path.join(root, 'new'), exist_ok=True)
os.makedirs(os.path.join(root, 'tmp'), exist_ok=True)
start = 1420070400  # 2015-01-01
ids = []
for i in range(n):
    frm, to = rng.choice(people), rng.choice(people)
    t = start + int(i * (315360000 / n)) + rng.randint(0, 3600)
    mid = f'<{i}.{rng.getrandbits(40):x}@{frm[1].split("@")[1]}>'
    subj = ' '.join(words(rng.randint(2, 7))).capitalize()
    hdr = [f'From: {frm[0]} <{frm[1]}>', f'To: {to[0]} <{to[1]}>',
           f'Subject: {subj}', f'Date: {email.utils.formatdate(t)}',
           f'Message-ID: {mid}', 'MIME-Version: 1.0']
    if ids and rng.random() < 0.33:
        parent = rng.choice(ids[-2000:])
        hdr[2] = f'Subject: Re: {subj}'
        hdr += [f'In-Reply-To: {parent}', f'References: {parent}']
    paras = []
    for _ in range(rng.randint(1, 4)):
        sents = [' '.join(words(rng.randint(6, 18))).capitalize() + '.'
                 for _ in range(rng.randint(1, 5))]
        paras.append(' '.join(sents))
    body = '\n\n'.join(paras) + '\n'
    if i % 10 == 0:
        hdr += ['Content-Type: text/plain; charset=iso-8859-1',
                'Content-Transfer-Encoding: quoted-printable']
        body = body.replace('e', '=E9', 3)
    else:
        hdr.append('Content-Type: text/plain; charset=utf-8')
    ids.append(mid)
    name = f'{t}.{i:07d}.bench:2,S'
    with open(os.path.join(root, 'cur', name), 'w', encoding='latin-1', errors='replace') as f:
        f.write('\n'.join(hdr) + '\n\n' + body)
