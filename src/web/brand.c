/*
 * brand.c - the newsroom's name, introductions and logo: the logo checked
 * (size, type) and scrubbed by samizdat-doc into a private temporary
 * folder, read back into memory, and the folder removed.
 */
#include "web/brand.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/child.h"
#include "core/io.h"

/* Reads at most max bytes of path into a new buffer; -1 if larger. */
static int read_small(const char *path, size_t max, uint8_t **out,
	size_t *len, struct sz_err *err)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*out = NULL;
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open the logo %s",
			path);
	int rc = SZ_OK;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		rc = sz_err_set(err, SZ_E_IO, "the logo %s is not a file", path);
	else if ((uint64_t)sb.st_size > max)
		rc = sz_err_set(err, SZ_E_LIMIT, "the logo %s is larger than "
			"%zu KiB", path, max >> 10);
	else if ((*out = malloc((size_t)sb.st_size + 1)) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	else if (sz_read_full(fd, *out, (size_t)sb.st_size + 1) !=
	    sb.st_size)
		rc = sz_err_set(err, SZ_E_IO, "cannot read the logo %s", path);
	close(fd);
	if (rc == SZ_OK) {
		*len = (size_t)sb.st_size;
	} else {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* PNG by its signature; SVG by an <svg element near the start. */
static const char *logo_type(const uint8_t *d, size_t len)
{
	static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
		'\n' };
	if (len >= 8 && memcmp(d, png, 8) == 0)
		return "png";
	size_t head = len < 4096 ? len : 4096;
	for (size_t i = 0; i + 4 <= head; i++)
		if (memcmp(d + i, "<svg", 4) == 0)
			return "svg";
	return NULL;
}

/* Scrubs the logo at path into memory. */
static int scrub(struct sz_brand *b, const char *path, const char *type,
	struct sz_err *err)
{
	char out[64], tool[4200];
	struct sz_child_limits l;
	struct sz_buf said;
	int status = 0, rc;
	const char *why = NULL;
	const char *tmp = getenv("TMPDIR");
	char tdir[4200];
	snprintf(tdir, sizeof(tdir), "%s/samizdat-logo.XXXXXX",
		tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(tdir) == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot make a folder to scrub "
			"the logo in");
	snprintf(out, sizeof(out), "logo.%s", type);
	char dst[4300];
	snprintf(dst, sizeof(dst), "%s/%s", tdir, out);
	sz_sibling_program("samizdat-doc", "SAMIZDAT_DOC", tool, sizeof(tool));
	sz_child_limits_of(b->cfg, &l);
	char *argv[] = { tool, "scrub", "-q", "-o", dst, (char *)path, NULL };
	sz_buf_init(&said, 4096);
	rc = sz_child_run(argv, &l, &said, &status, &why, err);
	if (rc == SZ_OK && (why != NULL || status != 0))
		rc = sz_err_set(err, SZ_E_INVAL, "the logo %s cannot be "
			"scrubbed: %.200s", path, why ? why : said.len ?
			(const char *)said.data : "samizdat-doc failed");
	if (rc == SZ_OK)
		rc = read_small(dst, SZ_BRAND_LOGO_MAX, &b->logo, &b->logo_len,
			err);
	unlink(dst);
	rmdir(tdir);
	sz_buf_free(&said);
	return rc;
}

int sz_brand_load(struct sz_brand *b, const struct sz_config *cfg,
	struct sz_err *err)
{
	memset(b, 0, sizeof(*b));
	b->cfg = cfg;
	b->name = cfg->name[0] ? cfg->name : SZ_BRAND_DEFAULT_NAME;
	if (cfg->logo[0] == '\0')
		return SZ_OK;
	uint8_t *raw = NULL;
	size_t len = 0;
	int rc = read_small(cfg->logo, SZ_BRAND_LOGO_MAX, &raw, &len, err);
	const char *type = rc == SZ_OK ? logo_type(raw, len) : NULL;
	free(raw);
	if (rc == SZ_OK && type == NULL)
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the logo %s is neither "
			"PNG nor SVG", cfg->logo);
	if (rc == SZ_OK)
		rc = scrub(b, cfg->logo, type, err);
	if (rc != SZ_OK) {
		sz_brand_free(b);
		return rc;
	}
	b->logo_url = strcmp(type, "png") == 0 ? "/logo.png" : "/logo.svg";
	b->logo_type = strcmp(type, "png") == 0 ? "image/png" :
		"image/svg+xml";
	return SZ_OK;
}

void sz_brand_free(struct sz_brand *b)
{
	free(b->logo);
	b->logo = NULL;
	b->logo_len = 0;
	b->logo_url = NULL;
}

const char *sz_brand_intro(const struct sz_brand *b,
	const struct sz_lang *l)
{
	return b->cfg ? sz_config_intro(b->cfg, l ? l->code : "en") : "";
}

int sz_brand_logo(struct sz_request *rq, const struct sz_brand *b)
{
	if (b->logo == NULL || b->logo_url == NULL ||
	    strcmp(rq->path, b->logo_url) != 0)
		return sz_request_fail(rq, 404, "There is no such page here.");
	rq->content_type = b->logo_type;
	return sz_buf_append(&rq->page, b->logo, b->logo_len);
}
