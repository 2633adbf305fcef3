/*
 * runner.c - the editor face's document runner (runner.h): the face's
 * side sends one fixed-size request on a SOCK_SEQPACKET socket pair and
 * waits for the answer; the runner's side checks the request, runs
 * samizdat-doc in a child with its output on a pipe, and answers.
 *
 * What the runner deliberately does not do: take a path, a program or
 * arguments from the face (it builds them itself from a release number,
 * an upload folder's name and a file name it has checked), hold anything
 * of the instance but the archive's files, or outlive the face (it ends
 * when the socket closes, or with the face, PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/child.h"
#include "core/io.h"
#include "sandbox/sandbox.h"
#include "store/archive.h"
#include "web/editor/runner.h"

struct request {
	int64_t release;
	char upload[32];
	char name[SZ_RUNNER_NAME_MAX + 1];
};

struct reply {
	int32_t status;              /* samizdat-doc's exit status, or -1 */
	uint32_t len;
	char text[SZ_RUNNER_OUTPUT_MAX];
};

/* ".upload-" and six letters or digits, as mkdtemp makes them. */
static bool valid_upload(const char *s)
{
	size_t n = strlen(SZ_RUNNER_UPLOAD_PREFIX);
	if (strncmp(s, SZ_RUNNER_UPLOAD_PREFIX, n) != 0 || strlen(s) != n + 6)
		return false;
	for (const char *p = s + n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* A plain file name in that folder: no slash, no leading dot, no
 * control characters. */
static bool valid_name(const char *s)
{
	if (s[0] == '\0' || s[0] == '.' || strchr(s, '/') != NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Runs samizdat-doc release add under the instance's doc_* limits
 * (core/child.h); its status and output (or which limit stopped it) into
 * rep. */
static void run_one(const char *tool, const char *dir, const char *files,
	const struct sz_child_limits *l, const struct request *rq,
	struct reply *rep)
{
	char path[4200 + sizeof(rq->upload) + sizeof(rq->name) + 2], id[24];
	struct sz_buf out;
	struct sz_err err;
	rep->status = -1;
	rep->len = 0;
	snprintf(path, sizeof(path), "%s/%s/%s", files, rq->upload, rq->name);
	snprintf(id, sizeof(id), "%lld", (long long)rq->release);
	char *argv[] = { (char *)tool, "release", "add", "-d", (char *)dir, id,
		path, NULL };
	int status = 0;
	const char *why = NULL;
	sz_buf_init(&out, SZ_RUNNER_OUTPUT_MAX);
	if (sz_child_run(argv, l, &out, &status, &why, &err) != SZ_OK)
		sz_buf_printf(&out, "%s: cannot run samizdat-doc\n", rq->name);
	else if (why != NULL)
		sz_buf_printf(&out, "%s: it was not added: samizdat-doc %s.\n",
			rq->name, why);
	else
		rep->status = status;
	/* What it said past SZ_RUNNER_OUTPUT_MAX was read and dropped. */
	if (out.len > 0) {
		rep->len = (uint32_t)(out.len < sizeof(rep->text) ? out.len :
			sizeof(rep->text));
		memcpy(rep->text, out.data, rep->len);
	}
	sz_buf_free(&out);
}

/* A stand-in for samizdat-doc (SAMIZDAT_DOC, set where the face was
 * started: a wrapper that measures it, or the tests' stand-ins that hang
 * or print their limits) may be a script that runs anything: it may read
 * and execute any file, and write in its own folder (its logs), still
 * with no network, and the samizdat-doc it runs locks itself in as
 * always.  The setting comes from whoever started samizdat, never from
 * the face, which cannot change the runner's environment; it is said on
 * stderr. */
static int allow_stand_in(struct sz_sandbox *sb, const char *tool,
	struct sz_err *err)
{
	char folder[4200];
	const char *v = getenv("SAMIZDAT_DOC");
	if (v == NULL || v[0] == '\0')
		return SZ_OK;
	fprintf(stderr, "samizdat serve: samizdat-doc is %s (SAMIZDAT_DOC): "
		"the document runner lets it read and run any program\n", tool);
	snprintf(folder, sizeof(folder), "%s", tool);
	char *slash = strrchr(folder, '/');
	if (slash != NULL && slash != folder)
		*slash = '\0';
	int rc = sz_sandbox_allow(sb, "/", SZ_SB_READ | SZ_SB_EXEC, err);
	if (rc == SZ_OK && slash != NULL && slash != folder)
		rc = sz_sandbox_allow(sb, folder, SZ_SB_READ | SZ_SB_WRITE |
			SZ_SB_CREATE, err);
	return rc;
}

/* Locks the runner in: it may read the system's libraries, execute
 * samizdat-doc (and the loader that starts it), and use the archive;
 * samizdat-doc inherits this and narrows it further. */
static int lock_in(const char *tool, const char *dir, struct sz_err *err)
{
	struct sz_sandbox sb;
	sz_sandbox_init(&sb, "the document runner", SZ_SYSCALLS_RUNNER);
	int rc = sz_sandbox_allow_system(&sb, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_allow(&sb, tool, SZ_SB_READ | SZ_SB_EXEC, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_allow_interpreter(&sb, err);
	if (rc == SZ_OK)
		rc = allow_stand_in(&sb, tool, err);
	if (rc == SZ_OK)
		rc = sz_archive_confine(dir, false, &sb, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_apply(&sb, err);
	sz_sandbox_free(&sb);
	return rc;
}

static void runner_main(int sock, pid_t parent, const char *dir,
	const struct sz_child_limits *l)
{
	char tool[4200], files[4200];
	struct sz_err err;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_NAME, "samizdat-runner");
	signal(SIGPIPE, SIG_IGN);
	/* The face blocks its stop signals for its own loop; samizdat-doc,
	 * which inherits the mask, must still stop on them.  A terminal's
	 * Ctrl-C is for the face, which lets an import in flight finish: the
	 * runner has a process group of its own. */
	setpgid(0, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing of the face's but the socket. */
	if (sock != 3 && dup2(sock, 3) < 0)
		_exit(1);
	sock = 3;
	fcntl(sock, F_SETFD, FD_CLOEXEC);   /* samizdat-doc never sees it */
	close_range(4, ~0U, 0);
	sz_sibling_program("samizdat-doc", "SAMIZDAT_DOC", tool, sizeof(tool));
	snprintf(files, sizeof(files), "%s/%s", dir, SZ_ARCHIVE_DIR);
	if (lock_in(tool, dir, &err) != SZ_OK) {
		fprintf(stderr, "samizdat serve: %s\n", err.msg);
		_exit(1);
	}
	struct request rq;
	struct reply rep;
	for (;;) {
		ssize_t n = recv(sock, &rq, sizeof(rq), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		memset(&rep, 0, sizeof(rep));
		rep.status = -1;
		rq.upload[sizeof(rq.upload) - 1] = '\0';
		rq.name[sizeof(rq.name) - 1] = '\0';
		if ((size_t)n == sizeof(rq) && rq.release > 0 &&
		    valid_upload(rq.upload) && valid_name(rq.name))
			run_one(tool, dir, files, l, &rq, &rep);
		else
			rep.len = (uint32_t)snprintf(rep.text, sizeof(rep.text),
				"the request was refused\n");
		if (send(sock, &rep, sizeof(rep), MSG_NOSIGNAL) < 0)
			_exit(0);
	}
}

int sz_doc_runner_start(struct sz_doc_runner *r, const char *dir,
	const struct sz_child_limits *l, struct sz_err *err)
{
	int sv[2];
	r->fd = -1;
	r->pid = -1;
	pthread_mutex_init(&r->mu, NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot start the document "
			"runner: %s", strerror(errno));
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return sz_err_set(err, SZ_E_IO, "cannot start the document "
			"runner: %s", strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		runner_main(sv[1], parent, dir, l);
		_exit(0);
	}
	close(sv[1]);
	r->fd = sv[0];
	r->pid = pid;
	return SZ_OK;
}

int sz_doc_runner_add(struct sz_doc_runner *r, int64_t release,
	const char *upload, const char *name, struct sz_buf *out)
{
	struct request rq;
	struct reply *rep = calloc(1, sizeof(*rep));
	memset(&rq, 0, sizeof(rq));
	rq.release = release;
	snprintf(rq.upload, sizeof(rq.upload), "%s", upload);
	snprintf(rq.name, sizeof(rq.name), "%s", name);
	int status = -1;
	pthread_mutex_lock(&r->mu);
	if (rep != NULL && r->fd >= 0 &&
	    send(r->fd, &rq, sizeof(rq), MSG_NOSIGNAL) == (ssize_t)sizeof(rq)) {
		ssize_t n;
		while ((n = recv(r->fd, rep, sizeof(*rep), 0)) < 0 &&
		       errno == EINTR)
			;
		if (n == (ssize_t)sizeof(*rep)) {
			status = rep->status;
			sz_buf_append(out, rep->text, rep->len <= sizeof(rep->text) ?
				rep->len : sizeof(rep->text));
		}
	}
	pthread_mutex_unlock(&r->mu);
	if (status == -1 && out->len == 0)
		sz_buf_printf(out, "%s: the document runner is not answering; "
			"restart the editor face\n", name);
	free(rep);
	return status;
}

void sz_doc_runner_stop(struct sz_doc_runner *r)
{
	/* The runner exits when its socket closes.  A locked-in face cannot
	 * wait for it (no wait4 in its allow-list); it is reaped when the
	 * face exits. */
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->pid = -1;
	pthread_mutex_destroy(&r->mu);
}
