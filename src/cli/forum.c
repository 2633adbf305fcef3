/*
 * forum.c - `samizdat forum ...`: what an administrator of the forum does
 * on the command line: boards, members' roles, staff titles and team
 * badges, invitations, reserved names.  Moderation itself happens on the
 * pages (the public face for staff members, the editor face for editors).
 * Role changes are written to the public moderation log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/forum.h"
#include "web/forum/forum.h"
#include "web/forum/names.h"

#define ACTOR "admin (command line)"
#define INVITES_MAX 1000

static const char usage[] =
	"Usage: samizdat forum [-d DIR] board create NAME [--about TEXT]\n"
	"       samizdat forum [-d DIR] board list\n"
	"       samizdat forum [-d DIR] role NAME member|moderator|admin\n"
	"       samizdat forum [-d DIR] title NAME TITLE\n"
	"       samizdat forum [-d DIR] badge NAME BADGE\n"
	"       samizdat forum [-d DIR] invite [COUNT]\n"
	"       samizdat forum [-d DIR] reserve NAME\n"
	"       samizdat forum [-d DIR] staff\n"
	"\n"
	"Administers the forum of the instance in DIR (its forum.db).  Boards\n"
	"are made here; moderators and admins are named here (admins also ban\n"
	"and silence, on the pages).  A title (\"The Chairman\") replaces the\n"
	"title members earn by posting; a badge (\"STAFF\") shows beside the\n"
	"name; an empty TITLE or BADGE removes it.  `invite` prints COUNT\n"
	"(default 1) invitation codes, each good for one account, for\n"
	"forum.registration = invite.  `reserve` keeps a name (and every name\n"
	"that looks like it) from being taken.\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n"
	"      --about T   a board's description\n";

/* A member by name, as the name's key finds it. */
static int find(struct sz_forum *f, const char *name,
	struct sz_forum_member *m)
{
	char key[SZ_FORUM_KEY_MAX + 1];
	struct sz_err err;
	if (sz_name_key(name, strlen(name), key) != 0 ||
	    f->ops->member_find(f, key, m, &err) != 0 ||
	    m->state == SZ_MEMBER_DELETED)
		return cli_fail("forum", "no member is called \"%s\"", name);
	return 0;
}

static int board(struct sz_forum *f, int argc, char **argv, const char *about)
{
	struct sz_err err;
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		struct sz_forum_board *rows = NULL;
		size_t n = 0;
		if (f->ops->board_list(f, &rows, &n, &err) != 0)
			return cli_fail("forum", "%s", err.msg);
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%lld threads\t%lld posts\t%s%s\n",
				(long long)rows[i].id, (long long)rows[i].threads,
				(long long)rows[i].posts, rows[i].name,
				rows[i].archive ? "\t(the archive's discussions)" : "");
		free(rows);
		return 0;
	}
	if (argc != 2 || strcmp(argv[0], "create") != 0)
		return cli_usage("forum", "say board create NAME or board list");
	size_t n = strlen(argv[1]);
	if (n == 0 || n > SZ_FORUM_BOARD_MAX || (about &&
	    strlen(about) > SZ_FORUM_ABOUT_MAX))
		return cli_usage("forum", "a board's name has 1 to %d bytes, its "
			"description at most %d", SZ_FORUM_BOARD_MAX,
			SZ_FORUM_ABOUT_MAX);
	int64_t id = 0;
	if (f->ops->board_create(f, argv[1], about ? about : "", &id, &err) != 0)
		return cli_fail("forum", "%s", err.msg);
	printf("%lld\n", (long long)id);
	return 0;
}

static int role(struct sz_forum *f, const char *name, const char *what)
{
	static const char *const roles[] = { "member", "moderator", "admin" };
	struct sz_forum_member m;
	struct sz_err err;
	int r = -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(what, roles[i]) == 0)
			r = i;
	if (r < 0)
		return cli_usage("forum", "a role is member, moderator or admin");
	if (find(f, name, &m) != 0)
		return SZ_EXIT_FAIL;
	if (f->ops->member_set_role(f, m.id, (enum sz_forum_role)r, &err) != 0)
		return cli_fail("forum", "%s", err.msg);
	struct sz_forum_log l;
	memset(&l, 0, sizeof(l));
	l.at = time(NULL);
	snprintf(l.actor, sizeof(l.actor), ACTOR);
	if (r == SZ_FORUM_MEMBER)
		snprintf(l.action, sizeof(l.action), "made a member of staff a "
			"member again");
	else
		snprintf(l.action, sizeof(l.action), "made a member %s", roles[r]);
	l.target = SZ_TARGET_MEMBER;
	l.target_id = m.id;
	snprintf(l.about, sizeof(l.about), "%s", m.name);
	f->ops->log_add(f, &l, NULL);
	printf("%s is now %s %s.\n", m.name, r == 2 ? "an" : "a", roles[r]);
	return 0;
}

static int label(struct sz_forum *f, const char *name, const char *text,
	bool title)
{
	struct sz_forum_member m;
	struct sz_err err;
	size_t n = strlen(text);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20)
			return cli_usage("forum", "a title or badge is one line");
	if (n > SZ_FORUM_LABEL_MAX)
		return cli_usage("forum", "a title or badge has at most %d bytes",
			SZ_FORUM_LABEL_MAX);
	if (find(f, name, &m) != 0)
		return SZ_EXIT_FAIL;
	if (f->ops->member_set_labels(f, m.id, title ? text : NULL,
	    title ? NULL : text, NULL, &err) != 0)
		return cli_fail("forum", "%s", err.msg);
	printf("%s's %s is %s%s%s.\n", m.name, title ? "title" : "badge",
		n ? "\"" : "gone", text, n ? "\"" : "");
	return 0;
}

static int invite(struct sz_forum *f, const char *count)
{
	char *end;
	long n = count ? strtol(count, &end, 10) : 1;
	if ((count && *end) || n < 1 || n > INVITES_MAX)
		return cli_usage("forum", "COUNT is 1 to %d", INVITES_MAX);
	for (long i = 0; i < n; i++) {
		char code[SZ_FORUM_INVITE_CHARS + 1];
		struct sz_err err;
		if (sz_forum_invite(f, code, &err) != 0)
			return cli_fail("forum", "%s", err.msg);
		printf("%s\n", code);
	}
	return 0;
}

static int reserve(struct sz_forum *f, const char *name)
{
	char key[SZ_FORUM_KEY_MAX + 1];
	struct sz_err err;
	if (sz_name_key(name, strlen(name), key) != 0)
		return cli_usage("forum", "a name needs a letter or a digit");
	if (f->ops->reserve(f, key, "reserved by an administrator", &err) != 0)
		return cli_fail("forum", "%s", err.msg);
	printf("Nobody can take \"%s\", or a name that looks like it.\n", name);
	return 0;
}

static int staff(struct sz_forum *f)
{
	static const char *const roles[] = { "member", "moderator", "admin" };
	struct sz_forum_member *rows = NULL;
	size_t n = 0;
	struct sz_err err;
	if (f->ops->member_list(f, false, SZ_FORUM_PAGE_MAX, &rows, &n, &err) !=
	    0)
		return cli_fail("forum", "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\n", rows[i].name, roles[rows[i].role % 3],
			rows[i].title, rows[i].badge);
	free(rows);
	return 0;
}

int sz_cmd_forum(int argc, char **argv)
{
	enum { OPT_ABOUT = 256 };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "about", required_argument, NULL, OPT_ABOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *about = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "forum", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_ABOUT: about = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage("forum", "say board, role, title, badge, invite, "
			"reserve or staff");
	const char *verb = argv[optind++];
	int nargs = argc - optind;
	char **args = argv + optind;
	struct sz_forum *f;
	struct sz_err err;
	if (sz_forum_open(&f, cli_instance_dir(dir), &err) != 0)
		return cli_fail("forum", "%s", err.msg);
	int status;
	if (strcmp(verb, "board") == 0)
		status = board(f, nargs, args, about);
	else if (strcmp(verb, "role") == 0 && nargs == 2)
		status = role(f, args[0], args[1]);
	else if ((strcmp(verb, "title") == 0 || strcmp(verb, "badge") == 0) &&
	    nargs == 2)
		status = label(f, args[0], args[1], verb[0] == 't');
	else if (strcmp(verb, "invite") == 0 && nargs <= 1)
		status = invite(f, nargs ? args[0] : NULL);
	else if (strcmp(verb, "reserve") == 0 && nargs == 1)
		status = reserve(f, args[0]);
	else if (strcmp(verb, "staff") == 0 && nargs == 0)
		status = staff(f);
	else
		status = cli_usage("forum", "wrong use of \"%s\"", verb);
	f->ops->close(f);
	return status;
}
