/*
 * sandbox.c - the lock-in in order: no new privileges, Landlock, seccomp
 * (sandbox.h), and the list of paths a process keeps.
 */
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "sandbox/sandbox.h"

void sz_sandbox_init(struct sz_sandbox *sb, const char *name,
	enum sz_syscalls syscalls)
{
	memset(sb, 0, sizeof(*sb));
	sb->name = name;
	sb->syscalls = syscalls;
}

void sz_sandbox_free(struct sz_sandbox *sb)
{
	for (size_t i = 0; i < sb->npaths; i++)
		free(sb->paths[i].path);
	free(sb->paths);
	sb->paths = NULL;
	sb->npaths = sb->cap = 0;
}

void sz_sandbox_keep_connections(struct sz_sandbox *sb)
{
	sb->net |= SZ_SB_NET_OPEN;
}

int sz_sandbox_allow_connect(struct sz_sandbox *sb, unsigned kind,
	uint16_t port, struct sz_err *err)
{
	if (sb->syscalls != SZ_SYSCALLS_FACE &&
	    sb->syscalls != SZ_SYSCALLS_RUNNER)
		return sz_err_set(err, SZ_E_INVAL, "%s may not open connections",
			sb->name);
	sb->net |= kind & (SZ_SB_NET_UNIX | SZ_SB_NET_TCP);
	if (!(kind & SZ_SB_NET_TCP))
		return SZ_OK;
	for (size_t i = 0; i < sb->nports; i++)
		if (sb->ports[i] == port)
			return SZ_OK;
	if (sb->nports == SZ_SANDBOX_PORTS_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "%s would reach more than %d "
			"ports", sb->name, SZ_SANDBOX_PORTS_MAX);
	sb->ports[sb->nports++] = port;
	return SZ_OK;
}

int sz_sandbox_allow(struct sz_sandbox *sb, const char *path,
	unsigned access, struct sz_err *err)
{
	if (sb->npaths == SZ_SANDBOX_MAX_PATHS)
		return sz_err_set(err, SZ_E_LIMIT, "%s would keep more than %d "
			"paths", sb->name, SZ_SANDBOX_MAX_PATHS);
	if (strlen(path) >= SZ_SANDBOX_PATH_MAX || path[0] == '\0')
		return sz_err_set(err, SZ_E_LIMIT, "a path for %s is too long",
			sb->name);
	/* Many files into one folder: one rule. */
	if (sb->npaths > 0 && sb->paths[sb->npaths - 1].access == access &&
	    strcmp(sb->paths[sb->npaths - 1].path, path) == 0)
		return SZ_OK;
	if (sb->npaths == sb->cap) {
		size_t cap = sb->cap ? 2 * sb->cap : 16;
		struct sz_sandbox_path *p = realloc(sb->paths, cap * sizeof(*p));
		if (p == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		sb->paths = p;
		sb->cap = cap;
	}
	char *copy = strdup(path);
	if (copy == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	sb->paths[sb->npaths].path = copy;
	sb->paths[sb->npaths++].access = access;
	return SZ_OK;
}

int sz_sandbox_allow_system(struct sz_sandbox *sb, struct sz_err *err)
{
	/* /lib and /lib64 are links into /usr on current Debian; Landlock
	 * follows them to where the files are.  Besides: the loader's cache,
	 * and libmagic's local additions to its database. */
	static const char *const system[] = { "/usr", "/lib", "/lib64",
		"/etc/ld.so.cache", "/etc/magic" };
	int rc = SZ_OK;
	for (size_t i = 0; rc == SZ_OK && i < sizeof(system) / sizeof(*system);
	     i++)
		rc = sz_sandbox_allow(sb, system[i], SZ_SB_READ | SZ_SB_OPTIONAL,
			err);
	return rc;
}

struct interp_search {
	ElfW(Addr) base;
	const char *name;
};

static int find_base(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct interp_search *f = arg;
	if (info->dlpi_addr == f->base && info->dlpi_name != NULL &&
	    info->dlpi_name[0] == '/') {
		f->name = info->dlpi_name;
		return 1;
	}
	return 0;
}

int sz_sandbox_allow_interpreter(struct sz_sandbox *sb, struct sz_err *err)
{
	/* The kernel tells where it mapped the loader; the loader's own list
	 * of objects tells its path. */
	struct interp_search f = { (ElfW(Addr))getauxval(AT_BASE), NULL };
	if (f.base == 0)
		return SZ_OK;   /* a static program: there is none */
	dl_iterate_phdr(find_base, &f);
	if (f.name == NULL)
		return sz_err_set(err, SZ_E_NOT_FOUND, "cannot find the program "
			"loader for %s", sb->name);
	return sz_sandbox_allow(sb, f.name, SZ_SB_READ | SZ_SB_EXEC, err);
}

/* The process's threads, from /proc/self/status (-1 if unknown). */
static int count_threads(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int n = -1;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return n;
}

int sz_sandbox_apply(const struct sz_sandbox *sb, struct sz_err *err)
{
	const char *off = getenv(SZ_SANDBOX_BENCH_ENV);
	if (off != NULL && strcmp(off, "1") == 0) {
		fprintf(stderr, "samizdat: %s=1: %s runs WITHOUT its sandbox "
			"(for benchmarks only)\n", SZ_SANDBOX_BENCH_ENV, sb->name);
		return SZ_OK;
	}
	/* Unknown (-1) when /proc is out of reach: under a sandbox already
	 * (samizdat-doc under the editor's runner), which binds every
	 * thread. */
	int threads = count_threads();
	if (threads > 1)
		return sz_err_set(err, SZ_E_INVAL, "cannot lock %s in: %d threads "
			"run already, and Landlock would bind only this one",
			sb->name, threads);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot set no-new-privileges "
			"for %s", sb->name);
	int rc = sz_sandbox_landlock(sb, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_seccomp(sb->syscalls, sb->net, err);
	return rc;
}
