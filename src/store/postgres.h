/*
 * postgres.h - what the PostgreSQL back ends show the rest of samizdat
 * besides their constructors (forum.h): what a locked-in face must keep
 * to connect again.  It owns nothing.
 */
#ifndef SZ_STORE_POSTGRES_H
#define SZ_STORE_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "sandbox/sandbox.h"

/* Adds to sb what libpq needs to (re)connect to the database conninfo
 * names, once locked in: Unix sockets for a socket directory (the
 * default), TCP to each host's port (and, for a host name rather than an
 * address, the resolver's files to read), the password file to read if
 * there is one.  SZ_E_INVAL if libpq cannot parse conninfo. */
int sz_pg_confine(const char *conninfo, struct sz_sandbox *sb,
	struct sz_err *err);

/* Whether this process, as it is now (locked in or not), can log in to
 * the database conninfo names (5 s at most); role, if not NULL, gets the
 * role it logged in as.  A face that must never reach a database asks
 * this after its lock-in, to tell its operator if it can. */
bool sz_pg_logs_in(const char *conninfo, char *role, size_t cap);

#endif
