/*
 * sandbox.h - locking a process in once it has opened what it needs
 * (DESIGN.md §1): PR_SET_NO_NEW_PRIVS, a Landlock rule set limited to the
 * paths it was given (landlock.c), then a seccomp allow-list of system
 * calls whose default action kills the process (seccomp.c), in that
 * order, before any thread starts.  Also: dropping root to the
 * instance's user, and no core dumps (user.c).
 *
 * What it deliberately does not do: decide what a process may reach (the
 * caller lists it: store/instance.c for an instance's files, cli/faces.c
 * for each face, cli/doc_sandbox.c for samizdat-doc), or weaken itself
 * quietly.  Where the kernel has no Landlock the process says so once on
 * stderr and goes on with seccomp and NO_NEW_PRIVS; where seccomp cannot
 * be loaded it refuses to go on.  The one way to run without a sandbox is
 * SZ_SANDBOX_BENCH_ENV, for the benchmark that measures what the sandbox
 * costs; it says so loudly.
 *
 * Ownership: a struct sz_sandbox holds copies of its paths; free it with
 * sz_sandbox_free() (after applying it, or instead).
 */
#ifndef SZ_SANDBOX_SANDBOX_H
#define SZ_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Sanitizer builds: LeakSanitizer stops the world with ptrace from a
 * forked tracer at exit, so those builds keep the few system calls it
 * needs (seccomp.c) and do not turn off dumpability (user.c).  The normal
 * build never has them. */
#if defined(__SANITIZE_ADDRESS__)
#define SZ_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SZ_SANITIZED 1
#endif
#endif
#ifndef SZ_SANITIZED
#define SZ_SANITIZED 0
#endif

/* Set to 1 in the environment, the sandbox is not applied (and a warning
 * says so): bench/upload.sh compares serving with and without it. */
#define SZ_SANDBOX_BENCH_ENV "SAMIZDAT_BENCH_UNSANDBOXED"

#define SZ_SANDBOX_MAX_PATHS 10000  /* samizdat-doc's inputs, each one */
#define SZ_SANDBOX_PATH_MAX 4096

/* What a path may be used for once locked in. */
enum {
	SZ_SB_READ = 1 << 0,      /* read files, list directories */
	SZ_SB_WRITE = 1 << 1,     /* write and truncate files */
	SZ_SB_CREATE = 1 << 2,    /* make files and folders, move them in */
	SZ_SB_REMOVE = 1 << 3,    /* unlink files and folders, move them out */
	SZ_SB_EXEC = 1 << 4,      /* execute */
	SZ_SB_OPTIONAL = 1 << 5,  /* skip it if it does not exist */
};

/* Which system calls a process keeps (seccomp.c documents each group). */
enum sz_syscalls {
	SZ_SYSCALLS_FACE,         /* a web face: files, threads, accepted
	                             connections; no new sockets, no exec */
	SZ_SYSCALLS_RUNNER,       /* the editor's document runner: what
	                             samizdat-doc needs, plus fork and exec */
	SZ_SYSCALLS_DOC,          /* samizdat-doc: files and threads only */
	SZ_SYSCALLS_DOC_PGP,      /* samizdat-doc checking PGP signatures:
	                             as DOC, plus running gpg (which
	                             Landlock narrows to gpg alone); socket()
	                             fails, so gpg finds no agent */
};

struct sz_sandbox_path {
	char *path;               /* owned */
	unsigned access;
};

/* New connections a locked-in face may open (a PostgreSQL database's,
 * made again after the server restarts): none unless allowed. */
enum {
	SZ_SB_NET_UNIX = 1 << 0,  /* socket(AF_UNIX) and connect */
	SZ_SB_NET_TCP = 1 << 1,   /* socket(AF_INET, AF_INET6) and connect,
	                             to the ports listed only where Landlock
	                             has network rules (ABI 4) */
	SZ_SB_NET_OPEN = 1 << 2,  /* sending and receiving on connections
	                             opened before the lock-in, and no new
	                             one (samizdat-doc's database) */
};
#define SZ_SANDBOX_PORTS_MAX 8

struct sz_sandbox {
	const char *name;         /* for messages: "the public face" */
	enum sz_syscalls syscalls;
	unsigned net;             /* SZ_SB_NET_... */
	uint16_t ports[SZ_SANDBOX_PORTS_MAX];   /* TCP ports it may reach */
	size_t nports;
	size_t npaths, cap;
	struct sz_sandbox_path *paths;
};

void sz_sandbox_init(struct sz_sandbox *sb, const char *name,
	enum sz_syscalls syscalls);
void sz_sandbox_free(struct sz_sandbox *sb);
/* Lets the process use path (a file or a folder and all beneath it) for
 * access (SZ_SB_...) once locked in; the path must exist by then. */
int sz_sandbox_allow(struct sz_sandbox *sb, const char *path,
	unsigned access, struct sz_err *err);
/* Lets a face open connections once locked in: kind SZ_SB_NET_UNIX, or
 * SZ_SB_NET_TCP to port.  Only a face's and the runner's system-call
 * lists can take them (the runner's samizdat-doc connects to an archive
 * on PostgreSQL before it locks itself in, and then opens none). */
int sz_sandbox_allow_connect(struct sz_sandbox *sb, unsigned kind,
	uint16_t port, struct sz_err *err);
/* Lets any process keep using the connections it opened before locking
 * itself in (SZ_SB_NET_OPEN); it opens no new one. */
void sz_sandbox_keep_connections(struct sz_sandbox *sb);

/* What every dynamically linked program reads: its shared libraries and
 * their data (/usr, the loader's cache), read-only. */
int sz_sandbox_allow_system(struct sz_sandbox *sb, struct sz_err *err);

/* Lets the process execute the program loader (ld.so) that started it,
 * which the kernel opens to start any program: with sz_sandbox_allow of
 * one program, SZ_SB_EXEC, that program and nothing else can be run. */
int sz_sandbox_allow_interpreter(struct sz_sandbox *sb, struct sz_err *err);

/* Locks the calling process in: no new privileges, Landlock, seccomp.
 * Call it before any thread starts: Landlock binds only the calling
 * thread (and those it starts later), so a process that has more than one
 * thread is refused.  After it, everything sb does not allow fails or, for
 * a system call outside the allow-list, kills the process (SIGSYS). */
int sz_sandbox_apply(const struct sz_sandbox *sb, struct sz_err *err);

/* The Landlock ABI version of this kernel, or 0 if it has none. */
int sz_sandbox_landlock_abi(void);
/* Says on stderr, once for this process and the programs it starts, that
 * the kernel lacks Landlock (if it does). */
void sz_sandbox_note_landlock(void);

/* When running as root: becomes user (or, if user is "", the owner of
 * dir unless that is root), with that user's group only.  Not root:
 * nothing to do.  Staying root (the instance belongs to root, no user
 * set) is allowed, with a warning.  Call it before opening anything. */
int sz_sandbox_drop_root(const char *user, const char *dir,
	struct sz_err *err);
/* No core dumps: a face's memory holds sessions, keys and plaintext in
 * flight.  (Sanitizer builds stay traceable for LeakSanitizer.) */
void sz_sandbox_no_dumps(void);

/* Internal to src/sandbox/. */
int sz_sandbox_landlock(const struct sz_sandbox *sb, struct sz_err *err);
int sz_sandbox_seccomp(enum sz_syscalls syscalls, unsigned net,
	struct sz_err *err);

#endif
