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

# start_server DIR: serves the source face on a free port; sets URL, PID.
start_server() {
	"$SAMIZDAT" serve -d "$1" --face source --listen 127.0.0.1:0 \
		>"$1.out" 2>"$1.err" &
	PID=$!
	i=0
	while ! grep -q '^source face: ' "$1.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $PID 2>/dev/null; then
			echo "# server did not start:"; sed 's/^/# /' "$1.err"
			return 1
		fi
		sleep 0.05
	done
	URL=$(sed -n 's/^source face: \(http[^ ]*\)\/$/\1/p' "$1.out")
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
		"$URL/new"
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

# start_editor DIR: serves the editor face on a free port; sets EURL, EPID.
start_editor() {
	"$SAMIZDAT" serve -d "$1" --face editor --listen 127.0.0.1:0 \
		>"$1.eout" 2>"$1.eerr" &
	EPID=$!
	i=0
	while ! grep -q '^editor face: ' "$1.eout" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $EPID 2>/dev/null; then
			echo "# editor face did not start:"; sed 's/^/# /' "$1.eerr"
			return 1
		fi
		sleep 0.05
	done
	EURL=$(sed -n 's/^editor face: \(http[^ ]*\)\/$/\1/p' "$1.eout")
}

# editor_login JAR NAME PASSWORD CODE: prints the status of the login.
editor_login() {
	curl -s -c "$1" -b "$1" "$EURL/" >"$1.login.html"
	curl -s -c "$1" -b "$1" -o "$1.after.html" -w '%{http_code}' \
		--data-urlencode "csrf=$(csrf_of "$1.login.html")" \
		--data-urlencode "name=$2" --data-urlencode "password=$3" \
		--data-urlencode "code=$4" "$EURL/login"
}
