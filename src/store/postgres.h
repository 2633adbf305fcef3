/*
 * postgres.h - what the PostgreSQL back ends show the rest of samizdat
 * besides their constructors (forum.h): what a locked-in face must keep
 * to connect again.  It owns nothing.
 */
#ifndef SZ_STORE_POSTGRES_H
#define SZ_STORE_POSTGRES_H

#include "core/err.h"
#include "sandbox/sandbox.h"

/* Adds to sb what libpq needs to (re)connect to the database conninfo
 * names, once locked in: Unix sockets for a socket directory (the
 * default), TCP to each host's port (and, for a host name rather than an
 * address, the resolver's files to read), the password file to read if
 * there is one.  SZ_E_INVAL if libpq cannot parse conninfo. */
int sz_pg_confine(const char *conninfo, struct sz_sandbox *sb,
	struct sz_err *err);

#endif
