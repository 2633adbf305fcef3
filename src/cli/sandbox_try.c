/*
 * sandbox_try.c - the attempts of `samizdat sandbox-check` (cli.h): each
 * in a child process of its own that first locks itself in as the
 * process under check would, then tries one thing and reports back on a
 * pipe.  A child killed by SIGSYS was stopped by seccomp; one that got an
 * error was stopped by Landlock (or the kernel); one that succeeded was
 * not stopped, which for a forbidden attempt is a failure of the check.
 * Some attempts are what the process must still be able to do (reading
 * its own database): they show the check is not passing vacuously.
 *
 * What it deliberately does not do: keep anything it managed to make (a
 * file created is removed at once), or trust a child's silence (a child
 * that says nothing and exits 0 ran something else: an execve that
 * worked).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/instance.h"

enum how { READ, WRITE, CREATE, LIST, CONNECT, EXEC, PTRACE };

struct attempt {
	char what[160];
	enum how how;
	char path[4200];
	bool forbidden;
};

struct target {
	int port;                    /* a listener of the checker's own */
	pid_t parent;
};

/* 0 if it worked, else the errno that stopped it. */
static int attempt(const struct attempt *a, const struct target *t)
{
	int fd = -1, e = 0;
	char c;
	switch (a->how) {
	case READ:
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, &c, 1) < 0)
			e = errno;
		break;
	case WRITE:
		fd = open(a->path, O_WRONLY | O_APPEND | O_CLOEXEC);
		break;
	case CREATE:
		fd = open(a->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(a->path);
		break;
	case LIST:
		fd = open(a->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case CONNECT: {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET,
			.sin_port = htons((uint16_t)t->port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			e = errno;
		break;
	}
	case EXEC:
		/* Its output is not the checker's: the program only has to
		 * start (a child that exits without a word ran it). */
		close(STDOUT_FILENO);
		close(STDERR_FILENO);
		execl(a->path, a->path, "--version", (char *)NULL);
		return errno;
	case PTRACE:
		if (ptrace(PTRACE_ATTACH, t->parent, NULL, NULL) != 0)
			return errno;
		waitpid(t->parent, NULL, __WALL);
		ptrace(PTRACE_DETACH, t->parent, NULL, NULL);
		return 0;
	}
	if (fd < 0 && e == 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	return e;
}

/* Runs one attempt in a child; prints its line; true if as it should. */
static bool run(const char *who, const struct attempt *a,
	const struct target *t, cli_lock_fn lock, void *ctx)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return false;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct sz_err err;
		char msg[SZ_ERR_MSG_SIZE + 8];
		int n;
		close(p[0]);
		if (lock(ctx, &err) != SZ_OK) {
			n = snprintf(msg, sizeof(msg), "L%s", err.msg);
		} else {
			int e = attempt(a, t);
			n = snprintf(msg, sizeof(msg), "%c%d", e ? 'E' : 'A', e);
		}
		if (write(p[1], msg, (size_t)n) != n)
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	char msg[SZ_ERR_MSG_SIZE + 8];
	ssize_t n = pid < 0 ? -1 : read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	msg[n > 0 ? n : 0] = '\0';
	char result[SZ_ERR_MSG_SIZE + 64];
	bool stopped;
	if (pid < 0) {
		snprintf(result, sizeof(result), "could not be tried: %s",
			strerror(errno));
		printf("%s: %s: %s\n", who, a->what, result);
		return false;
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
		stopped = true;
		snprintf(result, sizeof(result), "killed by seccomp");
	} else if (msg[0] == 'L') {
		printf("%s: %s: the lock-in failed: %s\n", who, a->what, msg + 1);
		return false;
	} else if (msg[0] == 'E') {
		int e = atoi(msg + 1);
		stopped = true;
		snprintf(result, sizeof(result), "%s", strerrorname_np(e) ?
			strerrorname_np(e) : strerror(e));
	} else if (WIFSIGNALED(status)) {
		stopped = true;
		snprintf(result, sizeof(result), "killed by signal %d",
			WTERMSIG(status));
	} else {
		stopped = false;   /* it said so, or it ran something else */
		snprintf(result, sizeof(result), "%s", msg[0] == 'A' ? "done" :
			"another program ran");
	}
	bool fine = stopped == a->forbidden;
	printf("%s: %s: %s (%s)%s\n", who, a->what, stopped ? "denied" :
		"allowed", result, fine ? "" : a->forbidden ?
		"  <-- SHOULD HAVE BEEN DENIED" : "  <-- SHOULD HAVE WORKED");
	return fine;
}

static void add(struct attempt *list, size_t *n, const char *what,
	enum how how, const char *dir, const char *name, bool forbidden)
{
	struct attempt *a = &list[(*n)++];
	snprintf(a->what, sizeof(a->what), "%s", what);
	a->how = how;
	if (dir != NULL)
		snprintf(a->path, sizeof(a->path), "%s/%s", dir, name);
	else
		snprintf(a->path, sizeof(a->path), "%s", name ? name : "");
	a->forbidden = forbidden;
}

#define MAX_ATTEMPTS 20

/* A listening socket on 127.0.0.1 and a free port; -1 on error. */
static int loopback_listener(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s, 4) != 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) != 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

int cli_sandbox_check(const char *who, const char *dir, unsigned parts,
	const struct cli_may *may, cli_lock_fn lock, void *ctx)
{
	struct attempt *list = calloc(MAX_ATTEMPTS, sizeof(*list));
	if (list == NULL)
		return cli_fail("sandbox-check", "out of memory");
	bool inbox = parts & SZ_PART_INBOX, blobs = parts & SZ_PART_BLOBS;
	bool archive = parts & (SZ_PART_ARCHIVE | SZ_PART_ARCHIVE_RO);
	bool archive_rw = parts & SZ_PART_ARCHIVE;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "/tmp/samizdat-sandbox-check.%d",
		(int)getpid());
	size_t n = 0;
	add(list, &n, "read the instance's secret key", READ, dir,
		SZ_INSTANCE_SECRETS_FILE, true);
	add(list, &n, "read inbox.db", READ, dir, SZ_STORE_DB_FILE, !inbox);
	add(list, &n, "list the blob tree", LIST, dir, "blobs", !blobs);
	add(list, &n, "read archive.db", READ, dir, SZ_ARCHIVE_DB_FILE,
		!archive);
	add(list, &n, "write archive.db", WRITE, dir, SZ_ARCHIVE_DB_FILE,
		!archive_rw);
	add(list, &n, "write forum.db", WRITE, dir, SZ_FORUM_DB_FILE,
		!(parts & SZ_PART_FORUM));
	char conf[4096];
	sz_config_path(dir, conf, sizeof(conf));
	add(list, &n, "rewrite its settings file", WRITE, NULL, conf, true);
	add(list, &n, "create a file in the instance directory", CREATE, dir,
		".sandbox-check", true);
	add(list, &n, "create a file in /tmp", CREATE, NULL, tmp, true);
	add(list, &n, "read /etc/passwd", READ, NULL, "/etc/passwd", true);
	if (may->input != NULL)
		add(list, &n, "read its input", READ, NULL, may->input, false);
	if (may->folder != NULL)
		add(list, &n, "create a file in its own folder", CREATE,
			may->folder, ".sandbox-check", false);
	add(list, &n, "connect() out (to 127.0.0.1)", CONNECT, NULL, NULL,
		true);
	add(list, &n, "execve /bin/true", EXEC, NULL, "/bin/true", true);
	if (may->program != NULL)
		add(list, &n, "execute its one program", EXEC, NULL, may->program,
			false);
	add(list, &n, "ptrace its parent", PTRACE, NULL, NULL, true);

	/* Something to connect to: a listener of the checker's, so that a
	 * connect() that is not stopped succeeds for sure. */
	struct target t = { 0, getpid() };
	int ls = loopback_listener(&t.port);
	if (ls < 0) {
		free(list);
		return cli_fail("sandbox-check", "cannot make a test listener: %s",
			strerror(errno));
	}
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		/* A file that is not there proves nothing when it is "denied". */
		if (list[i].path[0] && list[i].how != CREATE &&
		    access(list[i].path, F_OK) != 0) {
			printf("%s: %s: not tried, %s does not exist\n", who,
				list[i].what, list[i].path);
			all = false;
			continue;
		}
		all &= run(who, &list[i], &t, lock, ctx);
	}
	close(ls);
	unlink(tmp);
	free(list);
	printf("%s: %s\n", who, all ? "every forbidden attempt was stopped" :
		"THE SANDBOX LET SOMETHING THROUGH, or stopped what it needs");
	return all ? 0 : SZ_EXIT_FAIL;
}
