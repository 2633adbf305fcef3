/*
 * mirror.c - `samizdat mirror`: keygen (a signing key pair in minisign's
 * format) and export (the public archive as signed static files); verify
 * and torrent live in mirror_check.c.
 *
 * The secret signing key and its passphrase stay in sodium_malloc'd
 * memory and are wiped; nothing here touches the inbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/mirror.h"
#include "core/config.h"
#include "core/i18n.h"
#include "mirror/export.h"
#include "mirror/minisign.h"
#include "web/archive/pages.h"

static const char usage[] =
	"Usage: samizdat mirror keygen [-d DIR] [-s SECKEY] [-p PUBKEY] [-f]\n"
	"                              [--no-passphrase | --passphrase-file FILE]\n"
	"       samizdat mirror export [-d DIR] [-s SECKEY] [--passphrase-file FILE]\n"
	"                              [--name NAME] [--expiry-days N] [--rebuild] OUT\n"
	"       samizdat mirror verify (-p PUBKEY | -P KEY) [options] DIR|URL\n"
	"       samizdat mirror torrent [-o FILE] [--web-seed URL]... DIR\n"
	"\n"
	"Copies of the public archive that anyone can host and anyone can check.\n"
	"\n"
	"keygen   writes a signing key pair in minisign's format: DIR/mirror.key\n"
	"         (secret, mode 0600, encrypted with a passphrase as minisign\n"
	"         does) and DIR/mirror.pub, and prints the public key to publish\n"
	"  -s, --secret-key FILE  where the secret key goes (default DIR/mirror.key)\n"
	"  -p, --public-key FILE  where the public key goes (default DIR/mirror.pub)\n"
	"  -f, --force            replace an existing key pair\n"
	"      --no-passphrase    no passphrase, for automation (as minisign -W)\n"
	"      --passphrase-file FILE  the passphrase is the first line of FILE\n"
	"\n"
	"export   writes the published archive into OUT as static files: the\n"
	"         public face's pages with relative links, documents, raw\n"
	"         e-mails, the Atom feed, the JSON API's documents and browse\n"
	"         indexes; then OUT/MANIFEST (sha256sum's format) and\n"
	"         OUT/MANIFEST.minisig.  A second export rewrites only what\n"
	"         changed and removes what was unpublished.\n"
	"  -s, --secret-key FILE  the signing key (default DIR/mirror.key)\n"
	"      --passphrase-file FILE  its passphrase, if it has one\n"
	"      --name NAME        the archive's name in the signature (default\n"
	"                         \"" SZ_PAGES_SITE "\")\n"
	"      --expiry-days N    the signature is valid N days (default: the\n"
	"                         setting mirror_expiry_days, 30)\n"
	"      --rebuild          export everything again, and remove whatever\n"
	"                         else is in OUT\n"
	"      --state FILE       the export's state (default DIR/mirror/...)\n"
	"  -q, --quiet            no progress line\n"
	"  -v, --verbose          then say where the time went, phase by phase\n"
	"\n"
	"  -d, --dir DIR          the instance (default $SAMIZDAT_DIR, or\n"
	"                         /var/lib/samizdat)\n"
	"  -h, --help             show this help\n"
	"\n"
	"'samizdat mirror verify --help' and 'samizdat mirror torrent --help'\n"
	"tell more.  Anyone can check an export with minisign and sha256sum:\n"
	"  minisign -Vm MANIFEST -P KEY && sha256sum -c MANIFEST\n";

/* ---- keys ------------------------------------------------------------ */

int cli_mirror_read(const char *path, size_t max, struct sz_buf *out,
	struct sz_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			strerror(errno));
	char buf[4096];
	ssize_t n;
	int rc = 0;
	sz_buf_init(out, max);
	while (rc == 0 && (n = sz_read_full(fd, buf, sizeof(buf))) > 0)
		if (sz_buf_append(out, buf, (size_t)n) != 0)
			rc = sz_err_set(err, SZ_E_LIMIT, "%s is larger than %zu bytes",
				path, max);
	if (rc == 0 && n < 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot read %s: %s", path,
			strerror(errno));
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	if (rc == 0 && out->data == NULL)
		rc = sz_buf_append(out, "", 0);
	if (rc != 0)
		sz_buf_free(out);
	return rc;
}

int cli_mirror_key(const char *path, const char *pass_file,
	struct sz_minisign_key **key, struct sz_err *err)
{
	struct sz_buf text;
	char *pass = NULL;
	size_t plen = 0;
	*key = NULL;
	int rc = cli_mirror_read(path, SZ_MINISIGN_FILE_MAX, &text, err);
	if (rc != 0)
		return rc;
	bool enc = sz_minisign_sec_encrypted((const char *)text.data, text.len);
	if (enc && (pass = sodium_malloc(SZ_MINISIGN_PASSPHRASE_MAX)) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0 && enc)
		rc = cli_passphrase(pass_file, false, pass,
			SZ_MINISIGN_PASSPHRASE_MAX, &plen, err);
	if (rc == 0)
		rc = sz_minisign_sec_parse((const char *)text.data, text.len, pass,
			plen, key, err);
	if (pass != NULL)
		sodium_free(pass);
	sz_buf_free(&text);
	return rc;
}

/* Writes text as path (mode; replaced only when force). */
static int write_key_file(const char *path, const struct sz_buf *text,
	int mode, bool force, struct sz_err *err)
{
	struct sz_outfile f;
	int rc = sz_outfile_open(&f, path, mode, force, err);
	if (rc != 0)
		return rc;
	if (sz_write_all(f.fd, text->data, text->len) != 0) {
		sz_outfile_abort(&f);
		return sz_err_set(err, SZ_E_IO, "cannot write %s: %s", path,
			strerror(errno));
	}
	return sz_outfile_commit(&f, err);
}

static int keygen(int argc, char **argv)
{
	enum { OPT_NOPASS = 256, OPT_PASSFILE };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "secret-key", required_argument, NULL, 's' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-passphrase", no_argument, NULL, OPT_NOPASS },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *sk_path = NULL, *pk_path = NULL, *pfile = NULL;
	bool force = false, nopass = false;
	int c;
	while ((c = cli_getopt(argc, argv, "mirror", "d:s:p:fh",
	    longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': sk_path = optarg; break;
		case 'p': pk_path = optarg; break;
		case 'f': force = true; break;
		case OPT_NOPASS: nopass = true; break;
		case OPT_PASSFILE: pfile = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("mirror", "keygen takes no operands");
	if (nopass && pfile)
		return cli_usage("mirror", "--no-passphrase and --passphrase-file "
			"exclude each other");
	char skd[4200], pkd[4200];
	dir = cli_instance_dir(dir);
	snprintf(skd, sizeof(skd), "%s/mirror.key", dir);
	snprintf(pkd, sizeof(pkd), "%s/mirror.pub", dir);
	sk_path = sk_path ? sk_path : skd;
	pk_path = pk_path ? pk_path : pkd;
	if (!force && (access(sk_path, F_OK) == 0 || access(pk_path, F_OK) == 0))
		return cli_fail("mirror", "%s or %s exists: a new key would orphan "
			"every mirror that trusts the old one (add -f to replace it)",
			sk_path, pk_path);

	struct sz_minisign_key *key = NULL;
	struct sz_minisign_pub pub;
	struct sz_buf sk_text, pk_text;
	struct sz_err err;
	char *pass = NULL;
	size_t plen = 0;
	sz_buf_init(&sk_text, SZ_MINISIGN_FILE_MAX);
	sz_buf_init(&pk_text, SZ_MINISIGN_FILE_MAX);
	int rc = sz_minisign_keypair(&key, &pub, &err);
	if (rc == 0 && !nopass) {
		pass = sodium_malloc(SZ_MINISIGN_PASSPHRASE_MAX);
		rc = pass ? cli_passphrase(pfile, true, pass,
			SZ_MINISIGN_PASSPHRASE_MAX, &plen, &err) :
			sz_err_set(&err, SZ_E_NOMEM, "out of memory");
		if (rc == 0 && pfile == NULL)
			fputs("Deriving a key from the passphrase (as minisign does: "
				"1 GiB, a few seconds)...\n", stderr);
	}
	if (rc == 0)
		rc = sz_minisign_sec_format(key, pass, plen, &sk_text, &err);
	if (rc == 0)
		rc = sz_minisign_pub_format(&pub, &pk_text);
	if (rc == 0)
		rc = write_key_file(sk_path, &sk_text, 0600, force, &err);
	if (rc == 0)
		rc = write_key_file(pk_path, &pk_text, 0644, force, &err);
	if (pass != NULL)
		sodium_free(pass);
	sz_minisign_key_free(key);
	sz_buf_free(&sk_text);
	sz_buf_free(&pk_text);
	if (rc != 0)
		return cli_fail("mirror", "%s", err.msg);
	char b64[SZ_MINISIGN_PUB_BASE64];
	sz_minisign_pub_base64(&pub, b64);
	printf("%s\n", b64);
	fprintf(stderr, "The secret key is %s%s; keep it off the public "
		"server.\nThe public key is %s. Publish it where readers will find "
		"it\n(your site, your social accounts, in print); anyone can then "
		"check a copy:\n  minisign -Vm MANIFEST -P %s\n", sk_path, nopass ?
		" (not encrypted)" : "", pk_path, b64);
	return 0;
}

/* ---- export ---------------------------------------------------------- */

static int export(int argc, char **argv)
{
	enum { OPT_PASSFILE = 256, OPT_NAME, OPT_EXPIRY, OPT_REBUILD, OPT_STATE };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "secret-key", required_argument, NULL, 's' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "expiry-days", required_argument, NULL, OPT_EXPIRY },
		{ "rebuild", no_argument, NULL, OPT_REBUILD },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sz_export_opts o;
	const char *sk_path = NULL, *pfile = NULL, *expiry = NULL;
	bool quiet = false, verbose = false;
	int c;
	memset(&o, 0, sizeof(o));
	o.archive_name = SZ_PAGES_SITE;
	while ((c = cli_getopt(argc, argv, "mirror", "d:s:qvh",
	    longopts)) != -1) {
		switch (c) {
		case 'd': o.instance = optarg; break;
		case 's': sk_path = optarg; break;
		case OPT_PASSFILE: pfile = optarg; break;
		case OPT_NAME: o.archive_name = optarg; break;
		case OPT_EXPIRY: expiry = optarg; break;
		case OPT_REBUILD: o.rebuild = true; break;
		case OPT_STATE: o.state = optarg; break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage("mirror", "export takes one folder, OUT");
	o.out = argv[optind];
	o.instance = cli_instance_dir(o.instance);
	struct sz_config cfg;
	struct sz_err err;
	if (sz_config_load(&cfg, o.instance, &err) != 0)
		return cli_fail("mirror", "%s", err.msg);
	o.expiry_days = (unsigned)cfg.mirror_expiry_days;
	if (expiry != NULL) {
		char *end;
		unsigned long v = strtoul(expiry, &end, 10);
		if (*end || v < 1 || v > SZ_EXPORT_EXPIRY_DAYS_MAX)
			return cli_usage("mirror", "--expiry-days is 1 to %d",
				SZ_EXPORT_EXPIRY_DAYS_MAX);
		o.expiry_days = (unsigned)v;
	}
	/* A copy is written in the instance's default language (the first
	 * of its languages): a page on a disk cannot ask the reader's. */
	char first[SZ_I18N_CODE_MAX];
	snprintf(first, sizeof(first), "%.*s",
		(int)strcspn(cfg.languages, " ,"), cfg.languages);
	if (first[0] && sz_i18n_load(first, &err) != 0)
		return cli_fail("mirror", "%s", err.msg);
	char skd[4200];
	snprintf(skd, sizeof(skd), "%s/mirror.key", o.instance);
	struct sz_minisign_key *key = NULL;
	int rc = cli_mirror_key(sk_path ? sk_path : skd, pfile, &key, &err);
	if (rc != 0)
		return cli_fail("mirror", "%s%s", err.msg, sk_path == NULL &&
			rc == SZ_E_IO ? " (make one with 'samizdat mirror keygen')" : "");
	o.key = key;
	o.progress = !quiet && isatty(STDERR_FILENO);
	struct sz_export_stats st;
	rc = sz_mirror_export(&o, &st, &err);
	sz_minisign_key_free(key);
	if (rc != 0)
		return cli_fail("mirror", "%s", err.msg);
	char until[32];
	time_t t = (time_t)st.expires;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%d %H:%M UTC", &tm);
	printf("exported %s: %llu files (%llu written, %llu unchanged, %llu "
		"removed%s), version %llu, valid until %s\n", o.out,
		(unsigned long long)st.files, (unsigned long long)st.written,
		(unsigned long long)st.unchanged, (unsigned long long)st.removed,
		st.full ? "; everything rendered" : "",
		(unsigned long long)st.version, until);
	if (st.skipped)
		printf("%llu pages were too large or had unusable names, and were "
			"left out\n", (unsigned long long)st.skipped);
	if (verbose) {
		printf("seconds by phase:");
		for (int p = 0; p < SZ_EXPORT_PHASES; p++)
			printf(" %s %.2f", sz_export_phase_names[p], st.seconds[p]);
		printf("\n");
	}
	return 0;
}

int sz_cmd_mirror(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return SZ_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	argc--;
	argv++;
	if (strcmp(sub, "keygen") == 0)
		return keygen(argc, argv);
	if (strcmp(sub, "export") == 0)
		return export(argc, argv);
	if (strcmp(sub, "verify") == 0)
		return cli_mirror_verify(argc, argv);
	if (strcmp(sub, "torrent") == 0)
		return cli_mirror_torrent(argc, argv);
	return cli_usage("mirror", "unknown sub-command \"%s\"", sub);
}
