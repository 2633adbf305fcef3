/*
 * landlock.c - the file-system half of the lock-in: a Landlock rule set
 * that handles every access right this kernel knows (so anything not
 * granted is refused) and grants each listed path what it was given.
 * On a kernel with network rules (ABI 4) no TCP bind is granted, and
 * TCP connect only to the ports a face's database listens on (none
 * unless its conninfo names a host); with scopes (ABI 6) the process can neither signal nor
 * reach an abstract Unix socket outside its own domain.
 *
 * What it does not do: anything on a kernel without Landlock (or with
 * ABI 1, which cannot allow moving a file between folders, as the inbox
 * does): it says so once, and the process keeps its other defences.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/* Debian 12's <linux/landlock.h> knows ABI 2; the rest are the kernel's
 * values (include/uapi/linux/landlock.h). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define RULE_NET_PORT 2
#define NET_BIND_TCP (1ULL << 0)
#define NET_CONNECT_TCP (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL (1ULL << 1)

/* The rule set's attributes as ABI 6 has them; older kernels are given
 * only the first 8 (ABI 1-3) or 16 (ABI 4-5) bytes. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define FS_ABI1 (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	LANDLOCK_ACCESS_FS_MAKE_SYM)
/* The rights that make sense on a file (not a folder). */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define NOTED_ENV "SAMIZDAT_LANDLOCK_NOTED"

int sz_sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		LANDLOCK_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
}

void sz_sandbox_note_landlock(void)
{
	int abi = sz_sandbox_landlock_abi();
	if (abi >= 2 || getenv(NOTED_ENV) != NULL)
		return;
	fprintf(stderr, "samizdat: this kernel %s, so processes are not "
		"confined to their own files; each still runs with no new "
		"privileges and a seccomp allow-list (see docs/operations.md)\n",
		abi == 0 ? "has no Landlock (Linux 5.13 or later, with "
		"lsm=landlock)" : "has Landlock ABI 1 only (Linux 5.19 or later "
		"is needed)");
	setenv(NOTED_ENV, "1", 1);
}

static uint64_t handled_fs(int abi)
{
	uint64_t fs = FS_ABI1;
	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

static uint64_t rights_of(unsigned access)
{
	uint64_t r = 0;
	if (access & SZ_SB_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (access & SZ_SB_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
	if (access & SZ_SB_CREATE)
		r |= LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
		     LANDLOCK_ACCESS_FS_REFER;
	if (access & SZ_SB_REMOVE)
		r |= LANDLOCK_ACCESS_FS_REMOVE_FILE |
		     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER;
	if (access & SZ_SB_EXEC)
		r |= LANDLOCK_ACCESS_FS_EXECUTE;
	return r;
}

/* struct landlock_net_port_attr (ABI 4), which Debian 12's header lacks. */
struct net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

/* Adds one path's rule. */
static int add_path(int rs, const struct sz_sandbox *sb, const char *path,
	unsigned access, uint64_t handled, struct sz_err *err)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (e == ENOENT && (access & SZ_SB_OPTIONAL))
			return SZ_OK;
		return sz_err_set(err, SZ_E_IO, "cannot confine %s to %s: %s",
			sb->name, path, strerror(e));
	}
	struct landlock_path_beneath_attr pb = {
		.allowed_access = rights_of(access) & handled &
			(S_ISDIR(st.st_mode) ? ~0ULL : FS_FILE),
		.parent_fd = fd,
	};
	int rc = SZ_OK;
	if (pb.allowed_access != 0 && syscall(SYS_landlock_add_rule, rs,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot allow %s for %s: %s", path,
			sb->name, strerror(errno));
	close(fd);
	return rc;
}

int sz_sandbox_landlock(const struct sz_sandbox *sb, struct sz_err *err)
{
	int abi = sz_sandbox_landlock_abi();
	if (abi < 2) {
		sz_sandbox_note_landlock();
		return SZ_OK;
	}
	struct ruleset_attr attr = { .handled_access_fs = handled_fs(abi) };
	size_t attr_size = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		attr_size += sizeof(attr.handled_access_net);
	}
	if (abi >= 6) {
		attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
		attr_size += sizeof(attr.scoped);
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0)
		return sz_err_set(err, SZ_E_IO, "cannot create a Landlock rule "
			"set for %s: %s", sb->name, strerror(errno));
	int rc = SZ_OK;
	for (size_t i = 0; i < sb->npaths && rc == SZ_OK; i++)
		rc = add_path(rs, sb, sb->paths[i].path, sb->paths[i].access,
			attr.handled_access_fs, err);
	for (size_t i = 0; rc == SZ_OK && abi >= 4 && i < sb->nports; i++) {
		struct net_port_attr np = { NET_CONNECT_TCP, sb->ports[i] };
		if (syscall(SYS_landlock_add_rule, rs, RULE_NET_PORT, &np, 0) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot allow %s to reach TCP "
				"port %u: %s", sb->name, (unsigned)sb->ports[i],
				strerror(errno));
	}
	/* LeakSanitizer's tracer reads the process's maps and threads; the
	 * runner's programs are processes of their own, with their own
	 * /proc/PID, which this rule set binds too. */
	if (rc == SZ_OK && SZ_SANITIZED)
		rc = add_path(rs, sb, sb->syscalls == SZ_SYSCALLS_RUNNER ?
			"/proc" : "/proc/self", SZ_SB_READ, attr.handled_access_fs,
			err);
	if (rc == SZ_OK && syscall(SYS_landlock_restrict_self, rs, 0) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot apply Landlock to %s: %s",
			sb->name, strerror(errno));
	close(rs);
	return rc;
}
