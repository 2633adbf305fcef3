/*
 * decrypt.c - `samizdat decrypt`, with age's flags: -i and -o.  Armor is
 * detected.  With -o, a file that fails to decrypt part-way leaves nothing
 * behind; on standard output what was authenticated before the failure has
 * been written, and the exit status says it failed.
 *
 * With -C DIR it unpacks inbox items instead (unpack.h): each INPUT is an
 * item (.age) or the editor face's .tar of a source's items, and every
 * file comes out under its own name in DIR.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/unpack.h"
#include "crypto/age.h"
#include "crypto/age_keyfile.h"

#define PLAIN_MAX (8u << 20)   /* plaintext held between two pulls */
#define CIPHER_PIECE 65536

static const char usage[] =
	"Usage: samizdat decrypt [-i IDENTITY_FILE]... [-o OUTPUT] [INPUT]\n"
	"       samizdat decrypt [--passphrase-file FILE] [-o OUTPUT] [INPUT]\n"
	"       samizdat decrypt -i IDENTITY_FILE... -C DIR INPUT...\n"
	"\n"
	"Decrypts an age file (binary or armored) from INPUT or standard\n"
	"input.  Without -i the file must be passphrase-encrypted, and the\n"
	"passphrase is asked on the terminal.\n"
	"\n"
	"With -C, each INPUT is an item from the inbox (ITEM.age) or a\n"
	"source's .tar of items from the editor face: every file they hold is\n"
	"written into DIR under its own name (made safe: no paths, no control\n"
	"characters; \"NAME (2).EXT\" when a name is taken, never over a file),\n"
	"and each is listed as \"ITEM: NAME\".  A file appears only once its\n"
	"item has decrypted and authenticated to the end.\n"
	"\n"
	"  -i, --identity FILE   an identity file (AGE-SECRET-KEY-1… lines, as\n"
	"                        written by samizdat keygen or age-keygen);\n"
	"                        repeatable\n"
	"      --passphrase-file FILE  read the passphrase from FILE\n"
	"  -o, --output FILE     write to FILE, which appears only if the whole\n"
	"                        file decrypts\n"
	"  -C, --directory DIR   unpack inbox items into DIR (which must exist)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 on success, 1 if decryption failed (the message says\n"
	"why: no identity matched, header corrupted, payload corrupted or\n"
	"truncated), 2 on a usage error.\n";

struct ask_ctx {
	const char *file;
};

static int ask(void *ctx, char *buf, size_t cap, size_t *len)
{
	struct ask_ctx *a = ctx;
	struct sz_err err;
	int rc = cli_passphrase(a->file, false, buf, cap, len, &err);
	if (rc != SZ_OK)
		fprintf(stderr, "samizdat decrypt: %s\n", err.msg);
	return rc;
}

static int decrypt_update(void *d, const uint8_t *data, size_t n,
	struct sz_err *err)
{
	return sz_age_decrypt_update(d, data, n, err);
}

static int run(struct sz_age_identities *ids, bool by_passphrase,
	const char *in_path, const char *out_path)
{
	struct sz_err err;
	struct cli_output out;
	struct sz_age_decryptor *dec = NULL;
	struct sz_age_opts opts = { .threads = cli_threads() };
	int status = SZ_EXIT_FAIL;
	int in = cli_open_input(in_path, &err);
	if (in < 0)
		return cli_fail("decrypt", "%s", err.msg);
	if (cli_output_open(&out, out_path, 0600, &err) != SZ_OK) {
		cli_fail("decrypt", "%s", err.msg);
		goto done;
	}
	if (sz_age_decrypt_begin(&dec, ids->v, ids->n, &opts, cli_output_sink,
		    &out, &err) != SZ_OK ||
	    cli_pump(in, decrypt_update, dec, &err) != SZ_OK ||
	    sz_age_decrypt_finish(dec, &err) != SZ_OK ||
	    cli_output_commit(&out, &err) != SZ_OK) {
		cli_output_abort(&out);
		if (by_passphrase && err.code == SZ_E_NO_MATCH)
			cli_fail("decrypt", "the file is not encrypted with a "
				"passphrase: give its identity with -i FILE");
		else
			cli_fail("decrypt", "%s", err.msg);
		goto done;
	}
	status = 0;
done:
	sz_age_decrypt_free(dec);
	if (in > STDIN_FILENO)
		close(in);
	return status;
}

/* ---- -C: inbox items ---- */

/* Where an item's ciphertext comes from: a file, or an entry of a
 * source's tar. */
struct item_pull {
	struct sz_age_decryptor *dec;
	struct sz_buf plain;
	int fd;                  /* or -1: read from outer */
	struct archive *outer;
	uint8_t piece[CIPHER_PIECE];
	bool ended;
};

static int plain_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct item_pull *p = ctx;
	return sz_buf_append(&p->plain, data, len);
}

/* The next ciphertext: its length, 0 at the end, -1 on error. */
static ssize_t next_cipher(struct item_pull *p, const uint8_t **data,
	struct sz_err *err)
{
	if (p->outer != NULL) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(p->outer, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK) {
			sz_err_set(err, SZ_E_IO, "cannot read the archive: %s",
				archive_error_string(p->outer));
			return -1;
		}
		*data = buf;
		return (ssize_t)len;
	}
	ssize_t n;
	do
		n = read(p->fd, p->piece, sizeof(p->piece));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		sz_err_set(err, SZ_E_IO, "cannot read: %s", strerror(errno));
	*data = p->piece;
	return n;
}

/* Decrypts until there is plaintext to hand out, or the end. */
static ssize_t item_pull(void *ctx, const uint8_t **data,
	struct sz_err *err)
{
	struct item_pull *p = ctx;
	p->plain.len = 0;
	while (p->plain.len == 0 && !p->ended) {
		const uint8_t *c;
		ssize_t n = next_cipher(p, &c, err);
		if (n < 0)
			return -1;
		if (n == 0) {
			if (sz_age_decrypt_finish(p->dec, err) != SZ_OK)
				return -1;
			p->ended = true;
		} else if (sz_age_decrypt_update(p->dec, c, (size_t)n, err) !=
			    SZ_OK) {
			return -1;
		}
	}
	*data = p->plain.data;
	return (ssize_t)p->plain.len;
}

static int unpack_one(struct sz_unpack *u, struct sz_age_identities *ids,
	const char *label, int fd, struct archive *outer, struct sz_err *err)
{
	struct item_pull p = { .fd = fd, .outer = outer };
	sz_buf_init(&p.plain, PLAIN_MAX);
	int rc = sz_age_decrypt_begin(&p.dec, ids->v, ids->n, NULL, plain_sink,
		&p, err);
	if (rc == SZ_OK)
		rc = sz_unpack_item(u, label, item_pull, &p, err);
	sz_age_decrypt_free(p.dec);
	sz_buf_free(&p.plain);
	return rc;
}

/* A source's .tar from the editor face: every .age in it is an item. */
static int unpack_tar_of_items(struct sz_unpack *u,
	struct sz_age_identities *ids, const char *path, int fd,
	struct sz_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc = SZ_OK, items = 0;
	if (a == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, CIPHER_PIECE) != ARCHIVE_OK) {
		rc = sz_err_set(err, SZ_E_INVAL, "%s is neither an age file nor "
			"a tar of them: %s", path, archive_error_string(a));
		goto out;
	}
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = sz_err_set(err, SZ_E_INVAL, "%s is damaged: %s", path,
				archive_error_string(a));
			break;
		}
		const char *name = archive_entry_pathname(e);
		size_t n = name ? strlen(name) : 0;
		if (archive_entry_filetype(e) != AE_IFREG || n < 4 ||
		    strcmp(name + n - 4, ".age") != 0)
			continue;
		const char *base = strrchr(name, '/');
		rc = unpack_one(u, ids, base ? base + 1 : name, -1, a, err);
		if (rc != SZ_OK)
			break;
		items++;
	}
	if (rc == SZ_OK && items == 0)
		rc = sz_err_set(err, SZ_E_INVAL, "%s holds no .age items", path);
out:
	archive_read_free(a);
	return rc;
}

static int run_unpack(struct sz_age_identities *ids, char **inputs,
	int ninputs, const char *dir)
{
	struct sz_unpack u;
	struct sz_err err;
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_fail("decrypt", "%s is not a directory", dir);
	sz_unpack_init(&u, dir);
	int status = 0;
	for (int i = 0; i < ninputs && status == 0; i++) {
		int fd = cli_open_input(inputs[i], &err);
		if (fd < 0 || fd == STDIN_FILENO) {
			status = fd < 0 ? cli_fail("decrypt", "%s", err.msg) :
				cli_usage("decrypt", "-C takes files, not standard "
					"input");
			break;
		}
		char head[32] = { 0 };
		ssize_t n = pread(fd, head, sizeof(head), 0);
		bool age = n > 0 && (strncmp(head, "age-encryption.org/", 19) == 0 ||
			strncmp(head, "-----BEGIN AGE", 14) == 0);
		const char *base = strrchr(inputs[i], '/');
		base = base ? base + 1 : inputs[i];
		int rc = age ? unpack_one(&u, ids, base, fd, NULL, &err) :
			unpack_tar_of_items(&u, ids, inputs[i], fd, &err);
		close(fd);
		if (rc != SZ_OK)
			status = cli_fail("decrypt", "%s: %s", inputs[i], err.msg);
	}
	sz_unpack_free(&u);
	return status;
}

int sz_cmd_decrypt(int argc, char **argv)
{
	enum { OPT_PASSFILE = 256 };
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "output", required_argument, NULL, 'o' },
		{ "directory", required_argument, NULL, 'C' },
		{ "decrypt", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sz_age_identities ids = {0};
	struct ask_ctx actx = { NULL };
	struct sz_err err;
	const char *out_path = NULL, *dir = NULL;
	int c, status;
	bool by_passphrase = false;

	while ((c = cli_getopt(argc, argv, "decrypt", "i:o:C:dh", longopts)) != -1) {
		switch (c) {
		case 'i':
			if (sz_age_identities_load(&ids, optarg, &err) != SZ_OK) {
				sz_age_identities_free(&ids);
				return cli_fail("decrypt", "%s", err.msg);
			}
			break;
		case OPT_PASSFILE: actx.file = optarg; break;
		case 'o': out_path = optarg; break;
		case 'C': dir = optarg; break;
		case 'd': break; /* accepted for age compatibility */
		case 'h':
			fputs(usage, stdout);
			sz_age_identities_free(&ids);
			return 0;
		default:
			sz_age_identities_free(&ids);
			return SZ_EXIT_USAGE;
		}
	}
	if (dir != NULL && (out_path != NULL || optind == argc)) {
		sz_age_identities_free(&ids);
		return cli_usage("decrypt", "-C takes one or more input files, "
			"and no -o");
	}
	if (dir == NULL && argc - optind > 1) {
		sz_age_identities_free(&ids);
		return cli_usage("decrypt", "give at most one input file");
	}
	if (ids.n > 0 && actx.file != NULL) {
		sz_age_identities_free(&ids);
		return cli_usage("decrypt",
			"--passphrase-file cannot be combined with -i");
	}
	if (ids.n == 0) {
		struct sz_age_identity *id;
		if (sz_age_identity_passphrase(NULL, 0, ask, &actx, &id,
			    &err) != SZ_OK ||
		    sz_age_identities_add(&ids, id, &err) != SZ_OK)
			return cli_fail("decrypt", "%s", err.msg);
		by_passphrase = true;
	}
	status = dir != NULL ? run_unpack(&ids, argv + optind, argc - optind,
		dir) : run(&ids, by_passphrase, optind < argc ? argv[optind] :
		NULL, out_path);
	sz_age_identities_free(&ids);
	return status;
}
