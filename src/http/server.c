/*
 * server.c - libmicrohttpd glue.  The connection gate (gate.c) owns the
 * listening socket and every connection while it waits for a request
 * head; a connection with a whole, well-formed head gets a thread here
 * (handlers may block on Argon2 or fsync without stalling other clients),
 * with a per-request time limit checked while the body streams, and
 * Content-Length checked before any body is read.
 */
#include "http/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"   /* N_: the faces translate these messages */
#include "core/unreachable.h"
#include "http/gate.h"

#define THREAD_STACK (1u << 20)   /* per request thread (8 MiB by default) */

struct sz_http_server {
	struct MHD_Daemon *d;
	struct sz_gate *gate;
	const struct sz_route *routes;
	size_t nroutes;
	struct sz_http_limits limits;
	sz_error_page_fn error_page;
	void *app;
	atomic_uint in_flight;
	bool quiesced;
};

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* A page the gate answers before there is a request (gate_respond) has
 * no connection: it has no headers, query or cookies either. */
const char *sz_request_header(struct sz_request *rq, const char *name)
{
	if (rq->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sz_request_param(const struct sz_request *rq, const char *name)
{
	return sz_route_param(&rq->params, name);
}

int64_t sz_request_param_id(const struct sz_request *rq, const char *name)
{
	const char *v = sz_request_param(rq, name);
	char *end;
	if (v == NULL || *v < '0' || *v > '9')
		return 0;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	return *end == '\0' && errno == 0 && n > 0 ? n : 0;
}

const char *sz_request_query(struct sz_request *rq, const char *name)
{
	if (rq->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
		name);
}

bool sz_request_cookie(struct sz_request *rq, const char *name, char *out,
	size_t cap)
{
	const char *v = rq->conn == NULL ? NULL :
		MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
	if (v == NULL || strlen(v) >= cap)
		return false;
	memcpy(out, v, strlen(v) + 1);
	return true;
}

void sz_request_secure_page(struct sz_request *rq)
{
	size_t max = rq->page.max;
	sz_buf_free(&rq->page);
	sz_buf_init_secure(&rq->page, max);
}

int sz_request_fail(struct sz_request *rq, unsigned status, const char *msg)
{
	if (!rq->error) {
		rq->error = true;
		rq->error_status = status;
		snprintf(rq->error_msg, sizeof(rq->error_msg), "%s", msg);
	}
	return SZ_E_INVAL;
}

/* On every response, the gate's own error pages included. */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'none'; style-src 'self'; "
	  "img-src 'self'; form-action 'self'; frame-ancestors 'none'" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
	{ "X-Frame-Options", "DENY" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
	{ "Permissions-Policy", "interest-cohort=()" },
};
#define NSECURITY (sizeof(security_headers) / sizeof(security_headers[0]))

/* The table's headers; a face that set rq->cache_control (what anyone
 * may read) replaces "no-store" with it, and adds its ETag. */
static void add_security_headers(struct MHD_Response *r,
	const struct sz_request *rq)
{
	for (size_t i = 0; i < NSECURITY; i++) {
		bool cache = strcmp(security_headers[i][0], "Cache-Control") == 0;
		MHD_add_response_header(r, security_headers[i][0],
			cache && rq->cache_control ? rq->cache_control :
			security_headers[i][1]);
	}
	if (rq->cache_control != NULL && rq->etag[0])
		MHD_add_response_header(r, "ETag", rq->etag);
}

/* A request and what the gate needs to know of it when it ends. */
struct req_box {
	struct sz_request rq;
	bool http11, has_body, body_done, closing;
};

/* The callback's context carries its own reader: the request's fields
 * are gone by the time libmicrohttpd reads. */
struct stream_box {
	long (*read)(void *ctx, uint64_t pos, char *buf, size_t max);
};

static ssize_t stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_box *box = cls;
	long n = box->read(cls, pos, buf, max);
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return (ssize_t)n;
}

static void release_page(void *page)
{
	sz_buf_release_data(page, 0);
}

static void release_secure_page(void *page)
{
	sz_buf_release_data(page, 1);
}

static enum MHD_Result send_page(struct sz_request *rq, bool close)
{
	struct MHD_Response *r;
	if (rq->stream_read != NULL) {
		r = MHD_create_response_from_callback(rq->stream_size, 65536,
			stream_cb, rq->stream_ctx, rq->stream_free);
		if (r != NULL)
			rq->stream_read = NULL, rq->stream_free = NULL,
			rq->stream_ctx = NULL; /* libmicrohttpd owns it now */
	} else if (rq->fd >= 0) {
		/* libmicrohttpd streams the file and closes it. */
		r = MHD_create_response_from_fd64(rq->fd_size, rq->fd);
		if (r != NULL)
			rq->fd = -1;
	} else {
		/* libmicrohttpd takes the page itself, and wipes it when it is
		 * sent: a copy would keep whatever it showed (a codename). */
		size_t len;
		int secure;
		uint8_t *page = sz_buf_take(&rq->page, &len, &secure);
		r = MHD_create_response_from_buffer_with_free_callback(len, page,
			secure ? release_secure_page : release_page);
		if (r == NULL)
			sz_buf_release_data(page, secure);
	}
	if (r == NULL)
		return MHD_NO;
	if (rq->disposition[0])
		MHD_add_response_header(r, "Content-Disposition",
			rq->disposition);
	add_security_headers(r, rq);
	MHD_add_response_header(r, "Content-Type", rq->content_type ?
		rq->content_type : "text/html; charset=utf-8");
	if (rq->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", rq->set_cookie);
	if (rq->set_cookie2[0])
		MHD_add_response_header(r, "Set-Cookie", rq->set_cookie2);
	if (rq->location[0])
		MHD_add_response_header(r, "Location", rq->location);
	if (rq->retry_after > 0) {
		char v[24];
		snprintf(v, sizeof(v), "%u", rq->retry_after);
		MHD_add_response_header(r, "Retry-After", v);
	}
	struct req_box *box = (struct req_box *)(void *)rq;
	if (close || box->closing) {
		MHD_add_response_header(r, "Connection", "close");
		box->closing = true;
	}
	enum MHD_Result ret = MHD_queue_response(rq->conn,
		rq->status ? rq->status : 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct sz_http_server *s,
	struct sz_request *rq, unsigned status, const char *msg, bool hang_up)
{
	sz_buf_free(&rq->page);   /* wipes what the handler had built */
	if (rq->fd >= 0)
		close(rq->fd);
	rq->fd = -1;
	if (rq->stream_free != NULL)
		rq->stream_free(rq->stream_ctx);
	rq->stream_read = NULL;
	rq->stream_free = NULL;
	rq->disposition[0] = '\0';
	rq->cache_control = NULL;
	rq->etag[0] = '\0';
	rq->set_cookie[0] = '\0';
	rq->location[0] = '\0';
	rq->content_type = NULL;
	rq->status = status;
	s->error_page(rq, status, msg);
	return send_page(rq, hang_up);
}

/* The first route whose pattern matches the path and whose method is
 * the request's (HEAD is answered by GET routes); its captures go into
 * params. */
static const struct sz_route *find_route(struct sz_http_server *s,
	const char *method, const char *path, struct sz_route_params *params,
	bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < s->nroutes; i++) {
		if (!sz_route_match(s->routes[i].path, path, params))
			continue;
		*path_known = true;
		if (strcmp(s->routes[i].method, method) == 0)
			return &s->routes[i];
		if (strcmp(method, "HEAD") == 0 &&
		    strcmp(s->routes[i].method, "GET") == 0)
			return &s->routes[i];
	}
	return NULL;
}

/* The answer when the database went away during the request (the
 * calling thread noted it, core/unreachable.h): whatever the handler
 * made of it (an error, or a page missing what it could not read, a
 * visitor seemingly logged out), a clear 503 that asks to come back.
 * Writes are transactions, so nothing half-done is visible. */
static enum MHD_Result send_unreachable(struct sz_http_server *s,
	struct sz_request *rq, bool hang_up)
{
	sz_unreachable_clear();
	rq->retry_after = SZ_UNREACHABLE_RETRY_S;
	return send_error(s, rq, 503, N_("The service is briefly unavailable. "
		"Nothing you sent was kept; please try again in a minute."),
		hang_up);
}

static enum MHD_Result first_call(struct sz_http_server *s,
	struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, void **con_cls)
{
	/* A request whose head the gate did not check (libmicrohttpd read it
	 * ahead, pipelined) is not answered. */
	bool last = false;
	if (!sz_gate_request_begins(s->gate, conn, &last))
		return MHD_NO;
	struct req_box *box = calloc(1, sizeof(*box));
	if (box == NULL)
		return MHD_NO;
	box->closing = last;
	struct sz_request *rq = &box->rq;
	*con_cls = box;
	sz_unreachable_clear();   /* this connection's thread: its request */
	atomic_fetch_add(&s->in_flight, 1);
	box->http11 = strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_TRANSFER_ENCODING);
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_LENGTH);
	box->has_body = te != NULL || (len != NULL && strcmp(len, "0") != 0);
	sz_gate_request_body(s->gate, conn, 0, box->has_body);
	const char *c = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONNECTION);
	if (c != NULL && strcasestr(c, "close") != NULL)
		box->closing = true;
	rq->conn = conn;
	rq->fd = -1;
	rq->app = s->app;
	rq->method = method;
	rq->path = url;
	rq->started = now_s();
	sz_buf_init(&rq->page, SZ_HTTP_MAX_PAGE);

	bool known;
	rq->route = find_route(s, method, url, &rq->params, &known);
	if (rq->route == NULL)
		return send_error(s, rq, known ? 405 : 404, known ?
			N_("This page cannot be used that way.") :
			N_("There is no such page here."), !known ? false : true);

	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		"Content-Length");
	uint64_t limit = rq->route->body_data ? s->limits.max_body :
		rq->route->max_body;
	if (cl != NULL) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);
		if (*end != '\0' || n > limit)
			return send_error(s, rq, 413, N_("What you sent is larger "
				"than this server accepts."), true);
	}
	sz_buf_init(&rq->body, rq->route->max_body);
	if (rq->route->body_begin && rq->route->body_begin(rq) != 0 &&
	    sz_unreachable())
		return send_unreachable(s, rq, true);
	if (rq->route->body_begin && rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, true);
	return MHD_YES;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn,
	const char *url, const char *method, const char *version,
	const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct sz_http_server *s = cls;
	struct sz_request *rq = *con_cls;
	if (rq == NULL)
		return first_call(s, conn, url, method, version, con_cls);
	if (rq->route == NULL)
		return MHD_YES; /* an error page is already queued */

	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (now_s() - rq->started > (time_t)s->limits.request_timeout_s)
			return MHD_NO; /* too slow: drop it */
		rq->body_bytes += n;
		sz_gate_request_body(s->gate, conn, rq->body_bytes, true);
		uint64_t limit = rq->route->body_data ? s->limits.max_body :
			rq->route->max_body;
		if (rq->body_bytes > limit)
			return MHD_NO; /* chunked past the limit */
		if (rq->error)
			return MHD_YES; /* drain what is left, then answer */
		if (rq->route->body_data) {
			if (rq->route->body_data(rq, (const uint8_t *)upload_data,
				    n) != 0)
				sz_request_fail(rq, 400, N_("The upload could not "
					"be read."));
		} else if (sz_buf_append(&rq->body, upload_data, n) != 0) {
			sz_request_fail(rq, 413, N_("What you sent is larger "
				"than this server accepts."));
		}
		return MHD_YES;
	}
	((struct req_box *)(void *)rq)->body_done = true;
	sz_gate_request_body(s->gate, conn, rq->body_bytes, false);
	if (sz_unreachable())
		return send_unreachable(s, rq, false);
	if (rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, false);
	int rc = rq->route->handle(rq);
	if (sz_unreachable())
		return send_unreachable(s, rq, false);
	if (rc != 0 && rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, false);
	if (rc != 0)
		return send_error(s, rq, 500, N_("Something went wrong on the "
			"server. Nothing you sent was kept."), false);
	return send_page(rq, false);
}

/*
 * Handlers keep secrets on the stack for a moment (a file name being
 * parsed, a session's copy), and this is a connection's own thread,
 * whose stack glibc keeps and hands to a later connection: once a request
 * is done, the stack below this frame, where the handlers ran, is wiped.
 */
static void __attribute__((noinline)) scrub_stack(void)
{
	uint8_t below[SZ_HTTP_STACK_SCRUB];
	sodium_memzero(below, sizeof(below));
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct sz_http_server *s = cls;
	struct sz_request *rq = *con_cls;
	if (rq == NULL)
		return;
	struct req_box *box = (struct req_box *)(void *)rq;
	sz_gate_request_ends(s->gate, conn, toe, box->http11 && !box->closing &&
		(!box->has_body || box->body_done));
	if (rq->route && rq->route->cleanup)
		rq->route->cleanup(rq);
	sz_buf_free(&rq->body);
	sz_buf_free(&rq->page);
	if (rq->fd >= 0)
		close(rq->fd);
	if (rq->stream_free != NULL)
		rq->stream_free(rq->stream_ctx);
	sodium_memzero(rq, sizeof(*rq));   /* its error message may name a file */
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
	scrub_stack();
}

/* The gate's ready responses: the face's error page with the headers
 * every response has, and "Connection: close". */
static void gate_respond(void *ctx, unsigned status, const char *message,
	struct sz_buf *out)
{
	struct sz_http_server *s = ctx;
	struct sz_request rq;
	memset(&rq, 0, sizeof(rq));
	rq.fd = -1;
	rq.app = s->app;    /* the face's look; no connection, no request */
	sz_buf_init(&rq.page, SZ_HTTP_MAX_PAGE);
	s->error_page(&rq, status, message);
	const char *reason = MHD_get_reason_phrase_for(status);
	int rc = sz_buf_printf(out, "HTTP/1.1 %u %s\r\nContent-Type: text/html; "
		"charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n",
		status, reason ? reason : "Error", rq.page.len);
	for (size_t i = 0; rc == 0 && i < NSECURITY; i++)
		rc = sz_buf_printf(out, "%s: %s\r\n", security_headers[i][0],
			security_headers[i][1]);
	if (rc == 0)
		rc = sz_buf_puts(out, "\r\n");
	if (rc == 0 && rq.page.len > 0)
		rc = sz_buf_append(out, rq.page.data, rq.page.len);
	if (rc != 0)
		sz_buf_free(out);
	sz_buf_free(&rq.page);
}

int sz_http_start_fd(struct sz_http_server **out, int fd,
	const struct sz_route *routes, size_t nroutes,
	const struct sz_http_limits *limits, sz_error_page_fn error_page,
	void *app, struct sz_err *err)
{
	*out = NULL;
	struct sz_http_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		close(fd);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	s->routes = routes;
	s->nroutes = nroutes;
	s->limits = *limits;
	s->error_page = error_page;
	s->app = app;
	struct sz_gate_conf gc = {
		.max_connections = limits->max_connections,
		.idle_s = limits->idle_timeout_s,
		.header_s = limits->header_timeout_s,
		.max_header_bytes = limits->max_header_bytes,
		.respond = gate_respond,
		.respond_ctx = s,
	};
	struct sz_err gerr;
	unsigned port = sz_http_listen_port(fd);
	if (sz_gate_open(&s->gate, fd, &gc, &gerr) != SZ_OK) {
		free(s);
		return sz_err_set(err, SZ_E_IO, "cannot serve on port %u: %s",
			port, gerr.msg);
	}
	/* No listening socket of its own: the gate hands over connections
	 * whose request head it has checked.  poll(), not select(): they may
	 * have descriptors past FD_SETSIZE. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC | MHD_USE_POLL |
		MHD_USE_NO_LISTEN_SOCKET | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, s,
		MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)(2 * (limits->max_connections + SZ_GATE_RESERVE)),
		MHD_OPTION_CONNECTION_TIMEOUT, limits->idle_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, 2 * limits->max_header_bytes >
			SZ_HTTP_POOL_MIN ? 2 * limits->max_header_bytes :
			(size_t)SZ_HTTP_POOL_MIN,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, sz_gate_notify, s->gate,
		MHD_OPTION_END);
	if (s->d == NULL || sz_gate_run(s->gate, s->d, &gerr) != SZ_OK) {
		sz_gate_halt(s->gate);
		if (s->d != NULL)
			MHD_stop_daemon(s->d);
		sz_gate_free(s->gate);
		free(s);
		return sz_err_set(err, SZ_E_IO, "cannot serve on port %u", port);
	}
	*out = s;
	return SZ_OK;
}

int sz_http_start(struct sz_http_server **out, const char *listen,
	const struct sz_route *routes, size_t nroutes,
	const struct sz_http_limits *limits, sz_error_page_fn error_page,
	void *app, struct sz_err *err)
{
	int fd;
	*out = NULL;
	int rc = sz_http_listen(listen, &fd, err);
	return rc ? rc : sz_http_start_fd(out, fd, routes, nroutes, limits,
		error_page, app, err);
}

unsigned sz_http_port(const struct sz_http_server *s)
{
	return sz_gate_port(s->gate);
}

unsigned sz_http_in_flight(struct sz_http_server *s)
{
	return atomic_load(&s->in_flight);
}

unsigned sz_http_connections(struct sz_http_server *s)
{
	return sz_gate_connections(s->gate);
}

void sz_http_quiesce(struct sz_http_server *s)
{
	if (!s->quiesced)
		sz_gate_quiesce(s->gate);
	s->quiesced = true;
}

void sz_http_stop(struct sz_http_server *s, unsigned grace_s)
{
	if (s == NULL)
		return;
	sz_http_quiesce(s);
	time_t until = now_s() + (time_t)grace_s;
	while (atomic_load(&s->in_flight) > 0 && now_s() < until)
		usleep(20000);
	sz_gate_halt(s->gate);
	MHD_stop_daemon(s->d);
	sz_gate_free(s->gate);
	free(s);
}
