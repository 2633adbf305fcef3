/*
 * postgres_confine.c - what a face locked in with a PostgreSQL database
 * keeps so that libpq can connect again after the server restarts or
 * fails over (postgres.h): read from the conninfo with libpq's own
 * parser, so the sandbox allows exactly the sockets libpq will open.
 *
 * It does not connect (but for sz_pg_logs_in, which tries a login and
 * nothing more), and it allows nothing for a database the conninfo does
 * not name.
 */
#include "store/postgres.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_DEFAULT_PORT 5432

/* The resolver's files: a host name is looked up at every connect. */
static const char *const resolver_files[] = { "/etc/hosts",
	"/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf",
	"/etc/gai.conf" };

static bool is_address(const char *h)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

/* The i-th item of a comma-separated list (libpq's multi-host form), or
 * the last one if there are fewer (one port for every host). */
static void item(const char *list, size_t i, char *out, size_t cap)
{
	const char *p = list ? list : "";
	for (size_t k = 0; k < i && strchr(p, ',') != NULL; k++)
		p = strchr(p, ',') + 1;
	size_t n = strcspn(p, ",");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static int allow_host(struct sz_sandbox *sb, const char *host,
	const char *hostaddr, const char *port, struct sz_err *err)
{
	/* no host and no address, or a directory: a Unix socket */
	if ((host[0] == '\0' || host[0] == '/' || host[0] == '@') &&
	    hostaddr[0] == '\0')
		return sz_sandbox_allow_connect(sb, SZ_SB_NET_UNIX, 0, err);
	char *end = NULL;
	long n = port[0] ? strtol(port, &end, 10) : PG_DEFAULT_PORT;
	if ((port[0] && *end != '\0') || n < 1 || n > 65535)
		return sz_err_set(err, SZ_E_INVAL, "the database setting names "
			"port \"%s\", which is not a TCP port", port);
	int rc = sz_sandbox_allow_connect(sb, SZ_SB_NET_TCP, (uint16_t)n, err);
	bool lookup = hostaddr[0] == '\0' && !is_address(host);
	for (size_t i = 0; rc == SZ_OK && lookup &&
	     i < sizeof(resolver_files) / sizeof(resolver_files[0]); i++)
		rc = sz_sandbox_allow(sb, resolver_files[i],
			SZ_SB_READ | SZ_SB_OPTIONAL, err);
	return rc;
}

int sz_pg_confine(const char *conninfo, struct sz_sandbox *sb,
	struct sz_err *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	if (opts == NULL) {
		int rc = sz_err_set(err, SZ_E_INVAL, "the database setting is not "
			"a conninfo libpq understands: %s", msg ? msg :
			"out of memory");
		PQfreemem(msg);
		return rc;
	}
	const char *host = NULL, *hostaddr = NULL, *port = NULL,
		*passfile = NULL;
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "passfile") == 0)
			passfile = o->val;
	}
	/* libpq's defaults from the environment count too */
	if (host == NULL)
		host = getenv("PGHOST");
	if (hostaddr == NULL)
		hostaddr = getenv("PGHOSTADDR");
	if (port == NULL)
		port = getenv("PGPORT");
	size_t hosts = 1;
	const char *many = host && host[0] ? host : hostaddr ? hostaddr : "";
	for (const char *p = many; *p; p++)
		hosts += *p == ',';
	int rc = SZ_OK;
	for (size_t i = 0; rc == SZ_OK && i < hosts; i++) {
		char h[256], a[64], pt[16];
		item(host, i, h, sizeof(h));
		item(hostaddr, i, a, sizeof(a));
		item(port, i, pt, sizeof(pt));
		rc = allow_host(sb, h, a, pt, err);
	}
	if (rc == SZ_OK && passfile != NULL && passfile[0] == '/')
		rc = sz_sandbox_allow(sb, passfile, SZ_SB_READ | SZ_SB_OPTIONAL,
			err);
	PQconninfoFree(opts);
	return rc;
}

bool sz_pg_logs_in(const char *conninfo, char *role, size_t cap)
{
	/* the conninfo expanded, then a bound on the wait that overrides it */
	const char *const keys[] = { "dbname", "connect_timeout", NULL };
	const char *const vals[] = { conninfo, "5", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	bool in = c != NULL && PQstatus(c) == CONNECTION_OK;
	if (in && role != NULL && cap > 0)
		snprintf(role, cap, "%s", PQuser(c) ? PQuser(c) : "?");
	PQfinish(c);
	return in;
}
