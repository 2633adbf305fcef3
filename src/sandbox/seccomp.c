/*
 * seccomp.c - the system-call half of the lock-in: one allow-list per
 * kind of process, built from the groups below with libseccomp, loaded
 * with the default action SCMP_ACT_KILL_PROCESS and synced to every
 * thread.  Each group says why its calls are there; anything in no group
 * kills the process with SIGSYS (the supervisor logs it and restarts the
 * face).
 *
 * Deliberately absent everywhere: socket, socketpair, connect, bind and
 * listen (no new connection in or out: a face only serves what arrives
 * on the listening socket it was given), execve (except the editor's
 * document runner, whose Landlock rules let it execute samizdat-doc and
 * nothing else, and samizdat-doc checking PGP signatures, which may
 * execute gpg alone), ptrace and process_vm_* (no reading another process),
 * mount, pivot_root, chroot, unshare, setns, bpf, keyctl, add_key,
 * perf_event_open, userfaultfd, io_uring_*, kexec_*, *_module, personality,
 * set*uid and set*gid (privileges were dropped before), chown and
 * lchown by path.
 *
 * The one exception: a face whose database is PostgreSQL keeps socket,
 * for the address families its conninfo needs only (AF_UNIX for a socket
 * directory; AF_INET and AF_INET6 for a host), and connect, so that
 * libpq can connect again after the server restarts or fails over.
 * Where Landlock has network rules (ABI 4), TCP reaches the database's
 * ports and no other (landlock.c); a Unix socket's path is not something
 * Landlock rules on, so that connect is bounded by the files' own
 * permissions (docs/operations.md says so).
 */
#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/* Every process: its memory (sodium_malloc locks and guards pages), its
 * threads' synchronisation, the clock, randomness, signals to itself,
 * what it is, and ending. */
static const char *const core_calls[] = {
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock",
	"mlock2", "munlock", "msync", "mincore",
	"futex", "set_robust_list", "get_robust_list", "rseq",
	"set_tid_address", "membarrier", "sched_yield", "sched_getaffinity",
	"getcpu", "arch_prctl", "get_mempolicy", "set_mempolicy",
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
	"gettimeofday", "time", "getrandom",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
	"rt_sigsuspend", "rt_sigpending", "sigaltstack", "restart_syscall",
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getresuid", "getresgid", "getgroups", "getpgrp", "getpgid",
	"getsid", "uname", "sysinfo",
	"getrlimit", "prlimit64", "getrusage", "umask",
	"exit", "exit_group",
};

/* Files: reading and writing what Landlock lets it reach; making,
 * moving and removing in its own folders (uploads, blobs, the archive's
 * tree); flushing to disk (fsync, fdatasync, syncfs, sync_file_range);
 * file times and modes; file systems' free space (a disk-space floor);
 * anonymous memory files; and waiting on descriptors (pipes, eventfd,
 * timers). */
static const char *const file_calls[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
	"pwritev", "preadv2", "pwritev2", "lseek",
	"open", "openat", "close", "close_range", "dup", "dup2", "dup3", "pipe",
	"pipe2", "fcntl", "flock",
	"fstat", "stat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat", "getcwd",
	"chdir", "fchdir",
	"getdents64", "getdents",
	"ftruncate", "fallocate", "fsync", "fdatasync", "syncfs",
	"sync_file_range", "fadvise64",
	"rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir",
	"mkdirat", "rmdir", "fchmod", "fchmodat", "chmod", "utimensat",
	/* run as root, SQLite gives a new WAL file its database's owner */
	"fchown",
	"memfd_create", "copy_file_range", "sendfile",
	"poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1",
	"epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd",
	"eventfd2", "timerfd_create", "timerfd_settime", "timerfd_gettime",
	"timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
	"timer_delete",
};

/* A face's connections: what libmicrohttpd does with the connections it
 * accepts on the listening socket made before the lock-in (and a
 * watchdog's shutdown of a stalled one).  No socket, connect or bind. */
static const char *const serve_calls[] = {
	"accept", "accept4", "recvfrom", "recvmsg", "sendto", "sendmsg",
	"shutdown", "getsockopt", "setsockopt", "getsockname", "getpeername",
};

/* The editor's document runner: requests on the socket pair it was
 * given, a child per request that executes samizdat-doc (the only
 * program Landlock lets it execute), its limits, and waiting for it. */
static const char *const runner_calls[] = {
	"recvfrom", "recvmsg", "sendto", "sendmsg", "shutdown",
	"fork", "vfork", "execve", "wait4", "waitid", "kill", "tgkill",
	"tkill", "setrlimit", "prctl",
	/* samizdat-doc inherits this list, and locks itself in further */
	"seccomp", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self",
};

/* samizdat-doc checking PGP signatures: GPGME starts gpg (fork, execve
 * of the one program Landlock lets it execute, waiting, killing it when
 * it hangs); gpg takes its lock files with link(), turns off its core
 * dumps, and locks its secure memory (mlock, in core_calls).  socket()
 * is not allowed but answers EACCES (below): gpg then finds no agent,
 * which no-autostart already told it not to start. */
static const char *const pgp_calls[] = {
	"fork", "vfork", "execve", "wait4", "waitid", "kill", "link", "linkat",
	"setrlimit",
};

/* Connections opened before the lock-in (SZ_SB_NET_OPEN): libpq sends
 * and receives on its socket; nothing opens a new one. */
static const char *const open_calls[] = {
	"recvfrom", "recvmsg", "sendto", "sendmsg", "getsockopt",
};

/* LeakSanitizer, in sanitizer builds only: at exit it stops every
 * thread from a forked tracer that attaches with ptrace, and asks the
 * kernel (prctl) to let it. */
static const char *const sanitizer_calls[] = {
	"ptrace", "wait4", "waitid", "kill", "tgkill", "tkill", "prctl",
};

/* The ioctl requests a face or samizdat-doc makes: is this a terminal
 * (stdio), and non-blocking or close-on-exec flags. */
static const unsigned long ioctls[] = {
	TCGETS, TIOCGWINSZ, FIONBIO, FIONREAD, FIOCLEX, FIONCLEX,
};

/* prctl options: naming a thread (ps shows which face it is). */
static const int prctls[] = { PR_SET_NAME, PR_GET_NAME, PR_GET_DUMPABLE };

static int allow_all(scmp_filter_ctx ctx, const char *const *names,
	size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;   /* not a system call on this architecture */
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static const char *const socket_state_calls[] = {
	"getsockopt", "setsockopt", "getsockname", "getpeername",
};

/* A database's connections (struct sz_sandbox's net): socket for the
 * families allowed, connect, and getting at the socket's state. */
static int allow_connect(scmp_filter_ctx ctx, unsigned net)
{
	static const int inet[] = { AF_INET, AF_INET6 };
	int rc = 0;
	if (net & SZ_SB_NET_UNIX)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_UNIX));
	for (size_t i = 0; rc == 0 && (net & SZ_SB_NET_TCP) && i < 2; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)inet[i]));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect), 0);
	/* what libpq asks of the socket it connects (the runner's
	 * samizdat-doc; a face has these already) */
	if (rc == 0)
		rc = allow_all(ctx, socket_state_calls,
			sizeof(socket_state_calls) / sizeof(socket_state_calls[0]));
	return rc;
}

#define ALLOW(ctx, list) allow_all(ctx, list, sizeof(list) / sizeof(list[0]))

static int build(scmp_filter_ctx ctx, enum sz_syscalls kind, unsigned net)
{
	bool runner = kind == SZ_SYSCALLS_RUNNER;
	bool pgp = kind == SZ_SYSCALLS_DOC_PGP;
	bool unfiltered = runner || SZ_SANITIZED;
	int rc = ALLOW(ctx, core_calls);
	if (rc == 0)
		rc = ALLOW(ctx, file_calls);
	if (rc == 0 && kind == SZ_SYSCALLS_FACE)
		rc = ALLOW(ctx, serve_calls);
	if (rc == 0 && (kind == SZ_SYSCALLS_FACE || runner) &&
	    (net & (SZ_SB_NET_UNIX | SZ_SB_NET_TCP)))
		rc = allow_connect(ctx, net);
	if (rc == 0 && kind != SZ_SYSCALLS_FACE && !runner &&
	    (net & SZ_SB_NET_OPEN))
		rc = ALLOW(ctx, open_calls);
	if (rc == 0 && runner)
		rc = ALLOW(ctx, runner_calls);
	if (rc == 0 && pgp)
		rc = ALLOW(ctx, pgp_calls);
	if (rc == 0 && pgp)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket),
			0);
	if (rc == 0 && SZ_SANITIZED)
		rc = ALLOW(ctx, sanitizer_calls);
	/* Threads (clone with CLONE_THREAD) but no new processes, except
	 * for the runner and LeakSanitizer's tracer.  clone3 hides its
	 * flags from seccomp: it answers ENOSYS, and glibc uses clone. */
	if (rc == 0)
		rc = unfiltered || pgp ?
			seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0) :
			seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					CLONE_THREAD));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
			SCMP_SYS(clone3), 0);
	/* Signals to its own threads only (raise, abort, pthread_kill). */
	if (rc == 0 && !unfiltered)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	for (size_t i = 0; rc == 0 && !unfiltered &&
	     i < sizeof(prctls) / sizeof(prctls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctls[i]));
	/* The runner parses nothing hostile, and every samizdat-doc it
	 * starts adds its own filter (filters stack: the stricter wins); a
	 * stand-in for samizdat-doc may be a shell script, which asks its
	 * terminal and process group what they are. */
	if (rc == 0 && runner)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 0);
	for (size_t i = 0; rc == 0 && !runner &&
	     i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
			SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)ioctls[i]));
	return rc;
}

int sz_sandbox_seccomp(enum sz_syscalls kind, unsigned net,
	struct sz_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "cannot build a seccomp "
			"filter");
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* A binary tree of the calls, not a list: every system call of the
	 * upload path passes the filter. */
	if (rc == 0)
		(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = build(ctx, kind, net);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return sz_err_set(err, SZ_E_IO, "cannot load the seccomp "
			"allow-list: %s (a kernel without seccomp filters cannot "
			"run samizdat's faces)", strerror(-rc));
	return SZ_OK;
}
