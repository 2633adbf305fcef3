/*
 * server.h - an HTTP face on GNU libmicrohttpd: one static route table per
 * face, a per-request context released by one cleaner, explicit limits
 * (connections are held to them by the gate, gate.h, before a request
 * head is even complete: slow and idle clients cost no thread), strict
 * request heads, the same security headers on every response, and a
 * shutdown that lets requests in flight finish.
 *
 * What it deliberately does not do: look at, keep or log the client's
 * address, user agent or referrer, or log requests at all.  A seized
 * server must not say who spoke to it, or when.
 */
#ifndef SZ_HTTP_SERVER_H
#define SZ_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"
#include "http/route.h"

#define SZ_HTTP_MAX_BODY_BUFFERED (64 * 1024) /* urlencoded forms */
#define SZ_HTTP_MAX_PAGE (4 * 1024 * 1024)
#define SZ_HTTP_COOKIE_MAX 256
/* libmicrohttpd keeps each connection's request (headers and the body as
 * it arrives: a codename typed at login, a message) in a memory pool.
 * Pools of 32 KiB or less come from malloc and go back to it unwiped;
 * larger ones are mapped and unmapped, so the kernel takes the bytes
 * away when the connection closes (and a pool is zeroed between two
 * requests on one connection).  So a pool is never smaller than this. */
#define SZ_HTTP_POOL_MIN (48 * 1024)
/* Bytes of a connection thread's stack wiped after each request. */
#define SZ_HTTP_STACK_SCRUB (256 * 1024)

struct sz_request;

/* A route: path is a pattern (http/route.h) whose ":name" segments the
 * handler reads with sz_request_param ("/doc/:id" answers "/doc/12").
 * The handler runs once the whole request has arrived.  Routes
 * with a body either let it be buffered (up to max_body bytes: forms) or
 * stream it through body_data (uploads). */
struct sz_route {
	const char *method;
	const char *path;
	int (*handle)(struct sz_request *rq);
	size_t max_body;
	int (*body_begin)(struct sz_request *rq);
	int (*body_data)(struct sz_request *rq, const uint8_t *data,
		size_t len);
	void (*cleanup)(struct sz_request *rq);
};

struct sz_http_limits {
	unsigned max_connections;   /* all of them, waiting or working */
	unsigned idle_timeout_s;    /* for a request's first byte */
	unsigned header_timeout_s;  /* from it to the end of the head */
	unsigned request_timeout_s;
	size_t max_header_bytes;
	uint64_t max_body;   /* streamed bodies: Content-Length over this is
	                        refused before a byte is read */
};

struct sz_request {
	void *conn;                 /* struct MHD_Connection */
	void *app;                  /* the face's state */
	const struct sz_route *route;
	const char *method;
	const char *path;
	struct sz_route_params params;  /* what the route's pattern captured */
	time_t started;             /* monotonic seconds, never stored */
	uint64_t body_bytes;
	struct sz_buf body;         /* buffered bodies */
	void *handler_ctx;          /* the route's own state */
	/* the response */
	unsigned status;
	struct sz_buf page;
	const char *content_type;
	char set_cookie[SZ_HTTP_COOKIE_MAX];
	/* a second cookie: the reader's language (web/i18n.h), which an
	 * error page keeps */
	char set_cookie2[SZ_HTTP_COOKIE_MAX];
	char location[256];
	unsigned retry_after;        /* seconds; 0: no Retry-After */
	char disposition[160];      /* Content-Disposition, for downloads */
	/* Cache-Control: NULL is "no-store" (every face's default; error
	 * pages always); a face sets it for what anyone may keep. */
	const char *cache_control;
	char etag[72];              /* ETag, quoted; "" for none */
	int fd;                     /* if >= 0, the body is this file (owned) */
	uint64_t fd_size;
	/* or, if stream_read is set, the body is generated: stream_size bytes
	 * read in order; stream_free releases stream_ctx (also on errors).
	 * stream_ctx must begin with stream_read's own pointer, since it
	 * outlives the request: struct { long (*read)(...); ... }. */
	long (*stream_read)(void *ctx, uint64_t pos, char *buf, size_t max);
	void (*stream_free)(void *ctx);
	void *stream_ctx;
	uint64_t stream_size;
	bool error;                 /* the body failed: handle() shows it */
	unsigned error_status;
	char error_msg[1024];       /* room for a translated sentence */
};

/* A request header's value, or NULL. */
const char *sz_request_header(struct sz_request *rq, const char *name);
/* A path parameter captured by the route (":name"), or NULL. */
const char *sz_request_param(const struct sz_request *rq, const char *name);
/* A path parameter that is a whole number from 1 up, or 0. */
int64_t sz_request_param_id(const struct sz_request *rq, const char *name);
/* A query argument's value, or NULL. */
const char *sz_request_query(struct sz_request *rq, const char *name);
/* The value of cookie name (copied into out, bounded), or false. */
bool sz_request_cookie(struct sz_request *rq, const char *name, char *out,
	size_t cap);
/* The page will show a secret (a codename): it is built in locked
 * memory from here on (core/buf.h), and wiped when sent. */
void sz_request_secure_page(struct sz_request *rq);
/* Marks the body as failed: handle() will see rq->error. */
int sz_request_fail(struct sz_request *rq, unsigned status,
	const char *msg);

/* Error pages are produced by the face (so they look like its other pages):
 * this renders status + message into rq->page. */
typedef void (*sz_error_page_fn)(struct sz_request *rq, unsigned status,
	const char *message);

struct sz_http_server;

/* A listening socket on host:port ("127.0.0.1:8080", port 0 for any
 * free one), close-on-exec, into *fd.  A port in use is an error that
 * names it (SZ_E_EXISTS): it is never shared with another server. */
int sz_http_listen(const char *listen, int *fd, struct sz_err *err);
/* The port a listening socket is bound to. */
unsigned sz_http_listen_port(int fd);

/* Starts serving on the listening socket fd (which the server then owns
 * and closes).  routes must live as long as the server. */
int sz_http_start_fd(struct sz_http_server **out, int fd,
	const struct sz_route *routes, size_t nroutes,
	const struct sz_http_limits *limits, sz_error_page_fn error_page,
	void *app, struct sz_err *err);
/* The same on a new listening socket on host:port. */
int sz_http_start(struct sz_http_server **out, const char *listen,
	const struct sz_route *routes, size_t nroutes,
	const struct sz_http_limits *limits, sz_error_page_fn error_page,
	void *app, struct sz_err *err);

/* The port actually bound (useful with port 0). */
unsigned sz_http_port(const struct sz_http_server *s);

/* Stops accepting new connections; requests in flight go on. */
void sz_http_quiesce(struct sz_http_server *s);

/* Stops accepting, waits up to grace_s for requests in flight, stops. */
void sz_http_stop(struct sz_http_server *s, unsigned grace_s);

/* Requests in flight now. */
unsigned sz_http_in_flight(struct sz_http_server *s);
/* Connections open now (waiting for a request head, or in one). */
unsigned sz_http_connections(struct sz_http_server *s);

#endif
