/*
 * gate.c - the connection gate (see gate.h): one thread, epoll, a fixed
 * table of slots, and libmicrohttpd's hooks.
 *
 * A slot is a TCP connection in one of these states:
 *   HEAD     the gate holds it, waiting for a request head (new, or kept
 *            alive after a response);
 *   HANDED   given to libmicrohttpd, which has not started it yet;
 *   REQUEST  libmicrohttpd is running a request on it;
 *   MHD_IDLE kept alive after a response: libmicrohttpd's thread waits
 *            for the next request head (await_next), under the gate's
 *            limits and check;
 *   CLOSING  the gate sent an error page and waits briefly for the client
 *            to read it before closing (closing at once could reset the
 *            connection and lose the page);
 *   ORPHAN   evicted while kept alive: shut down, until libmicrohttpd lets
 *            go of it.
 * HEAD, HANDED, REQUEST and MHD_IDLE count against max_connections.
 *
 * What it deliberately does not do: read, keep or pass on the client's
 * address; buffer request bytes (heads are peeked at in the kernel's
 * buffer, one scratch buffer for all); or touch a connection that has
 * sent a complete request (one whose body still trickles in, slower than
 * a minimum rate, may make room when every slot is taken).
 */
#include "http/gate.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"   /* N_: the faces translate these messages */
#include "http/request_head.h"

#define EVENTS 256
#define TICK_MS 100                 /* deadlines are checked this often */
#define DRAIN_MAX (1u << 20)        /* bytes read and dropped when closing */
#define ERROR_PAGE_MAX (64u << 10)
#define HANDED_MAX_MS 60000         /* a hand-over never started */

enum state { FREE, HEAD, HANDED, REQUEST, MHD_IDLE, CLOSING, ORPHAN };

struct slot {
	enum state state;
	int fd;
	int64_t since;              /* ms: when the current wait (or, for
	                               REQUEST, the request) began */
	int64_t first_byte;         /* ms, 0: no byte of this head yet */
	int64_t last_byte;          /* ms: when it last sent more */
	size_t seen;                /* bytes there at the last look */
	size_t peeked;              /* bytes looked at for this head */
	size_t drained;
	bool shut;                  /* MHD_IDLE: shut down, closing */
	bool checked;               /* the head libmicrohttpd reads next was
	                               checked, and is head_len bytes long */
	size_t head_len;
	bool ahead;                 /* the client sent more after that request
	                               (pipelined): libmicrohttpd reads it with
	                               this one, unchecked, so this one is the
	                               connection's last */
	bool body_open;             /* REQUEST: its body is still arriving */
	uint64_t body_got;          /* bytes of it so far */
	struct MHD_Connection *conn;
};

struct sz_gate {
	struct sz_gate_conf conf;
	pthread_mutex_t mu;
	struct slot *slots;
	size_t nslots;
	unsigned active;            /* slots counting against the cap */
	int listen_fd, epoll_fd, wake_fd;
	int family;
	unsigned port;
	struct MHD_Daemon *d;
	pthread_t thread;
	bool running, quiesced, stopping;
	uint8_t *scratch;           /* one head, peeked at */
	struct sz_buf busy;         /* the ready "busy" response */
};

/* Markers for the epoll data of the two descriptors that are no slot. */
static char listen_mark, wake_mark;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool counted(enum state s)
{
	return s == HEAD || s == HANDED || s == REQUEST || s == MHD_IDLE;
}

/* Under the lock. */
static void set_state(struct sz_gate *g, struct slot *s, enum state to)
{
	if (counted(s->state) && !counted(to))
		g->active--;
	else if (!counted(s->state) && counted(to))
		g->active++;
	s->state = to;
}

static struct slot *free_slot(struct sz_gate *g)
{
	for (size_t i = 0; i < g->nslots; i++)
		if (g->slots[i].state == FREE)
			return &g->slots[i];
	return NULL;
}

/* Under the lock: closes a connection the gate holds. */
static void drop(struct sz_gate *g, struct slot *s)
{
	close(s->fd);   /* leaves the epoll set with its last descriptor */
	set_state(g, s, FREE);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static int watch(struct sz_gate *g, struct slot *s)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET,
		.data.ptr = s };
	return epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, s->fd, &ev);
}

/* Under the lock: a new connection starts waiting for a request head. */
static bool hold(struct sz_gate *g, struct slot *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->since = now_ms();
	set_state(g, s, HEAD);
	if (watch(g, s) != 0) {
		drop(g, s);
		return false;
	}
	return true;
}

/* Under the lock: sends a ready response and lingers (CLOSING), or just
 * closes if it cannot be sent whole. */
static void answer(struct sz_gate *g, struct slot *s, const struct sz_buf *r)
{
	ssize_t n = send(s->fd, r->data, r->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n != (ssize_t)r->len || shutdown(s->fd, SHUT_WR) != 0) {
		drop(g, s);
		return;
	}
	set_state(g, s, CLOSING);
	s->since = now_ms();
	s->drained = 0;
}

static void answer_status(struct sz_gate *g, struct slot *s, unsigned status,
	const char *why)
{
	struct sz_buf r;
	sz_buf_init(&r, ERROR_PAGE_MAX);
	g->conf.respond(g->conf.respond_ctx, status, why, &r);
	if (r.data != NULL)
		answer(g, s, &r);
	else
		drop(g, s);
	sz_buf_free(&r);
}

/* Under the lock: whether a request's body has been arriving, for longer
 * than SZ_GATE_BODY_GRACE_MS, slower than SZ_GATE_BODY_MIN_RATE on
 * average; *rate is its rate (bytes a second). */
static bool body_slow(const struct slot *s, int64_t now, uint64_t *rate)
{
	int64_t ms = now - s->since;
	if (s->state != REQUEST || !s->body_open || s->shut ||
	    ms <= SZ_GATE_BODY_GRACE_MS)
		return false;
	*rate = s->body_got * 1000 / (uint64_t)ms;
	return *rate < SZ_GATE_BODY_MIN_RATE;
}

/* Under the lock: the slot that has waited longest for a request head;
 * else the request whose body trickles in slowest (a slow POST holds a
 * connection as surely as a slow head); NULL if every connection is busy
 * with a request that is not trickling. */
static struct slot *victim(struct sz_gate *g)
{
	struct slot *v = NULL, *slow = NULL;
	uint64_t slowest = UINT64_MAX, rate = 0;
	int64_t now = now_ms();
	for (size_t i = 0; i < g->nslots; i++) {
		struct slot *s = &g->slots[i];
		if ((s->state == HEAD || (s->state == MHD_IDLE && !s->shut)) &&
		    (v == NULL || s->since < v->since))
			v = s;
		else if (v == NULL && body_slow(s, now, &rate) &&
		    rate < slowest) {
			slow = s;
			slowest = rate;
		}
	}
	return v != NULL ? v : slow;
}

static void evict(struct sz_gate *g, struct slot *v)
{
	if (v->state == HEAD) {
		drop(g, v);
	} else {
		/* libmicrohttpd's thread sees the end and lets go (CLOSED). */
		shutdown(v->fd, SHUT_RDWR);
		v->shut = true;
		set_state(g, v, ORPHAN);
	}
}

static void accept_all(struct sz_gate *g)
{
	for (int i = 0; i < EVENTS; i++) {
		int fd = accept4(g->listen_fd, NULL, NULL,
			SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		pthread_mutex_lock(&g->mu);
		struct slot *v = NULL;
		if (g->active >= g->conf.max_connections &&
		    (v = victim(g)) != NULL)
			evict(g, v);
		struct slot *s = free_slot(g);
		if (s == NULL) {
			close(fd);
		} else if (g->active >= g->conf.max_connections) {
			/* Every connection is running a request: say so now. */
			memset(s, 0, sizeof(*s));
			s->fd = fd;
			if (watch(g, s) == 0)
				answer(g, s, &g->busy);
			else
				close(fd);
		} else {
			hold(g, s, fd);
		}
		pthread_mutex_unlock(&g->mu);
	}
}

/* Peeks at avail bytes of fd (at most the head limit and one), and
 * checks them as a request head; *head is its length without the empty
 * lines it may start with (what libmicrohttpd counts).  -1 if the peek
 * failed. */
static int peek_head(const struct sz_gate *g, int fd, uint8_t *buf,
	size_t avail, size_t *peeked, size_t *head, bool *ahead,
	const char **why)
{
	size_t want = avail;
	if (want > g->conf.max_header_bytes + 1)
		want = g->conf.max_header_bytes + 1;
	ssize_t n = recv(fd, buf, want, MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0)
		return n == 0 || (errno != EAGAIN && errno != EINTR) ? -1 :
			SZ_HEAD_INCOMPLETE;
	*peeked += (size_t)n;
	*why = N_("The request was malformed.");
	size_t len = 0;
	enum sz_head_verdict v = sz_request_head_check(buf, (size_t)n,
		g->conf.max_header_bytes, &len, why);
	size_t lead = 0;
	while (lead + 1 < len && buf[lead] == '\r' && buf[lead + 1] == '\n')
		lead += 2;
	*head = len - lead;
	/* Bytes past this request's head and body: the next request, sent
	 * without waiting for this one's answer. */
	int64_t body = v == SZ_HEAD_OK ?
		sz_request_head_body_length(buf + lead, len - lead) : -1;
	*ahead = body >= 0 && (uint64_t)n - len > (uint64_t)body;
	/* What was peeked may go past the head into a body (a codename, a
	 * message): it does not stay in the buffer for later requests. */
	sodium_memzero(buf, (size_t)n);
	if (v == SZ_HEAD_INCOMPLETE &&
	    *peeked > SZ_GATE_PEEK_FACTOR * g->conf.max_header_bytes) {
		*why = N_("The request arrived in too many small pieces.");
		return SZ_HEAD_BAD;
	}
	return (int)v;
}

/* Under the lock: what the client has sent of its head so far. */
static void look(struct sz_gate *g, struct slot *s, uint32_t events)
{
	int avail = 0;
	if (ioctl(s->fd, FIONREAD, &avail) != 0 || avail < 0) {
		drop(g, s);
		return;
	}
	if (avail == 0) {
		char c;
		ssize_t n = recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
		    (events & (EPOLLHUP | EPOLLERR)))
			drop(g, s);   /* gone before a byte: nothing to answer */
		return;
	}
	if ((size_t)avail <= s->seen && !(events & EPOLLRDHUP))
		return;
	s->last_byte = now_ms();
	if (s->first_byte == 0)
		s->first_byte = s->last_byte;
	s->seen = (size_t)avail;
	size_t head = 0;
	const char *why = NULL;
	bool ahead = false;
	int v = peek_head(g, s->fd, g->scratch, (size_t)avail, &s->peeked,
		&head, &ahead, &why);
	if (v < 0 || (v == SZ_HEAD_INCOMPLETE &&
	    (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))) {
		drop(g, s);   /* gone, or stopped sending half-way */
		return;
	}
	if (v == SZ_HEAD_INCOMPLETE)
		return;
	if (v != SZ_HEAD_OK) {
		answer_status(g, s, (unsigned)v, why);
		return;
	}
	/* A whole, well-formed head: libmicrohttpd takes it from here, with
	 * a placeholder for the address it would otherwise be given. */
	struct sockaddr_storage anon;
	memset(&anon, 0, sizeof(anon));
	anon.ss_family = (sa_family_t)g->family;
	socklen_t alen = g->family == AF_INET6 ?
		sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	epoll_ctl(g->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
	s->conn = NULL;
	s->checked = true;
	s->head_len = head;
	s->ahead = ahead;
	set_state(g, s, HANDED);
	s->since = now_ms();
	if (MHD_add_connection(g->d, s->fd, (struct sockaddr *)&anon, alen) !=
	    MHD_YES) {
		set_state(g, s, FREE);   /* libmicrohttpd closed it */
		s->fd = -1;
	}
}

static void linger_read(struct sz_gate *g, struct slot *s)
{
	char buf[4096];
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 && (s->drained += (size_t)n) < DRAIN_MAX)
			continue;
		if (n == 0 || n > 0 || (errno != EAGAIN && errno != EINTR))
			drop(g, s);
		sodium_memzero(buf, sizeof(buf));   /* a body's bytes, perhaps */
		return;
	}
}

/* Under the lock: closes what has waited too long. */
static void sweep(struct sz_gate *g, int64_t now)
{
	int64_t idle = (int64_t)g->conf.idle_s * 1000;
	int64_t head = (int64_t)g->conf.header_s * 1000;
	for (size_t i = 0; i < g->nslots; i++) {
		struct slot *s = &g->slots[i];
		if (s->state == HEAD && s->first_byte == 0 &&
		    now - s->since > idle)
			drop(g, s);   /* never started: nothing to answer */
		else if (s->state == HEAD && s->first_byte != 0 &&
		    (now - s->first_byte > head || now - s->last_byte > idle))
			answer_status(g, s, 408, N_("The request took too long "
				"to arrive."));
		else if (s->state == CLOSING && now - s->since > SZ_GATE_LINGER_MS)
			drop(g, s);
		else if (s->state == HANDED && s->conn == NULL &&
		    now - s->since > HANDED_MAX_MS) {
			/* libmicrohttpd dropped it before starting it (and
			 * closed it): the slot is free again. */
			set_state(g, s, FREE);
			s->fd = -1;
		}
	}
}

static void *gate_main(void *arg)
{
	struct sz_gate *g = arg;
	struct epoll_event evs[EVENTS];
	int64_t last = now_ms();
	for (;;) {
		int n = epoll_wait(g->epoll_fd, evs, EVENTS, TICK_MS);
		if (n < 0 && errno != EINTR)
			break;
		bool stop = false;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &listen_mark) {
				accept_all(g);
			} else if (p == &wake_mark) {
				uint64_t v;
				if (read(g->wake_fd, &v, sizeof(v)) < 0)
					v = 0;
				stop = true;
			} else {
				struct slot *s = p;
				pthread_mutex_lock(&g->mu);
				if (s->state == HEAD)
					look(g, s, evs[i].events);
				else if (s->state == CLOSING)
					linger_read(g, s);
				pthread_mutex_unlock(&g->mu);
			}
		}
		pthread_mutex_lock(&g->mu);
		stop = stop || g->stopping;
		int64_t now = now_ms();
		if (!stop && now - last >= TICK_MS) {
			sweep(g, now);
			last = now;
		}
		pthread_mutex_unlock(&g->mu);
		if (stop)
			break;
	}
	return NULL;
}

/* More descriptors for more connections: the soft limit is raised to the
 * hard one, and the cap is kept within it (with room to spare: samizdat-doc
 * pipes, the databases, blobs being written). */
static unsigned fit_descriptors(unsigned want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	rlim_t room = rl.rlim_cur > 256 ? (rl.rlim_cur - 256) / 2 : 16;
	if ((rlim_t)want + SZ_GATE_RESERVE > room) {
		unsigned fit = room > SZ_GATE_RESERVE + 16 ?
			(unsigned)(room - SZ_GATE_RESERVE) : 16;
		fprintf(stderr, "samizdat: max_connections lowered from %u to %u "
			"to fit the limit on open files (%llu)\n", want, fit,
			(unsigned long long)rl.rlim_cur);
		return fit;
	}
	return want;
}

int sz_gate_open(struct sz_gate **out, int listen_fd,
	const struct sz_gate_conf *conf, struct sz_err *err)
{
	*out = NULL;
	struct sz_gate *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		close(listen_fd);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	g->conf = *conf;
	g->conf.max_connections = fit_descriptors(conf->max_connections);
	g->listen_fd = listen_fd;
	g->epoll_fd = g->wake_fd = -1;
	pthread_mutex_init(&g->mu, NULL);
	sz_buf_init(&g->busy, ERROR_PAGE_MAX);
	g->nslots = (size_t)g->conf.max_connections + SZ_GATE_RESERVE;
	g->slots = calloc(g->nslots, sizeof(*g->slots));
	g->scratch = malloc(conf->max_header_bytes + 1);
	int rc = SZ_OK;
	if (g->slots == NULL || g->scratch == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < g->nslots; i++)
		g->slots[i].fd = -1;
	/* The socket is made (and its port refused if taken) by
	 * sz_http_listen, once, by whoever outlives restarts of the face; the
	 * gate accepts without blocking. */
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	int fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&bound, &blen) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "%s", strerror(errno));
		goto out;
	}
	g->family = bound.ss_family;
	g->port = ntohs(bound.ss_family == AF_INET6 ?
		((struct sockaddr_in6 *)&bound)->sin6_port :
		((struct sockaddr_in *)&bound)->sin_port);
	g->conf.respond(g->conf.respond_ctx, 503, N_("The server is busy. "
		"Please try again in a few minutes."), &g->busy);
	if (g->busy.data == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
out:
	if (rc != SZ_OK) {
		sz_gate_free(g);
		return rc;
	}
	*out = g;
	return SZ_OK;
}

int sz_gate_run(struct sz_gate *g, struct MHD_Daemon *d, struct sz_err *err)
{
	g->d = d;
	g->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	g->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event l = { .events = EPOLLIN, .data.ptr = &listen_mark };
	struct epoll_event w = { .events = EPOLLIN, .data.ptr = &wake_mark };
	if (g->epoll_fd < 0 || g->wake_fd < 0 ||
	    epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, g->listen_fd, &l) != 0 ||
	    epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, g->wake_fd, &w) != 0 ||
	    pthread_create(&g->thread, NULL, gate_main, g) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot start the connection "
			"gate: %s", strerror(errno));
	g->running = true;
	return SZ_OK;
}

unsigned sz_gate_port(const struct sz_gate *g)
{
	return g->port;
}

unsigned sz_gate_connections(struct sz_gate *g)
{
	pthread_mutex_lock(&g->mu);
	unsigned n = g->active;
	pthread_mutex_unlock(&g->mu);
	return n;
}

void sz_gate_quiesce(struct sz_gate *g)
{
	pthread_mutex_lock(&g->mu);
	if (!g->quiesced && g->listen_fd >= 0) {
		if (g->epoll_fd >= 0)
			epoll_ctl(g->epoll_fd, EPOLL_CTL_DEL, g->listen_fd, NULL);
		close(g->listen_fd);
		g->listen_fd = -1;
	}
	g->quiesced = true;
	pthread_mutex_unlock(&g->mu);
}

void sz_gate_halt(struct sz_gate *g)
{
	if (g == NULL)
		return;
	sz_gate_quiesce(g);
	if (g->running) {
		pthread_mutex_lock(&g->mu);
		g->stopping = true;
		pthread_mutex_unlock(&g->mu);
		uint64_t one = 1;
		if (write(g->wake_fd, &one, sizeof(one)) < 0)
			one = 0;
		pthread_join(g->thread, NULL);
		g->running = false;
	}
	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < g->nslots; i++)
		if (g->slots[i].state == HEAD || g->slots[i].state == CLOSING)
			drop(g, &g->slots[i]);
	pthread_mutex_unlock(&g->mu);
}

void sz_gate_free(struct sz_gate *g)
{
	if (g == NULL)
		return;
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->epoll_fd >= 0)
		close(g->epoll_fd);
	if (g->wake_fd >= 0)
		close(g->wake_fd);
	pthread_mutex_destroy(&g->mu);
	sz_buf_free(&g->busy);
	free(g->scratch);
	free(g->slots);
	free(g);
}

/* ---- libmicrohttpd's side -------------------------------------------- */

static struct slot *slot_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
		MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

void sz_gate_notify(void *cls, struct MHD_Connection *conn,
	void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	struct sz_gate *g = cls;
	pthread_mutex_lock(&g->mu);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
			MHD_CONNECTION_INFO_CONNECTION_FD);
		for (size_t i = 0; ci != NULL && i < g->nslots; i++) {
			struct slot *s = &g->slots[i];
			if (s->state == HANDED && s->conn == NULL &&
			    s->fd == ci->connect_fd) {
				s->conn = conn;
				*socket_context = s;
				break;
			}
		}
	} else if (*socket_context != NULL) {
		/* Closed: libmicrohttpd closes the descriptor next. */
		struct slot *s = *socket_context;
		set_state(g, s, FREE);
		memset(s, 0, sizeof(*s));
		s->fd = -1;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&g->mu);
}

bool sz_gate_request_begins(struct sz_gate *g, struct MHD_Connection *conn,
	bool *last)
{
	/* Every connection comes from the gate: one it does not know, it has
	 * not checked. */
	struct slot *s = slot_of(conn);
	if (s == NULL)
		return false;
	/* The head libmicrohttpd has just parsed must be the one checked: a
	 * request it read ahead (pipelined) was not. */
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
		MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	pthread_mutex_lock(&g->mu);
	bool ok = s->state != ORPHAN && s->checked &&
		(ci == NULL || ci->header_size == s->head_len);
	*last = s->ahead;
	s->checked = false;
	s->ahead = false;
	s->body_open = false;
	s->body_got = 0;
	if (ok) {
		set_state(g, s, REQUEST);
		s->since = now_ms();
	}
	pthread_mutex_unlock(&g->mu);
	return ok;
}

/* Sends a whole response on fd (a blocking wait of at most the linger
 * time), then reads and drops what the client still sends, briefly, so
 * the close does not reset the connection and lose the page. */
static void refuse_in_thread(struct sz_gate *g, int fd, unsigned status,
	const char *why)
{
	struct sz_buf r;
	sz_buf_init(&r, ERROR_PAGE_MAX);
	if (status != 0)
		g->conf.respond(g->conf.respond_ctx, status, why, &r);
	int64_t until = now_ms() + SZ_GATE_LINGER_MS;
	size_t off = 0, drained = 0;
	while (r.data != NULL && off < r.len && now_ms() < until) {
		ssize_t n = send(fd, r.data + off, r.len - off,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		else
			poll(&(struct pollfd){ fd, POLLOUT, 0 }, 1, 100);
	}
	sz_buf_free(&r);
	shutdown(fd, SHUT_WR);
	char buf[4096];
	while (status != 0 && drained < DRAIN_MAX && now_ms() < until) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			drained += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		else
			poll(&(struct pollfd){ fd, POLLIN, 0 }, 1, 100);
	}
	sodium_memzero(buf, sizeof(buf));
	shutdown(fd, SHUT_RDWR);   /* libmicrohttpd reads the end, and lets go */
}

/*
 * In libmicrohttpd's thread, between two requests on a kept-alive
 * connection: waits for the next request head under the gate's limits
 * (its first byte within idle_s, never pausing that long, the rest
 * within header_s), and checks it the same way, peeking, before
 * libmicrohttpd reads a byte of it.  A bad or slow head gets its page
 * and the connection closes; an idle one just closes.  The thread was
 * going to wait for it anyway; the gate can still evict the connection
 * meanwhile (it shuts it down, and the wait ends).
 */
static void await_next(struct sz_gate *g, struct slot *s, int fd)
{
	uint8_t *buf = malloc(g->conf.max_header_bytes + 1);
	int64_t idle = (int64_t)g->conf.idle_s * 1000;
	int64_t header = (int64_t)g->conf.header_s * 1000;
	int64_t start = now_ms(), first = 0, last = 0;
	size_t seen = 0, peeked = 0, head = 0;
	bool ahead = false;
	const char *why = N_("The request took too long to arrive.");
	int v = buf ? SZ_HEAD_INCOMPLETE : -1;
	while (v == SZ_HEAD_INCOMPLETE) {
		int64_t now = now_ms();
		int64_t until = first ? (first + header < last + idle ?
			first + header : last + idle) : start + idle;
		if (now >= until) {
			v = first ? 408 : -1;   /* silent close when never begun */
			break;
		}
		int avail = 0;
		if (ioctl(fd, FIONREAD, &avail) != 0 || avail < 0) {
			v = -1;
			break;
		}
		if ((size_t)avail <= seen) {
			/* Nothing new: sleep until there is (or, with part of a
			 * head there already, look again shortly). */
			struct pollfd p = { fd, avail ? POLLRDHUP : POLLIN | POLLRDHUP,
				0 };
			int64_t wait = until - now;
			if (avail && wait > 20)
				wait = 20;
			if (poll(&p, 1, (int)wait) > 0 &&
			    (p.revents & (POLLHUP | POLLERR | POLLRDHUP)) &&
			    ioctl(fd, FIONREAD, &avail) == 0 && (size_t)avail <= seen)
				v = -1;   /* gone (or evicted) */
			continue;
		}
		last = now;
		if (first == 0)
			first = now;
		seen = (size_t)avail;
		v = peek_head(g, fd, buf, seen, &peeked, &head, &ahead, &why);
	}
	free(buf);
	pthread_mutex_lock(&g->mu);
	bool evicted = s->state != MHD_IDLE;
	if (v == SZ_HEAD_OK && !evicted) {
		s->checked = true;
		s->head_len = head;
		s->ahead = ahead;
	}
	pthread_mutex_unlock(&g->mu);
	if (v == SZ_HEAD_OK || evicted)
		return;
	refuse_in_thread(g, fd, v > 0 ? (unsigned)v : 0, why);
}

void sz_gate_request_body(struct sz_gate *g, struct MHD_Connection *conn,
	uint64_t got, bool open)
{
	struct slot *s = slot_of(conn);
	if (s == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	s->body_open = open;
	s->body_got = got;
	pthread_mutex_unlock(&g->mu);
}

void sz_gate_request_ends(struct sz_gate *g, struct MHD_Connection *conn,
	enum MHD_RequestTerminationCode toe, bool reusable)
{
	struct slot *s = slot_of(conn);
	if (s == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	bool wait = s->state == REQUEST && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK
		&& reusable && !g->quiesced;
	if (s->state == REQUEST) {
		s->since = now_ms();
		set_state(g, s, MHD_IDLE);
	}
	int fd = s->fd;
	pthread_mutex_unlock(&g->mu);
	if (wait)
		await_next(g, s, fd);
}
