/*
 * i18n_lookup.c - looks every message of a catalogue up, in threads, with
 * samizdat's reader (core/mo.h) or with glibc's dgettext under a
 * per-thread locale (newlocale + uselocale, the other way to answer each
 * request in its own language), and prints nanoseconds per lookup.
 * bench/i18n.sh runs both side by side.  Not a test: it prints figures.
 *
 *   i18n_lookup ours|glibc LOCALEDIR LANG LOCALE THREADS ROUNDS
 */
#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mo.h"

static const char *msgids[60000];
static size_t nmsgids;
static struct sz_mo *mo;
static const char *locale_name;
static unsigned long rounds;
static int glibc;

static uint32_t word(const uint8_t *d, size_t off)
{
	return (uint32_t)d[off] | (uint32_t)d[off + 1] << 8 |
		(uint32_t)d[off + 2] << 16 | (uint32_t)d[off + 3] << 24;
}

/* The msgids of the catalogue (little-endian, as msgfmt writes it here). */
static int read_msgids(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	static uint8_t d[8 << 20];
	size_t len = fread(d, 1, sizeof(d), f);
	fclose(f);
	uint32_t n = word(d, 8), o = word(d, 12);
	for (uint32_t i = 0; i < n && nmsgids < 60000; i++) {
		uint32_t l = word(d, o + 8 * i), off = word(d, o + 8 * i + 4);
		if (l == 0 || off + l >= len || memchr(d + off, 4, l))
			continue;       /* the header; messages with a context */
		msgids[nmsgids++] = (const char *)d + off;
	}
	return 0;
}

static void *run(void *arg)
{
	unsigned long *found = arg;
	locale_t loc = (locale_t)0, old = (locale_t)0;
	if (glibc) {
		loc = newlocale(LC_ALL_MASK, locale_name, (locale_t)0);
		if (loc == (locale_t)0) {
			fprintf(stderr, "newlocale %s failed\n", locale_name);
			exit(1);
		}
		old = uselocale(loc);
	}
	for (unsigned long r = 0; r < rounds; r++)
		for (size_t i = 0; i < nmsgids; i++) {
			const char *t = glibc ? dgettext("samizdat", msgids[i]) :
				sz_mo_find(mo, NULL, msgids[i]);
			*found += t != NULL && t != msgids[i];
		}
	if (glibc) {
		uselocale(old);
		freelocale(loc);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fputs("usage: i18n_lookup ours|glibc LOCALEDIR LANG LOCALE "
			"THREADS ROUNDS\n", stderr);
		return 2;
	}
	glibc = strcmp(argv[1], "glibc") == 0;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/samizdat.mo", argv[2],
		argv[3]);
	locale_name = argv[4];
	int threads = atoi(argv[5]);
	rounds = strtoul(argv[6], NULL, 10);
	if (read_msgids(path) != 0 || threads < 1 || threads > 64) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	if (glibc)
		bindtextdomain("samizdat", argv[2]);
	else if (sz_mo_load(&mo, path, NULL) != 0)
		return 1;
	pthread_t t[64];
	unsigned long found[64] = { 0 };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, run, &found[i]);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
		(double)(b.tv_nsec - a.tv_nsec)) /
		((double)nmsgids * (double)rounds * threads);
	unsigned long total = 0;
	for (int i = 0; i < threads; i++)
		total += found[i];
	printf("%s %.1f ns/lookup, %zu messages, %lu translated lookups\n",
		argv[1], ns, nmsgids, total);
	sz_mo_free(mo);
	return 0;
}
