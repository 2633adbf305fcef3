/*
 * server.c - libmicrohttpd glue.  One thread per connection (handlers may
 * block on Argon2 or fsync without stalling other clients), a connection
 * cap, an idle timeout, a header size cap, a per-request time limit checked
 * while the body streams, and Content-Length checked before any body is
 * read.  A client over the request limit still gets a page ("busy") from
 * a small reserve of connections above it.
 */
#include "http/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define CONNECTION_RESERVE 64

struct sz_http_server {
	struct MHD_Daemon *d;
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

const char *sz_request_header(struct sz_request *rq, const char *name)
{
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
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
		name);
}

bool sz_request_cookie(struct sz_request *rq, const char *name, char *out,
	size_t cap)
{
	const char *v = MHD_lookup_connection_value(rq->conn,
		MHD_COOKIE_KIND, name);
	if (v == NULL || strlen(v) >= cap)
		return false;
	memcpy(out, v, strlen(v) + 1);
	return true;
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

static void add_security_headers(struct MHD_Response *r,
	const struct sz_request *rq)
{
	MHD_add_response_header(r, "Content-Security-Policy",
		"default-src 'none'; style-src 'self'; img-src 'self'; "
		"form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", rq->cache_control ?
		rq->cache_control : "no-store");
	if (rq->cache_control != NULL && rq->etag[0])
		MHD_add_response_header(r, "ETag", rq->etag);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy", "interest-cohort=()");
}

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
		r = MHD_create_response_from_buffer(rq->page.len,
			rq->page.data, MHD_RESPMEM_MUST_COPY);
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
	if (rq->location[0])
		MHD_add_response_header(r, "Location", rq->location);
	if (close)
		MHD_add_response_header(r, "Connection", "close");
	enum MHD_Result ret = MHD_queue_response(rq->conn,
		rq->status ? rq->status : 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct sz_http_server *s,
	struct sz_request *rq, unsigned status, const char *msg, bool hang_up)
{
	rq->page.len = 0;
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

static enum MHD_Result first_call(struct sz_http_server *s,
	struct MHD_Connection *conn, const char *url, const char *method,
	void **con_cls)
{
	struct sz_request *rq = calloc(1, sizeof(*rq));
	if (rq == NULL)
		return MHD_NO;
	*con_cls = rq;
	atomic_fetch_add(&s->in_flight, 1);
	rq->conn = conn;
	rq->fd = -1;
	rq->app = s->app;
	rq->method = method;
	rq->path = url;
	rq->started = now_s();
	sz_buf_init(&rq->page, SZ_HTTP_MAX_PAGE);

	if (atomic_load(&s->in_flight) > s->limits.max_connections)
		return send_error(s, rq, 503, "The server is busy. Please try "
			"again in a few minutes.", true);
	bool known;
	rq->route = find_route(s, method, url, &rq->params, &known);
	if (rq->route == NULL)
		return send_error(s, rq, known ? 405 : 404, known ?
			"This page cannot be used that way." :
			"There is no such page here.", !known ? false : true);

	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		"Content-Length");
	uint64_t limit = rq->route->body_data ? s->limits.max_body :
		rq->route->max_body;
	if (cl != NULL) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);
		if (*end != '\0' || n > limit)
			return send_error(s, rq, 413, "What you sent is larger "
				"than this server accepts.", true);
	}
	sz_buf_init(&rq->body, rq->route->max_body);
	if (rq->route->body_begin && rq->route->body_begin(rq) != 0 &&
	    rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, true);
	return MHD_YES;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn,
	const char *url, const char *method, const char *version,
	const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct sz_http_server *s = cls;
	struct sz_request *rq = *con_cls;
	if (rq == NULL)
		return first_call(s, conn, url, method, con_cls);
	if (rq->route == NULL)
		return MHD_YES; /* an error page is already queued */

	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (now_s() - rq->started > (time_t)s->limits.request_timeout_s)
			return MHD_NO; /* too slow: drop it */
		rq->body_bytes += n;
		uint64_t limit = rq->route->body_data ? s->limits.max_body :
			rq->route->max_body;
		if (rq->body_bytes > limit)
			return MHD_NO; /* chunked past the limit */
		if (rq->error)
			return MHD_YES; /* drain what is left, then answer */
		if (rq->route->body_data) {
			if (rq->route->body_data(rq, (const uint8_t *)upload_data,
				    n) != 0)
				sz_request_fail(rq, 400, "The upload could not "
					"be read.");
		} else if (sz_buf_append(&rq->body, upload_data, n) != 0) {
			sz_request_fail(rq, 413, "What you sent is larger than "
				"this server accepts.");
		}
		return MHD_YES;
	}
	if (rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, false);
	int rc = rq->route->handle(rq);
	if (rc != 0 && rq->error)
		return send_error(s, rq, rq->error_status, rq->error_msg, false);
	if (rc != 0)
		return send_error(s, rq, 500, "Something went wrong on the "
			"server. Nothing you sent was kept.", false);
	return send_page(rq, false);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	(void)conn, (void)toe;
	struct sz_http_server *s = cls;
	struct sz_request *rq = *con_cls;
	if (rq == NULL)
		return;
	if (rq->route && rq->route->cleanup)
		rq->route->cleanup(rq);
	sz_buf_free(&rq->body);
	sz_buf_free(&rq->page);
	if (rq->fd >= 0)
		close(rq->fd);
	if (rq->stream_free != NULL)
		rq->stream_free(rq->stream_ctx);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

int sz_http_start(struct sz_http_server **out, const char *listen,
	const struct sz_route *routes, size_t nroutes,
	const struct sz_http_limits *limits, sz_error_page_fn error_page,
	void *app, struct sz_err *err)
{
	char host[256], *port;
	struct addrinfo hints, *ai = NULL;
	*out = NULL;
	snprintf(host, sizeof(host), "%s", listen);
	port = strrchr(host, ':');
	if (port == NULL)
		return sz_err_set(err, SZ_E_INVAL, "listen address \"%s\" is "
			"not HOST:PORT", listen);
	*port++ = '\0';
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(h, port, &hints, &ai) != 0 || ai == NULL)
		return sz_err_set(err, SZ_E_INVAL, "cannot resolve the listen "
			"address \"%s\"", listen);

	struct sz_http_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		freeaddrinfo(ai);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	s->routes = routes;
	s->nroutes = nroutes;
	s->limits = *limits;
	s->error_page = error_page;
	s->app = app;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, s,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)(limits->max_connections + CONNECTION_RESERVE),
		MHD_OPTION_CONNECTION_TIMEOUT, limits->idle_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits->max_header_bytes,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (s->d == NULL) {
		free(s);
		return sz_err_set(err, SZ_E_IO, "cannot listen on %s (in use, "
			"or not an address of this machine?)", listen);
	}
	*out = s;
	return SZ_OK;
}

unsigned sz_http_port(const struct sz_http_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d,
		MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

unsigned sz_http_in_flight(struct sz_http_server *s)
{
	return atomic_load(&s->in_flight);
}

void sz_http_quiesce(struct sz_http_server *s)
{
	if (!s->quiesced)
		MHD_quiesce_daemon(s->d);
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
	MHD_stop_daemon(s->d);
	free(s);
}
