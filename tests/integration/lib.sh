# lib.sh - starting a real samizdat server on loopback for a test, and
# playing a source with curl (sourced after tests/interop/tap.sh).

# sqlite3 ...: the tests' reads of an instance's databases wait for a
# writer (a face's batch or sweep committing meanwhile) instead of failing
# at once with "database is locked", as sqlite3(1) does by default.  A
# wrapper first on PATH, not a shell function: the checks run their
# commands in `sh -c`, where a function of this shell does not exist.
if sz_real_sqlite3=$(command -v sqlite3); then
	mkdir -p "$WORK/.bin"
	printf '#!/bin/sh\nexec %s -cmd ".timeout 10000" "$@"\n' \
		"$sz_real_sqlite3" >"$WORK/.bin/sqlite3"
	chmod +x "$WORK/.bin/sqlite3"
	PATH=$WORK/.bin:$PATH
	export PATH
fi

# ---- the engine -----------------------------------------------------------
# SZ_TEST_ENGINE=pg (tests/pg/engine.sh sets it, with SAMIZDAT_TEST_PG,
# the conninfo of the throw-away cluster of tests/pg/cluster.sh): every
# instance a test makes runs on PostgreSQL, with no change to the test.
# make_instance gives each instance two fresh databases of its own, one
# for `database` (archive and forum) and one, owned by a role of its own,
# for `inbox_database`, and a session key on tmpfs, so the faces keep
# their sessions in the database as a load-balanced deployment does.  The
# databases, role and key are dropped when the test ends: here, and by
# tests/pg/engine.sh should the test replace the EXIT trap.
SZ_TEST_ENGINE=${SZ_TEST_ENGINE:-sqlite}
if [ "$SZ_TEST_ENGINE" = pg ]; then
	: "${SAMIZDAT_TEST_PG:?SZ_TEST_ENGINE=pg needs SAMIZDAT_TEST_PG (tests/pg/engine.sh)}"
	SZ_TEST_PG_PREFIX=${SZ_TEST_PG_PREFIX:-sz_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z' | tail -c 7)}
	export SZ_TEST_PG_PREFIX
	trap 'pg_drop_instances; rm -rf "$WORK"' EXIT
fi

# pg_name DIR: the database name of an instance folder (PostgreSQL).
pg_name() {
	printf '%s_%s' "$SZ_TEST_PG_PREFIX" \
		"$(printf '%s' "$1" | tr -c 'a-zA-Z0-9' _ | tr 'A-Z' 'a-z' | tail -c 40)"
}

# pg_drop_instances: drops every database and role this test made.
pg_drop_instances() {
	[ "$SZ_TEST_ENGINE" = pg ] || return 0
	"${here:?}/../pg/engine.sh" --drop "$SZ_TEST_PG_PREFIX"
}

# pg_instance DIR: points a new instance's settings at two fresh
# databases (dropped first should a test make the same folder twice).
pg_instance() {
	db=$(pg_name "$1")
	PGOPTIONS="-c client_min_messages=warning" \
		psql -qX -v ON_ERROR_STOP=1 "$SAMIZDAT_TEST_PG" \
		-c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS ${db}_i WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS ${db}_i" \
		-c "CREATE DATABASE $db" -c "CREATE ROLE ${db}_i LOGIN" \
		-c "CREATE DATABASE ${db}_i OWNER ${db}_i" >/dev/null || return 1
	keydir=/dev/shm/$SZ_TEST_PG_PREFIX.key
	mkdir -p -m 700 "$keydir"
	[ -f "$keydir/session.key" ] ||
		(umask 077 && head -c 32 /dev/urandom >"$keydir/session.key")
	sed -i -e "s|^database = .*|database = $SAMIZDAT_TEST_PG dbname=$db|" \
		-e "s|^inbox_database = .*|inbox_database = $SAMIZDAT_TEST_PG user=${db}_i dbname=${db}_i|" \
		-e "s|^#* *session_key_file = .*|session_key_file = $keydir/session.key|" \
		"$1/samizdat.conf"
	grep -q "^session_key_file = $keydir" "$1/samizdat.conf" ||
		echo "session_key_file = $keydir/session.key" >>"$1/samizdat.conf"
}

# pg_conn DIR PART: the conninfo of the PostgreSQL database that holds
# PART (inbox, archive or forum) of instance DIR.
pg_conn() {
	if [ "$2" = inbox ]; then
		echo "$SAMIZDAT_TEST_PG dbname=$(pg_name "$1")_i"
	else
		echo "$SAMIZDAT_TEST_PG dbname=$(pg_name "$1")"
	fi
}

# db_rows DIR PART SQL: the rows PART (inbox, archive or forum) of the
# instance DIR stores, one per line, columns split by '|', on either
# engine.  A STORAGE check, for what a seized disk or database holds (no
# time of day, no plaintext); what a newsroom or a reader sees is read
# through the command line or HTTP instead.  SQL must mean the same on
# both engines (each back end's schema has the same tables and columns).
db_rows() {
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		psql -qAtX -v ON_ERROR_STOP=1 "$(pg_conn "$1" "$2")" -c "$3"
	else
		sqlite3 "$1/$2.db" "$3"
	fi
}

# inbox_state DIR: a hash of what the inbox of DIR stores, to tell that
# a request wrote nothing (SQLite: the whole file; PostgreSQL: the inbox's
# own tables, since its database also keeps the faces' sessions, which a
# request does change).  A storage check.
inbox_state() {
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		for t in sources submissions items replies desks desk_editors; do
			db_rows "$1" inbox "select * from $t order by 1"
		done | sha256sum
	else
		sha256sum <"$1/inbox.db"
	fi
}

# db_dump DIR: a text dump of every database of instance DIR (its .db
# files, or its two PostgreSQL databases), to grep for what must never
# be stored.
db_dump() {
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		pg_dump "$(pg_conn "$1" archive)" && pg_dump "$(pg_conn "$1" inbox)"
	else
		for f in "$1"/*.db; do
			[ -e "$f" ] && { sqlite3 "$f" .dump || return 1; }
		done
		return 0
	fi
}

# seized DIR: the paths a seizure of instance DIR takes, to grep for
# what must never be stored: DIR itself and, on PostgreSQL, a dump of its
# databases (DIR.seized, made now).
seized() {
	if [ "$SZ_TEST_ENGINE" = pg ]; then
		db_dump "$1" >"$1.seized" || return 1
		echo "$1 $1.seized"
	else
		echo "$1"
	fi
}

# api_docs URL RELEASE: every document (attachments too) and e-mail of
# a published release, as the public face's JSON API lists them, one per
# line: id, kind (document or email), collection and number in it (empty
# for a document), title; tab-separated.
api_docs() {
	python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request
base, release = sys.argv[1], sys.argv[2]
for part in ("document_page", "email_page"):
    page = 1
    while True:
        url = f"{base}/api/v1/releases/{release}?page={page}"
        with urllib.request.urlopen(url) as r:
            p = json.load(r)[part]
        for d in p["items"]:
            print("\t".join(str(d.get(k, "")) for k in
                  ("id", "kind", "collection", "number", "title")))
        if page * p["per_page"] >= p["total"]:
            break
        page += 1
PY
}

# init_instance DIR: `samizdat init DIR` and nothing else, on the test's
# engine (make_instance below adds what most tests want).
init_instance() {
	"$SAMIZDAT" init "$1" >/dev/null || return 1
	if [ "$SZ_TEST_ENGINE" = pg ]; then pg_instance "$1" || return 1; fi
}

# make_instance DIR [key=value...]: an instance with cheap Argon2 (tests
# only), one editor key (DIR.key), and any settings given.  DIR.clock is
# the test clock its server follows (SAMIZDAT_TEST_CLOCK): now, to start
# with; `commit DIR` moves it on.  On SZ_TEST_ENGINE=pg, its databases
# are PostgreSQL's (above).
make_instance() {
	dir=$1
	shift
	date +%s >"$dir.clock"
	init_instance "$dir" || return 1
	"$SAMIZDAT" keygen -o "$dir.key" >"$dir.pub" || return 1
	"$SAMIZDAT" recipient add -d "$dir" editor "$(cat "$dir.pub")" >/dev/null
	set -- argon2_memlimit_mb=8 argon2_opslimit=1 "$@"
	for kv in "$@"; do
		key=${kv%%=*}
		sed -i "s/^$key = .*/$key = ${kv#*=}/" "$dir/samizdat.conf"
	done
}

# inbox_submissions DIR: how many submissions the inbox holds, as
# `samizdat inbox list` counts them (on either engine).
inbox_submissions() {
	"$SAMIZDAT" inbox list -d "$1" | awk -F'\t' '{ n += $4 } END { print n + 0 }'
}

# inbox_items DIR: every item and reply of every source, one per line:
# the source's id, then what `samizdat inbox items` prints (id, day,
# message|file|reply, padded size, read|unread or the reply's editor,
# the ciphertext's path).
inbox_items() {
	for s in $("$SAMIZDAT" inbox list -d "$1" | cut -f1); do
		"$SAMIZDAT" inbox items -d "$1" "$s" | sed "s/^/$s	/"
	done
}

# start_face DIR FACE: serves one face on a free port; sets FACE_URL and
# FACE_PID.  The server prints its URL once it listens: reading that line
# from a FIFO waits exactly as long as the start takes (20 s at most).
start_face() {
	rm -f "$1.$2.fifo"
	mkfifo "$1.$2.fifo"
	SAMIZDAT_TEST_CLOCK="$PWD/$1.clock" \
		"$SAMIZDAT" serve -d "$1" --face "$2" --listen 127.0.0.1:0 \
		>"$1.$2.fifo" 2>"$1.$2.err" &
	FACE_PID=$!
	timeout 20 head -n 1 "$1.$2.fifo" >"$1.$2.out"
	FACE_URL=$(sed -n "s/^$2 face: \(http[^ ]*\)\/\$/\1/p" "$1.$2.out")
	if [ -z "$FACE_URL" ]; then
		echo "# the $2 face did not start:"; sed 's/^/# /' "$1.$2.err"
		return 1
	fi
}

# start_server DIR: the source face; sets URL, PID.
start_server() {
	start_face "$1" source || return 1
	URL=$FACE_URL
	PID=$FACE_PID
}

# commit DIR [SECONDS]: the test clock moves on by a period (or SECONDS)
# and this waits until the source face has stored every submission held
# for the periods that ended (20 s at most); fails if it did not.
commit() {
	step=${2:-$(( $(sed -n 's/^time_resolution_min = //p' "$1/samizdat.conf") * 60 ))}
	t=$(( $(cat "$1.clock") + step ))
	echo "$t" >"$1.clock"
	i=0
	while [ $i -lt 400 ] && [ "$(cat "$1.clock.done" 2>/dev/null)" != "$t" ]; do
		i=$((i + 1)); sleep 0.05
	done
	[ "$(cat "$1.clock.done" 2>/dev/null)" = "$t" ]
}

stop_server() {
	kill -TERM "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}

# The CSRF token in an HTML page.
csrf_of() {
	grep -o 'name="csrf" value="[^"]*' "$1" | head -1 | cut -d'"' -f4
}

# new_source JAR: a new source, logged in with cookie jar JAR; sets CODE.
new_source() {
	curl -s -c "$1" -b "$1" "$URL/new" >"$1.new.html"
	CODE=$(grep -o 'id="codename">[^<]*' "$1.new.html" | cut -d'>' -f2)
	curl -s -c "$1" -b "$1" -o /dev/null -d "csrf=$(csrf_of "$1.new.html")" \
		-d "sealed=$(grep -o 'name="sealed" value="[^"]*' "$1.new.html" |
			cut -d'"' -f4)" "$URL/new"
	curl -s -c "$1" -b "$1" "$URL/source" >"$1.home.html"
}

# submit JAR CURL-ARGS...: posts the submission form; prints the status.
submit() {
	jar=$1
	shift
	curl -s -c "$jar" -b "$jar" -o "$jar.submit.html" -w '%{http_code}' \
		-F "csrf=$(csrf_of "$jar.home.html")" "$@" "$URL/submit"
}

# held PID: how many submissions a server holds in memory, being received
# or waiting for their period to end (each is a memfd).
held() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'memfd:samizdat-stage'
}

# unpack KEY DIR FILE...: each inbox item (or a source's tar of them)
# through age and GNU tar, as an editor without samizdat would.
unpack() {
	key=$1 out=$2
	shift 2
	mkdir -p "$out"
	for f in "$@"; do
		age -d -i "$key" "$f" | tar -x -C "$out" || return 1
	done
}

# blobs DIR: how many encrypted files are stored.
blobs() {
	find "$1/blobs" -name '*.age' | wc -l
}

# start_editor DIR: the editor face; sets EURL, EPID.
start_editor() {
	start_face "$1" editor || return 1
	EURL=$FACE_URL
	EPID=$FACE_PID
}

# editor_login JAR NAME PASSWORD CODE: prints the status of the login.
editor_login() {
	curl -s -c "$1" -b "$1" "$EURL/" >"$1.login.html"
	curl -s -c "$1" -b "$1" -o "$1.after.html" -w '%{http_code}' \
		--data-urlencode "csrf=$(csrf_of "$1.login.html")" \
		--data-urlencode "name=$2" --data-urlencode "password=$3" \
		--data-urlencode "code=$4" "$EURL/login"
}

# mbox_replies: two replies to <first@example.org>, as mbox messages (a
# thread of three with the message a test writes first).
mbox_replies() {
	cat <<'MBOX'
From anna@example.com Tue Mar  5 09:00:00 2024
From: Anna <anna@example.com>
To: jm@example.org
Subject: Re: bridge invoice
Date: Tue, 5 Mar 2024 09:00:00 +0100
Message-ID: <second@example.com>
In-Reply-To: <first@example.org>
References: <first@example.org>

Thanks, I will look into the zebracrossing payments.

From press@example.net Wed Mar 20 09:00:00 2024
From: Press Desk <press@example.net>
To: anna@example.com
Subject: Re: Re: bridge invoice
Date: Wed, 20 Mar 2024 09:00:00 +0100
Message-ID: <third@example.net>
In-Reply-To: <second@example.com>
References: <first@example.org> <second@example.com>

We will publish the story about the bridge.

MBOX
}

# add_editor DIR NAME: an editor account with the password "a long editor
# password" and a new age key (NAME.key, NAME.pub); sets SECRET, the TOTP
# secret for oathtool.
add_editor() {
	"$SAMIZDAT" keygen -o "$2.key" >"$2.pub" || return 1
	printf 'a long editor password\n' >pw.txt
	"$SAMIZDAT" editor add -d "$1" "$2" --recipient "$(cat "$2.pub")" \
		--password-file pw.txt >"$2.add" || return 1
	SECRET=$(sed -n 's/^otpauth.*secret=\([A-Z2-7]*\).*/\1/p' "$2.add")
}

# ---- the forum ----------------------------------------------------------

# forum_instance DIR [key=value...]: an instance whose members' passwords
# are cheap to check (tests only), with a board "General" (id 1).
forum_instance() {
	dir=$1
	shift
	make_instance "$dir" forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
		"$@" || return 1
	"$SAMIZDAT" forum -d "$dir" board create General --about "Anything" \
		>/dev/null
}

# fget JAR PATH: GETs a page of the public face ($P) into JAR.html;
# prints the status.
fget() {
	curl -s -c "$1" -b "$1" -o "$1.html" -w '%{http_code}' "$P$2"
}

# fpost JAR FORM-PAGE ACTION [name=value...]: opens FORM-PAGE, then posts
# its CSRF token and the fields to ACTION; prints the status, the page is
# in JAR.out and the redirect in JAR.go.
fpost() {
	jar=$1 page=$2 action=$3
	shift 3
	curl -s -c "$jar" -b "$jar" -o "$jar.form" "$P$page"
	set -- --data-urlencode "csrf=$(csrf_of "$jar.form")" "$@"
	fsend "$jar" "$action" "$@"
}

# fsend JAR ACTION curl-args...: posts as they are.
fsend() {
	jar=$1 action=$2
	shift 2
	curl -s -c "$jar" -b "$jar" -o "$jar.out" -w '%{http_code} %{redirect_url}' \
		"$@" "$P$action" >"$jar.status"
	sed 's/ .*//' "$jar.status"
	sed 's/^[0-9]* //' "$jar.status" >"$jar.go"
}

# join JAR NAME: a new member NAME (password "a long password"), logged
# in with JAR; prints the status.
join() {
	fpost "$1" /forum/register /forum/register --data-urlencode "name=$2" \
		--data-urlencode "password=a long password"
}

# login JAR NAME: logs NAME in with JAR; prints the status.
login() {
	fpost "$1" /forum/login /forum/login --data-urlencode "name=$2" \
		--data-urlencode "password=${3:-a long password}"
}

# new_thread JAR BOARD TITLE TEXT: prints the status; the thread's
# number is in JAR.thread.
new_thread() {
	fpost "$1" "/forum/board/$2/new" "/forum/board/$2/new" \
		--data-urlencode "title=$3" --data-urlencode "text=$4"
	sed -n 's|.*/forum/thread/\([0-9]*\).*|\1|p' "$1.go" >"$1.thread"
}

# reply JAR THREAD TEXT: prints the status; the post's number is in
# JAR.post.  (The token comes from the member's account page: a thread's
# page would count as reading it.)
reply() {
	fpost "$1" /forum/account "/forum/thread/$2/reply" \
		--data-urlencode "text=$3"
	sed -n 's|.*#p\([0-9]*\)$|\1|p' "$1.go" >"$1.post"
}

# thread_posts JAR THREAD: the posts of a thread the member of JAR (or
# anyone, for a JAR never logged in) may see, as the forum's JSON API on
# the public face ($P) lists them, one per line: post id, position,
# author id, author name, state (visible, pending, ...), tab-separated.
thread_posts() {
	page=1
	while :; do
		curl -s -b "$1" "$P/api/v1/forum/threads/$2?page=$page" |
			python3 -c '
import json, sys
d = json.load(sys.stdin)
for p in d["posts"]:
    a = p["author"]
    print("%d\t%d\t%s\t%s\t%s" % (p["id"], p["position"], a.get("id", ""),
                                 a.get("name", ""), p["state"]))
print(d["pages"], file=sys.stderr)' 2>"$1.pages" || return 1
		[ "$page" -ge "$(cat "$1.pages")" ] && return 0
		page=$((page + 1))
	done
}

# forum_sql DIR SQL: what the forum's database says, on either engine
# (db_rows): for checks a reader could not make from outside, such as
# what is stored or a moderation state.
forum_sql() {
	db_rows "$1" forum "$2"
}

# bridge_papers INST: a new instance with one published release, "The
# Bridge Papers": a memo and a thread of three e-mails (the mirror tests'
# archive; its files are left in the current folder).
bridge_papers() {
	make_instance "$1"
	bridge_mbox
	echo "A memo about the bridge." >memo.txt
	"$SAMIZDAT" release create -d "$1" "The Bridge Papers" >/dev/null
	"$SAMIZDAT" release add -d "$1" 1 memo.txt box.mbox >/dev/null 2>&1
	"$SAMIZDAT" release publish -d "$1" 1 >/dev/null
}

# bridge_mbox: box.mbox, the Bridge Papers' thread of three e-mails.
bridge_mbox() {
	cat >box.mbox <<'MBOX'
From jm@example.org Mon Mar  4 10:00:00 2024
From: Jurgen <jm@example.org>
To: Press Desk <press@example.net>
Subject: bridge invoice
Date: Mon, 4 Mar 2024 10:00:00 +0100
Message-ID: <first@example.org>

The double payment for the bridge went to the contractor.

MBOX
	mbox_replies >>box.mbox
}
