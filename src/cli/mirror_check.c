/*
 * mirror_check.c - `samizdat mirror verify` (is this copy what the
 * newsroom signed, whole and current?) and `samizdat mirror torrent` (an
 * export as a torrent, with the mirrors as web seeds).
 *
 * verify prints one line per problem (the first REPORT_MAX of each kind)
 * and a verdict, and exits with the verdict's status (mirror/verify.h),
 * so scripts can tell a tampered mirror from an unreachable one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/mirror.h"
#include "mirror/torrent.h"
#include "mirror/verify.h"

#define REPORT_MAX 20

static const char verify_usage[] =
	"Usage: samizdat mirror verify (-p PUBKEY | -P KEY) [options] DIR|URL\n"
	"\n"
	"Checks a copy of the archive, in a folder or at an http(s) URL: that\n"
	"MANIFEST.minisig is a valid signature of MANIFEST by the key, that\n"
	"the signed version is not older than one this reader saw before for\n"
	"that key (a rolled-back mirror) and has not expired (a frozen one),\n"
	"that every listed file is there with its SHA-256, and, for a folder,\n"
	"that nothing else is (no unlisted files, no symbolic links).\n"
	"\n"
	"  -p, --public-key FILE  the newsroom's public key file (minisign's)\n"
	"  -P, --key KEY          the public key itself (\"RW...\")\n"
	"      --state FILE       the versions seen before (default\n"
	"                         $XDG_STATE_HOME/samizdat/mirror-versions or\n"
	"                         ~/.local/state/samizdat/mirror-versions)\n"
	"      --no-record        do not remember this version\n"
	"      --max-file-mb N    refuse a file larger than N MiB (4096)\n"
	"      --max-total-mb N   stop after downloading N MiB in all (65536)\n"
	"      --max-manifest-mb N  refuse a MANIFEST larger than N MiB (512)\n"
	"      --timeout S        give up on a mirror silent for S seconds (30)\n"
	"      --max-time S       give up on one download after S seconds (600)\n"
	"      --proxy URL        fetch through a proxy (socks5h://127.0.0.1:9050\n"
	"                         for an onion mirror through Tor)\n"
	"  -q, --quiet            print only the verdict\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 verified; 1 could not read or download (unreachable,\n"
	"timed out, too large); 2 usage; 3 no valid signature by that key\n"
	"(missing, damaged, another key's, altered); 4 expired (a frozen\n"
	"mirror); 5 older than a version seen before (a rolled-back mirror);\n"
	"6 unsafe (a path that climbs out or is absolute, a symbolic link, a\n"
	"malformed MANIFEST); 7 a file was altered; 8 a listed file is\n"
	"missing; 9 a file is there but not listed; 10 implausible (signed,\n"
	"but valid for more than 400 days, or a version more than 2^32 above\n"
	"the last seen: a stolen or misused key; not remembered).  When\n"
	"several are found, the status is the first of: 3, 10, 6, 5, 4, 7, 8,\n"
	"1, 9.\n";

static const char torrent_usage[] =
	"Usage: samizdat mirror torrent [-o FILE] [--name NAME] [--web-seed URL]...\n"
	"                               [--tracker URL]... DIR\n"
	"\n"
	"Makes a BitTorrent (v1) torrent of an export: every file its MANIFEST\n"
	"lists, the MANIFEST and its signature, in a folder named NAME (the\n"
	"export folder's own name by default), each file checked against the\n"
	"MANIFEST as it is read.  The same export always makes the same\n"
	"torrent.  Prints its magnet link.\n"
	"\n"
	"  -o, --output FILE   the torrent (default DIR.torrent)\n"
	"      --name NAME     the folder's name in the torrent\n"
	"      --web-seed URL  a mirror serving the export, at .../NAME/ (BEP 19);\n"
	"                      clients download from it when no peer has a piece\n"
	"      --tracker URL   an announce URL (without one, clients use DHT)\n"
	"  -h, --help          show this help\n";

struct reporting {
	bool quiet;
	unsigned shown[11];      /* by verdict */
};

static const char *verdict_name(enum sz_verify_verdict v)
{
	switch (v) {
	case SZ_VERIFY_OK: return "verified";
	case SZ_VERIFY_UNREADABLE: return "UNREADABLE";
	case SZ_VERIFY_SIGNATURE: return "BAD SIGNATURE";
	case SZ_VERIFY_EXPIRED: return "EXPIRED";
	case SZ_VERIFY_ROLLBACK: return "ROLLED BACK";
	case SZ_VERIFY_UNSAFE: return "UNSAFE";
	case SZ_VERIFY_TAMPERED: return "TAMPERED";
	case SZ_VERIFY_MISSING: return "MISSING";
	case SZ_VERIFY_EXTRA: return "NOT LISTED";
	case SZ_VERIFY_IMPLAUSIBLE: return "IMPLAUSIBLE";
	}
	return "?";
}

static void report(void *ctx, enum sz_verify_verdict v, const char *path,
	const char *why)
{
	struct reporting *rep = ctx;
	if (rep->quiet || (unsigned)v >= 11 || rep->shown[v]++ >= REPORT_MAX)
		return;
	printf("%s: %s%s%s\n", verdict_name(v), path ? path : "",
		path ? ": " : "", why);
}

static int mib(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v < 1 || v > (1ull << 24))
		return -1;
	*out = (uint64_t)v << 20;
	return 0;
}

static int seconds(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 86400)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_mirror_verify(int argc, char **argv)
{
	enum { OPT_STATE = 256, OPT_NOREC, OPT_FILE, OPT_TOTAL, OPT_MANIFEST,
		OPT_TIMEOUT, OPT_MAXTIME, OPT_PROXY };
	static const struct option longopts[] = {
		{ "public-key", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'P' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "no-record", no_argument, NULL, OPT_NOREC },
		{ "max-file-mb", required_argument, NULL, OPT_FILE },
		{ "max-total-mb", required_argument, NULL, OPT_TOTAL },
		{ "max-manifest-mb", required_argument, NULL, OPT_MANIFEST },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-time", required_argument, NULL, OPT_MAXTIME },
		{ "proxy", required_argument, NULL, OPT_PROXY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sz_verify_opts o;
	struct reporting rep = { 0 };
	const char *pk_file = NULL, *pk_text = NULL;
	int c, bad = 0;
	sz_verify_defaults(&o);
	while ((c = cli_getopt(argc, argv, "mirror", "p:P:qh", longopts)) != -1) {
		switch (c) {
		case 'p': pk_file = optarg; break;
		case 'P': pk_text = optarg; break;
		case OPT_STATE: o.seen_file = optarg; break;
		case OPT_NOREC: o.record = false; break;
		case OPT_FILE: bad |= mib(optarg, &o.max_file); break;
		case OPT_TOTAL: bad |= mib(optarg, &o.max_total); break;
		case OPT_MANIFEST: bad |= mib(optarg, &o.max_manifest); break;
		case OPT_TIMEOUT: bad |= seconds(optarg, &o.fetch.timeout_s); break;
		case OPT_MAXTIME: bad |= seconds(optarg, &o.fetch.max_time_s); break;
		case OPT_PROXY: o.fetch.proxy = optarg; break;
		case 'q': rep.quiet = true; break;
		case 'h': fputs(verify_usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (bad)
		return cli_usage("mirror", "sizes are 1 to 16777216 MiB, times 1 "
			"to 86400 seconds");
	if (optind + 1 != argc)
		return cli_usage("mirror", "verify takes one folder or URL");
	if ((pk_file == NULL) == (pk_text == NULL))
		return cli_usage("mirror", "give the public key: -p FILE or -P KEY");
	struct sz_minisign_pub pub;
	struct sz_err err;
	struct sz_buf text;
	int rc;
	if (pk_file != NULL) {
		rc = cli_mirror_read(pk_file, SZ_MINISIGN_FILE_MAX, &text, &err);
		if (rc == 0) {
			rc = sz_minisign_pub_parse((const char *)text.data, text.len,
				&pub, &err);
			sz_buf_free(&text);
		}
	} else {
		rc = sz_minisign_pub_parse(pk_text, strlen(pk_text), &pub, &err);
	}
	if (rc != 0) {
		cli_fail("mirror", "%s", err.msg);
		return SZ_EXIT_USAGE;
	}
	o.target = argv[optind];
	o.key = &pub;
	o.report = report;
	o.ctx = &rep;
	struct sz_verify_result r;
	enum sz_verify_verdict v = sz_mirror_verify(&o, &r);
	char until[32] = "";
	if (r.signed_ok) {
		time_t t = (time_t)r.claim.expires;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(until, sizeof(until), "%Y-%m-%d %H:%M UTC", &tm);
	}
	if (v == SZ_VERIFY_OK)
		printf("verified: %s, version %llu, valid until %s: %llu files, "
			"%llu bytes, all as signed\n", r.claim.archive,
			(unsigned long long)r.claim.version, until,
			(unsigned long long)r.files, (unsigned long long)r.bytes);
	else if (!r.signed_ok)
		printf("FAILED (%s): no valid signature by that key; nothing in "
			"this copy can be trusted\n", verdict_name(v));
	else
		printf("FAILED (%s): %s, version %llu (valid until %s): %llu files "
			"good, %llu altered, %llu missing, %llu not listed, %llu "
			"unsafe, %llu unreadable\n", verdict_name(v), r.claim.archive,
			(unsigned long long)r.claim.version, until,
			(unsigned long long)r.files, (unsigned long long)r.tampered,
			(unsigned long long)r.missing, (unsigned long long)r.extra,
			(unsigned long long)r.unsafe,
			(unsigned long long)r.unreadable);
	return (int)v;
}

int cli_mirror_torrent(int argc, char **argv)
{
	enum { OPT_NAME = 256, OPT_SEED, OPT_TRACKER };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "web-seed", required_argument, NULL, OPT_SEED },
		{ "tracker", required_argument, NULL, OPT_TRACKER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *seeds[SZ_TORRENT_SEEDS_MAX], *trackers[SZ_TORRENT_SEEDS_MAX];
	struct sz_torrent_opts o;
	int c;
	memset(&o, 0, sizeof(o));
	o.seeds = seeds;
	o.trackers = trackers;
	while ((c = cli_getopt(argc, argv, "mirror", "o:h", longopts)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_SEED:
			if (o.nseeds == SZ_TORRENT_SEEDS_MAX)
				return cli_usage("mirror", "at most %d web seeds",
					SZ_TORRENT_SEEDS_MAX);
			seeds[o.nseeds++] = optarg;
			break;
		case OPT_TRACKER:
			if (o.ntrackers == SZ_TORRENT_SEEDS_MAX)
				return cli_usage("mirror", "at most %d trackers",
					SZ_TORRENT_SEEDS_MAX);
			trackers[o.ntrackers++] = optarg;
			break;
		case 'h': fputs(torrent_usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage("mirror", "torrent takes one export folder");
	o.dir = argv[optind];
	char out[4200];
	if (o.out == NULL) {
		size_t n = strlen(o.dir);
		while (n > 1 && o.dir[n - 1] == '/')
			n--;
		snprintf(out, sizeof(out), "%.*s.torrent", (int)n, o.dir);
		o.out = out;
	}
	struct sz_torrent_result r;
	struct sz_err err;
	if (sz_mirror_torrent(&o, &r, &err) != 0)
		return cli_fail("mirror", "%s", err.msg);
	char magnet[8192];
	if (sz_torrent_magnet(&o, &r, magnet, sizeof(magnet)) != 0)
		return cli_fail("mirror", "the magnet link is too long");
	fprintf(stderr, "%s: %llu files, %llu bytes, %llu pieces of %llu KiB\n",
		o.out, (unsigned long long)r.files, (unsigned long long)r.bytes,
		(unsigned long long)r.pieces,
		(unsigned long long)(r.piece_length >> 10));
	printf("%s\n", magnet);
	return 0;
}
