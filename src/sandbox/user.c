/*
 * user.c - who a process runs as: root gives itself up to the instance's
 * user before it opens anything (so every file it makes belongs to that
 * user), and a face's memory never goes to a core file.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

int sz_sandbox_drop_root(const char *user, const char *dir,
	struct sz_err *err)
{
	if (geteuid() != 0)
		return SZ_OK;
	uid_t uid;
	gid_t gid;
	const char *name = user;
	if (user != NULL && user[0] != '\0') {
		struct passwd pw, *found = NULL;
		char buf[4096];
		if (getpwnam_r(user, &pw, buf, sizeof(buf), &found) != 0 ||
		    found == NULL)
			return sz_err_set(err, SZ_E_NOT_FOUND, "there is no user "
				"\"%s\" (the setting user in samizdat.conf): create it "
				"(adduser --system %s) or change the setting", user,
				user);
		uid = pw.pw_uid;
		gid = pw.pw_gid;
	} else {
		struct stat st;
		if (stat(dir, &st) != 0)
			return sz_err_set(err, SZ_E_IO, "cannot read %s: %s", dir,
				strerror(errno));
		uid = st.st_uid;
		gid = st.st_gid;
		name = "the instance's owner";
	}
	if (uid == 0) {
		/* Once, for this process and those it starts. */
		if (getenv("SAMIZDAT_ROOT_NOTED") == NULL)
			fprintf(stderr, "samizdat: running as root, since %s "
				"belongs to root; give the instance a user of its own "
				"(chown -R, and user = NAME in samizdat.conf)\n", dir);
		setenv("SAMIZDAT_ROOT_NOTED", "1", 1);
		return SZ_OK;
	}
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot become %s (uid %u): %s",
			name, (unsigned)uid, strerror(errno));
	if (setuid(0) == 0)
		return sz_err_set(err, SZ_E_IO, "could become root again after "
			"dropping to uid %u; refusing to go on", (unsigned)uid);
	return SZ_OK;
}

void sz_sandbox_no_dumps(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	if (!SZ_SANITIZED)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
