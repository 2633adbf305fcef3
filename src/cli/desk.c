/*
 * desk.c - `samizdat desk add|list|remove|join|leave`: desks, the groups
 * of editors a source may choose to write to (store/store.h says what a
 * desk promises the source: only its editors can read what it is sent).
 * Administered on the command line only, and audited, as editors are.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/instance.h"

#define ACTOR "admin (command line)"

static const char usage[] =
	"Usage: samizdat desk add [-d DIR] DESK [EDITOR...]\n"
	"       samizdat desk list [-d DIR]\n"
	"       samizdat desk remove [-d DIR] DESK\n"
	"       samizdat desk join [-d DIR] DESK EDITOR...\n"
	"       samizdat desk leave [-d DIR] DESK EDITOR...\n"
	"\n"
	"A desk (\"Investigations\", \"Legal\") is a group of editors.  On the\n"
	"source face a source chooses a desk, and what it sends is encrypted\n"
	"to that desk's editors only; only they see the source in the inbox.\n"
	"A source that chooses no desk (if the settings allow it:\n"
	"desk_required) is read by every editor and by every recipient added\n"
	"with `samizdat recipient add`; such instance-wide recipients never\n"
	"receive a desk's submissions.  A desk is offered to sources once it\n"
	"has an editor.  `editor add NAME --desk DESK` puts a new editor on a\n"
	"desk; `join` and `leave` move existing ones.  Removing a desk that\n"
	"sources chose closes it instead: they stay its own, read by its\n"
	"editors, and no new source can choose it.  `add` opens it again.\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n";

static int members(struct sz_store *st, const char *desk, char **editors,
	int n, bool on)
{
	struct sz_err err;
	for (int i = 0; i < n; i++) {
		if (st->ops->desk_member(st, desk, editors[i], on, &err) != SZ_OK)
			return cli_fail("desk", "%s", err.msg);
		char detail[2 * SZ_STORE_NAME_MAX + 8];
		snprintf(detail, sizeof(detail), "%s: %s", desk, editors[i]);
		st->ops->audit_add(st, ACTOR, on ? "desk join" : "desk leave",
			detail, NULL);
		printf("%s is %s the %s desk.\n", editors[i], on ? "on" :
			"no longer on", desk);
	}
	return 0;
}

static int list(struct sz_store *st)
{
	struct sz_desk_row *rows = NULL;
	size_t n = 0;
	struct sz_err err;
	if (st->ops->desk_list(st, &rows, &n, &err) != SZ_OK)
		return cli_fail("desk", "%s", err.msg);
	if (n == 0)
		printf("No desks: every source writes to every editor.\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%lld source%s\t%s\n", rows[i].name,
			rows[i].closed ? "closed" : rows[i].neditors == 0 ?
			"no editors yet" : "open", (long long)rows[i].sources,
			rows[i].sources == 1 ? "" : "s", rows[i].editors);
	free(rows);
	return 0;
}

int sz_cmd_desk(int argc, char **argv)
{
	const char *dir;
	int parsed = cli_dir_only(argc, argv, "desk", usage, &dir);
	if (parsed >= 0)
		return parsed;
	if (optind >= argc)
		return cli_usage("desk", "say add, list, remove, join or leave");
	const char *verb = argv[optind++];
	int nargs = argc - optind;
	bool ok = (strcmp(verb, "list") == 0 && nargs == 0) ||
		(strcmp(verb, "remove") == 0 && nargs == 1) ||
		(strcmp(verb, "add") == 0 && nargs >= 1) ||
		((strcmp(verb, "join") == 0 || strcmp(verb, "leave") == 0) &&
			nargs >= 2);
	if (!ok)
		return cli_usage("desk", "wrong use of \"%s\"", verb);
	const char *desk = nargs > 0 ? argv[optind] : NULL;
	if (desk != NULL && !cli_valid_name(desk))
		return cli_usage("desk", "a desk's name must have 1 to %d "
			"printable characters", SZ_STORE_NAME_MAX);

	struct sz_instance in;
	struct sz_err err;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("desk", "%s", err.msg);
	struct sz_store *st = in.store;
	int status = 0;
	if (strcmp(verb, "list") == 0) {
		status = list(st);
	} else if (strcmp(verb, "add") == 0) {
		if (st->ops->desk_add(st, desk, &err) != SZ_OK) {
			status = cli_fail("desk", "%s", err.msg);
		} else {
			st->ops->audit_add(st, ACTOR, "desk add", desk, NULL);
			printf("Added the %s desk.%s\n", desk, nargs == 1 ?
				" Put editors on it with: samizdat desk join DESK "
				"EDITOR" : "");
			status = members(st, desk, argv + optind + 1, nargs - 1,
				true);
		}
	} else if (strcmp(verb, "remove") == 0) {
		bool closed = false;
		if (st->ops->desk_remove(st, desk, &closed, &err) != SZ_OK) {
			status = cli_fail("desk", "%s", err.msg);
		} else {
			st->ops->audit_add(st, ACTOR, closed ? "desk close" :
				"desk remove", desk, NULL);
			printf(closed ? "Closed the %s desk: sources chose it, so "
				"it stays theirs and its editors keep reading them; "
				"no new source can choose it.\n" :
				"Removed the %s desk: no new source can choose it. The "
				"source face deletes it on its next pass over what it "
				"holds in memory (at the latest when the period ends), "
				"unless a submission held there was sent to it: then it "
				"stays, closed, for that source.\n", desk);
		}
	} else {
		status = members(st, desk, argv + optind + 1, nargs - 1,
			strcmp(verb, "join") == 0);
	}
	sz_instance_close(&in);
	return status;
}
