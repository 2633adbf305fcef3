/*
 * gate.h - the connection gate in front of libmicrohttpd (src/http only).
 *
 * libmicrohttpd gives every connection a thread from the moment it is
 * accepted, and calls us only once a request's headers are complete: 330
 * clients sending a header line every 10 s, or 1,000 idle connections,
 * held every thread and no real client was served, nor shown a "busy"
 * page.  So the gate owns the listening socket and every connection while
 * it waits for a request head, in one thread with epoll and no per-
 * connection thread or buffer (the bytes are only peeked at, left in the
 * kernel's socket buffer):
 *
 *   - a connection must send its first byte within idle_s, and its whole
 *     head within header_s of that, never pausing for idle_s; otherwise it
 *     is closed (408 if it had started);
 *   - the head is checked strictly (request_head.h) before libmicrohttpd
 *     sees a byte of it; a bad one gets its error page and is closed;
 *   - then the socket goes to libmicrohttpd (MHD_add_connection), whose
 *     thread runs the request;
 *   - after a response on a connection kept alive, that thread waits for
 *     the next request head under the same limits and checks it the same
 *     way, peeking, before libmicrohttpd reads it: every request head on
 *     every connection is checked;
 *   - at most max_connections at once.  When full, the connection that has
 *     waited longest for a request head (idle, slow, or kept alive) is
 *     closed to make room, else the request whose body trickles in
 *     slowest, below SZ_GATE_BODY_MIN_RATE; one that has sent a complete
 *     request never is.  If every connection is busy with a request, the
 *     newcomer gets the "busy" page at once rather than a timeout.
 *
 * libmicrohttpd is never told a client's address (it gets a fixed
 * placeholder), and the gate logs nothing.
 */
#ifndef SZ_HTTP_GATE_H
#define SZ_HTTP_GATE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_GATE_RESERVE 64          /* slots beyond the cap: closings */
#define SZ_GATE_LINGER_MS 2000      /* an error page's wait for the client */
#define SZ_GATE_PEEK_FACTOR 64      /* bytes looked at per head, times the
                                       head limit, before a trickle is cut */
/* A request whose body arrives slower than SZ_GATE_BODY_MIN_RATE bytes a
 * second on average, once SZ_GATE_BODY_GRACE_MS have passed since its
 * head, may be closed to make room when every connection is taken: a
 * slow POST (a byte every few seconds, on as many connections as the cap)
 * held every slot for request_timeout_s, and every other client got the
 * "busy" page.  An upload over a slow Tor circuit sends far more. */
#define SZ_GATE_BODY_MIN_RATE 1024
#define SZ_GATE_BODY_GRACE_MS 10000

struct sz_gate;

/* Writes a whole HTTP response (status line, headers, "Connection:
 * close", the face's error page) into out. */
typedef void (*sz_gate_respond_fn)(void *ctx, unsigned status,
	const char *message, struct sz_buf *out);

struct sz_gate_conf {
	unsigned max_connections;
	unsigned idle_s;            /* wait for a request's first byte */
	unsigned header_s;          /* first byte to the end of the head */
	size_t max_header_bytes;
	sz_gate_respond_fn respond;
	void *respond_ctx;
};

/* Takes over listen_fd, a listening socket from sz_http_listen (which
 * refuses a taken port), and closes it in sz_gate_free (or on failure). */
int sz_gate_open(struct sz_gate **out, int listen_fd,
	const struct sz_gate_conf *conf, struct sz_err *err);
/* Starts the gate's thread, handing connections to d (started with
 * MHD_USE_NO_LISTEN_SOCKET and the hooks below). */
int sz_gate_run(struct sz_gate *g, struct MHD_Daemon *d, struct sz_err *err);
unsigned sz_gate_port(const struct sz_gate *g);
/* Stops accepting; connections in flight go on. */
void sz_gate_quiesce(struct sz_gate *g);
/* Stops the thread and closes the connections the gate holds; then stop
 * the daemon, then sz_gate_free. */
void sz_gate_halt(struct sz_gate *g);
void sz_gate_free(struct sz_gate *g);
/* Connections held now (waiting for a head, or with libmicrohttpd). */
unsigned sz_gate_connections(struct sz_gate *g);

/* libmicrohttpd's hooks: MHD_OPTION_NOTIFY_CONNECTION, and the first
 * and last calls of each request.  request_begins is false when the head
 * libmicrohttpd parsed is not the one checked (it had read a pipelined
 * request ahead): drop it unanswered.  *last says the client sent the
 * next request before this one's answer (pipelining), which
 * libmicrohttpd reads ahead where no check sees it: answer this one
 * with "Connection: close", and the client sends the rest again on a
 * new connection (RFC 9112, 9.3.2), where each is checked.  reusable
 * says the connection may carry another request (HTTP/1.1, nobody asked to close, the body was
 * read whole): only then does request_ends wait for the next head. */
void sz_gate_notify(void *g, struct MHD_Connection *conn,
	void **socket_context, enum MHD_ConnectionNotificationCode code);
bool sz_gate_request_begins(struct sz_gate *g, struct MHD_Connection *conn,
	bool *last);
/* How much of the request's body has come (got bytes), and whether more
 * is to come (open): what tells a slow POST from an upload. */
void sz_gate_request_body(struct sz_gate *g, struct MHD_Connection *conn,
	uint64_t got, bool open);
void sz_gate_request_ends(struct sz_gate *g, struct MHD_Connection *conn,
	enum MHD_RequestTerminationCode toe, bool reusable);

#endif
