/*
 * listen.c - the listening socket of a face, made by us rather than by
 * libmicrohttpd: so that a port already in use is an error that names it
 * (never shared: SO_REUSEPORT would let a second server take a share of
 * the connections), and so that `samizdat serve` can make it once and
 * hand it to each restart of a face, which then loses no connection.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"

#define LISTEN_BACKLOG SOMAXCONN  /* floods queue in the kernel, not here */

int sz_http_listen(const char *listen_addr, int *fd, struct sz_err *err)
{
	char host[256], *port;
	struct addrinfo hints, *ai = NULL;
	*fd = -1;
	snprintf(host, sizeof(host), "%s", listen_addr);
	port = strrchr(host, ':');
	if (port == NULL)
		return sz_err_set(err, SZ_E_INVAL, "listen address \"%s\" is "
			"not HOST:PORT", listen_addr);
	*port++ = '\0';
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(h, port, &hints, &ai) != 0 || ai == NULL)
		return sz_err_set(err, SZ_E_INVAL, "cannot resolve the listen "
			"address \"%s\"", listen_addr);
	int s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, rc = SZ_OK;
	/* SO_REUSEADDR only lets a restart bind while old connections are
	 * in TIME_WAIT; it never lets two listeners share the port. */
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot make a socket for %s: %s",
			listen_addr, strerror(errno));
	else if (ai->ai_family == AF_INET6 &&
		 setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot make a socket for %s: %s",
			listen_addr, strerror(errno));
	else if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0)
		rc = errno == EADDRINUSE ?
			sz_err_set(err, SZ_E_EXISTS, "cannot listen on %s: port %s "
				"is in use (by another samizdat, or another program); "
				"stop it, or choose another port", listen_addr, port) :
			sz_err_set(err, SZ_E_IO, "cannot listen on %s: %s (is it an "
				"address of this machine?)", listen_addr,
				strerror(errno));
	else if (listen(s, LISTEN_BACKLOG) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot listen on %s: %s",
			listen_addr, strerror(errno));
	freeaddrinfo(ai);
	if (rc != SZ_OK) {
		if (s >= 0)
			close(s);
		return rc;
	}
	*fd = s;
	return SZ_OK;
}

unsigned sz_http_listen_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}
