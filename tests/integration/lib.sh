# lib.sh - starting a real samizdat server on loopback for a test, and
# playing a source with curl (sourced after tests/interop/tap.sh).

# make_instance DIR [key=value...]: an instance with cheap Argon2 (tests
# only), one editor key (DIR.key), and any settings given.
make_instance() {
	dir=$1
	shift
	"$SAMIZDAT" init "$dir" >/dev/null || return 1
	"$SAMIZDAT" keygen -o "$dir.key" >"$dir.pub" || return 1
	"$SAMIZDAT" recipient add -d "$dir" editor "$(cat "$dir.pub")" >/dev/null
	set -- argon2_memlimit_mb=8 argon2_opslimit=1 "$@"
	for kv in "$@"; do
		key=${kv%%=*}
		sed -i "s/^$key = .*/$key = ${kv#*=}/" "$dir/samizdat.conf"
	done
}

# start_face DIR FACE: serves one face on a free port; sets FACE_URL and
# FACE_PID.  The server prints its URL once it listens: reading that line
# from a FIFO waits exactly as long as the start takes (20 s at most).
start_face() {
	rm -f "$1.$2.fifo"
	mkfifo "$1.$2.fifo"
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
