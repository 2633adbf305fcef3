#!/bin/sh
# tests/pg/cluster.sh - a throw-away PostgreSQL cluster for the tests.
#
#   tests/pg/cluster.sh start DIR   initdb + pg_ctl start in DIR (created,
#                                   or empty; as root, its parent must be
#                                   reachable by nobody, as /tmp is);
#                                   prints a libpq conninfo
#   tests/pg/cluster.sh env DIR     prints SAMIZDAT_TEST_PG=<conninfo>
#   tests/pg/cluster.sh stop DIR    stops the server and removes DIR
#   tests/pg/cluster.sh halt DIR    stops the server (pg_ctl stop -m fast),
#                                   keeping DIR: a database gone away
#   tests/pg/cluster.sh resume DIR  starts a halted server again
#   tests/pg/cluster.sh available   exit 0 if PostgreSQL is installed;
#                                   else says why on stderr, exit 77
#
# The server listens ONLY on a Unix socket in DIR (listen_addresses is
# empty: nothing on the network reaches it), with fsync off (a test
# cluster is thrown away, so durability buys nothing) and trust
# authentication on that socket (DIR is mode 0700: only its owner and
# root can reach it).  initdb refuses to run as root, and CI runs as
# root: then the cluster belongs to `nobody`, which owns DIR.  Debian's
# server binaries live in /usr/lib/postgresql/VERSION/bin, not on PATH.
#
# SAMIZDAT_PG_SETTINGS adds server settings ("-c shared_buffers=6GB"):
# bench/search.sh gives a cluster the memory an operator would.
#
# It does not create databases: a test creates its own (CREATE DATABASE
# through the conninfo's `postgres` database) and drops it when done.
set -eu

bindir() {
	if [ -n "${SAMIZDAT_PG_BINDIR:-}" ]; then
		echo "$SAMIZDAT_PG_BINDIR"
		return
	fi
	# the highest installed version
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	done
}

# Runs a command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

# Starts the server of DIR (initdb'd already).
serve() {
	as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w \
		-o "-c listen_addresses='' -c unix_socket_directories='$1' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${SAMIZDAT_PG_SETTINGS:-}" \
		start >/dev/null || {
		cat "$1/server.log" >&2
		exit 1
	}
}

conninfo() {
	echo "host=$1 port=5432 user=postgres dbname=postgres"
}

cmd=${1:-}
bin=$(bindir)
case "$cmd" in
available)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): scripts/deps check installs it" >&2
		exit 77
	fi
	exit 0 ;;
start)
	dir=${2:?usage: cluster.sh start DIR}
	"$0" available || exit 77
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	chmod 0700 "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody:nogroup "$dir"
	fi
	as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	serve "$dir"
	conninfo "$dir" ;;
halt)
	dir=${2:?usage: cluster.sh halt DIR}
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
resume)
	dir=${2:?usage: cluster.sh resume DIR}
	serve "$(cd "$dir" && pwd)" ;;
env)
	dir=${2:?usage: cluster.sh env DIR}
	dir=$(cd "$dir" && pwd)
	echo "SAMIZDAT_TEST_PG=$(conninfo "$dir")" ;;
stop)
	dir=${2:?usage: cluster.sh stop DIR}
	[ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate \
		-w stop >/dev/null 2>&1 || true
	rm -rf "$dir" ;;
*)
	echo "usage: tests/pg/cluster.sh start|stop|halt|resume|env DIR | available" >&2
	exit 2 ;;
esac
