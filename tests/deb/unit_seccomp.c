/*
 * unit_seccomp.c - runs a program under the seccomp filters that
 * samizdat.service's settings make systemd install, built the way systemd
 * builds them (src/shared/seccomp-util.c), so tests/deb/install.sh can run
 * the installed samizdat as the unit would on a machine where systemd is
 * not PID 1:
 *
 *   -s FILE     SystemCallFilter= with SystemCallErrorNumber=EPERM: only
 *               the system calls named in FILE (one per line) are allowed,
 *               with those systemd always allows; the rest fail with EPERM
 *   -a FAMILY   RestrictAddressFamilies= (AF_UNIX, AF_INET, AF_INET6;
 *               repeatable): socket() of any other family fails with
 *               EAFNOSUPPORT
 *   -w          MemoryDenyWriteExecute=yes
 *   -n          RestrictNamespaces=yes
 *
 * Each setting is its own filter, as systemd loads them.  It needs
 * no_new_privs set already (setpriv --no-new-privs).  It is a test
 * helper: it emulates the seccomp settings only, not the rest of the
 * unit's sandbox (install.sh makes the mounts).
 *
 * Usage: unit_seccomp [-s FILE] [-a FAMILY]... [-w] [-n] PROGRAM [ARG...]
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <unistd.h>

#define NAME_MAX_LEN 64
#define MAX_FAMILIES 8

/* What systemd allows whatever the list says (systemd.exec(5)). */
static const char *const always[] = {
	"execve", "exit", "exit_group", "getrlimit", "rt_sigreturn",
	"sigreturn", "clock_gettime", "clock_getres", "clock_nanosleep",
	"gettimeofday", "nanosleep", "time",
};

/* Loads the filter ctx was built into, unless building failed (rc). */
static int finish(scmp_filter_ctx ctx, int rc, const char *what)
{
	if (ctx == NULL)
		rc = -ENOMEM;
	else if (rc == 0)
		rc = seccomp_load(ctx);
	if (ctx != NULL)
		seccomp_release(ctx);
	if (rc != 0)
		fprintf(stderr, "unit_seccomp: the %s filter: %s\n", what,
			strerror(-rc));
	return rc;
}

static int allow_named(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;   /* unknown to libseccomp, as to systemd: skipped */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

static int syscall_filter(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	char name[NAME_MAX_LEN + 2];
	int rc = ctx ? 0 : -ENOMEM;
	while (rc == 0 && fgets(name, sizeof(name), f) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		if (name[0] != '\0')
			rc = allow_named(ctx, name);
	}
	fclose(f);
	for (size_t i = 0; rc == 0 && i < sizeof(always) / sizeof(*always); i++)
		rc = allow_named(ctx, always[i]);
	return finish(ctx, rc, "system-call");
}

static int family_number(const char *name)
{
	if (strcmp(name, "AF_UNIX") == 0)
		return AF_UNIX;
	if (strcmp(name, "AF_INET") == 0)
		return AF_INET;
	if (strcmp(name, "AF_INET6") == 0)
		return AF_INET6;
	if (strcmp(name, "AF_NETLINK") == 0)
		return AF_NETLINK;
	if (strcmp(name, "AF_PACKET") == 0)
		return AF_PACKET;
	return -1;
}

/* socket(family, ...) fails for every family not listed: one rule per
 * family below AF_MAX (a rule compares an argument once), and one for
 * the rest. */
static int address_families(const int *fam, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? 0 : -ENOMEM;
	for (int f = 0; rc == 0 && f < AF_MAX; f++) {
		int listed = 0;
		for (size_t i = 0; i < n; i++)
			listed |= fam[i] == f;
		if (!listed)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				SCMP_SYS(socket), 1,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)f));
	}
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
			SCMP_SYS(socket), 1,
			SCMP_A0(SCMP_CMP_GE, (scmp_datum_t)AF_MAX));
	return finish(ctx, rc, "address-family");
}

static int memory_deny_write_execute(void)
{
	const scmp_datum_t wx = PROT_WRITE | PROT_EXEC;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? 0 : -ENOMEM;
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap),
			1, SCMP_A2(SCMP_CMP_MASKED_EQ, wx, wx));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
			SCMP_SYS(mprotect), 1,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
			SCMP_SYS(pkey_mprotect), 1,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(shmat),
			1, SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
	return finish(ctx, rc, "write-execute");
}

/* No new namespaces: unshare() and clone() with a CLONE_NEW* flag fail,
 * setns() fails, and clone3() (whose flags a filter cannot see) says it
 * does not exist, so that the C library falls back to clone(). */
static int restrict_namespaces(void)
{
	static const scmp_datum_t flags[] = {
		CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS,
		CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS,
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? 0 : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < sizeof(flags) / sizeof(*flags); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
			SCMP_SYS(unshare), 1,
			SCMP_A0(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				SCMP_SYS(clone), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
	}
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns),
			0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
			SCMP_SYS(clone3), 0);
	return finish(ctx, rc, "namespace");
}

int main(int argc, char **argv)
{
	const char *list = NULL;
	int fam[MAX_FAMILIES];
	size_t nfam = 0;
	int wx = 0, ns = 0, c;
	while ((c = getopt(argc, argv, "+s:a:wn")) != -1) {
		switch (c) {
		case 's': list = optarg; break;
		case 'a':
			if (nfam == MAX_FAMILIES || family_number(optarg) < 0) {
				fprintf(stderr, "unit_seccomp: %s: unknown or too "
					"many families\n", optarg);
				return 2;
			}
			fam[nfam++] = family_number(optarg);
			break;
		case 'w': wx = 1; break;
		case 'n': ns = 1; break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fputs("usage: unit_seccomp [-s FILE] [-a FAMILY]... [-w] [-n] "
			"PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	/* The most general filter last, so the others load under it. */
	if ((nfam > 0 && address_families(fam, nfam) != 0) ||
	    (wx && memory_deny_write_execute() != 0) ||
	    (ns && restrict_namespaces() != 0) ||
	    (list != NULL && syscall_filter(list) != 0))
		return 1;
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "unit_seccomp: cannot run %s: %s\n", argv[optind],
		strerror(errno));
	return 127;
}
