/*
 * inbox.c - `samizdat inbox list|items`: what the inbox holds, read on
 * the server's command line on either engine (SQLite or PostgreSQL), for
 * an administrator who backs up, checks or hands over the encrypted
 * files, and for the tests, which read the inbox this way rather than
 * through a database's own tools.
 *
 * It prints what the editor face shows and nothing more: a source by its
 * id, designation and desk, its days, counts and star; an item by its
 * kind, padded size and the path of its ciphertext.  It decrypts nothing
 * (that is `samizdat decrypt`, on an editor's own machine), changes
 * nothing (no item is marked read), and is not audited for that reason.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/codename.h"
#include "store/instance.h"

static const char usage[] =
	"Usage: samizdat inbox list [-d DIR]\n"
	"       samizdat inbox items [-d DIR] SOURCE\n"
	"\n"
	"What the inbox holds, as the editor face shows it, on either\n"
	"database.  `list` prints every source that has sent something,\n"
	"most recent activity first, one per line, tab-separated: its id,\n"
	"designation, desk (- for none), submissions, the day of its last\n"
	"one, items not yet read, and \"starred\" if it is.  `items` prints a\n"
	"source's items, newest first: the item's id, its day, message or\n"
	"file, its padded size in bytes, read or unread, and the path of its\n"
	"ciphertext (decrypt it with `samizdat decrypt` or `age -d` where\n"
	"the editor's key is); then the editors' replies to it, oldest\n"
	"first: the reply's id, its day, \"reply\", -, the editor who wrote\n"
	"it (or \"deleted by the source\") and the path of its ciphertext\n"
	"(- once deleted).  Nothing is decrypted or marked read.\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n";

/* The name of desk id among rows, or "-". */
static const char *desk_name(const struct sz_desk_row *rows, size_t n,
	int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id)
			return rows[i].name;
	return "-";
}

/* Every source, a page at a time (memory stays one page whatever the
 * number of sources). */
static int list(struct sz_store *st)
{
	struct sz_desk_row *desks = NULL;
	size_t ndesks = 0;
	struct sz_source_row *rows = NULL;
	struct sz_err err;
	int status = 0;
	if (st->ops->desk_list(st, &desks, &ndesks, &err) != SZ_OK) {
		status = cli_fail("inbox", "%s", err.msg);
		goto out;
	}
	rows = calloc(SZ_INBOX_PAGE_MAX, sizeof(*rows));
	if (rows == NULL) {
		status = cli_fail("inbox", "out of memory");
		goto out;
	}
	struct sz_inbox_query q = { .view = SZ_INBOX_ALL,
		.from = SZ_INBOX_FIRST };
	for (;;) {
		struct sz_inbox_page page = { .rows = rows,
			.limit = SZ_INBOX_PAGE_MAX };
		if (st->ops->inbox_page(st, &q, &page, &err) != SZ_OK) {
			status = cli_fail("inbox", "%s", err.msg);
			goto out;
		}
		for (size_t i = 0; i < page.n; i++) {
			const struct sz_source_row *r = &rows[i];
			char d[SZ_DESIGNATION_INPUT_MAX];
			sz_designation_name(r->designation, d, sizeof(d));
			printf("%" PRId64 "\t%s\t%s\t%" PRId64 " submission%s\t"
				"%s\t%" PRId64 " unread%s\n", r->id, d,
				r->desk == 0 ? "-" : desk_name(desks, ndesks, r->desk),
				r->submissions, r->submissions == 1 ? "" : "s",
				r->last_day, r->unread, r->starred ? "\tstarred" : "");
		}
		if (!page.older || page.n == 0)
			break;
		q.from = SZ_INBOX_OLDER;
		memcpy(q.key.day, rows[page.n - 1].last_day, sizeof(q.key.day));
		q.key.id = rows[page.n - 1].id;
	}
out:
	free(rows);
	free(desks);
	return status;
}

static int items(struct sz_instance *in, const char *arg)
{
	struct sz_store *st = in->store;
	char *end = NULL;
	long long id = strtoll(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || id <= 0)
		return cli_usage("inbox", "SOURCE is a source's id (the first "
			"column of `samizdat inbox list`)");
	struct sz_source_row src;
	memset(&src, 0, sizeof(src));
	struct sz_err err;
	if (st->ops->source_get(st, id, &src, &err) != SZ_OK)
		return cli_fail("inbox", "%s", err.msg);
	struct sz_item_full *rows = NULL;
	size_t n = 0;
	if (st->ops->source_items(st, id, &rows, &n, &err) != SZ_OK)
		return cli_fail("inbox", "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		sz_blob_path(&in->blobs, rows[i].row.blob, path, sizeof(path));
		printf("%" PRId64 "\t%s\t%s\t%" PRIu64 "\t%s\t%s\n", rows[i].id,
			rows[i].day, rows[i].row.kind == SZ_ITEM_FILE ? "file" :
			"message", rows[i].row.padded_size, rows[i].seen ? "read" :
			"unread", path);
	}
	free(rows);
	struct sz_reply_row *replies = NULL;
	if (st->ops->replies(st, id, &replies, &n, &err) != SZ_OK)
		return cli_fail("inbox", "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		char path[4096] = "-";
		if (!replies[i].deleted)
			sz_blob_path(&in->blobs, replies[i].blob, path,
				sizeof(path));
		printf("%" PRId64 "\t%s\treply\t-\t%s\t%s\n", replies[i].id,
			replies[i].day, replies[i].deleted ? "deleted by the "
			"source" : replies[i].editor[0] ? replies[i].editor : "-",
			path);
	}
	free(replies);
	return 0;
}

int sz_cmd_inbox(int argc, char **argv)
{
	const char *dir;
	int parsed = cli_dir_only(argc, argv, "inbox", usage, &dir);
	if (parsed >= 0)
		return parsed;
	if (optind >= argc)
		return cli_usage("inbox", "say list or items");
	const char *verb = argv[optind++];
	int nargs = argc - optind;
	if (!((strcmp(verb, "list") == 0 && nargs == 0) ||
		(strcmp(verb, "items") == 0 && nargs == 1)))
		return cli_usage("inbox", "wrong use of \"%s\"", verb);

	struct sz_instance in;
	struct sz_err err;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("inbox", "%s", err.msg);
	int status = strcmp(verb, "list") == 0 ? list(in.store) :
		items(&in, argv[optind]);
	sz_instance_close(&in);
	return status;
}
