/*
 * brand.h - the newsroom's own name, words and logo, as the source and
 * public faces show them (settings name, intro, intro.LL, logo).
 *
 * The logo is the newsroom's file, but a logo made in an editor carries
 * that editor's traces (an Inkscape export path with a user's name, EXIF
 * of a photographed sign): when a face starts it is scrubbed by
 * samizdat-doc, in a process of its own under the instance's doc_*
 * limits, held in memory and served under a fixed name (/logo.png or
 * /logo.svg), never from its own path.  A logo that is too large, not PNG
 * or SVG, or cannot be scrubbed stops the face with a message: a page
 * without the promised logo would look like someone else's.
 *
 * Ownership: sz_brand_load fills a struct the caller owns; sz_brand_free
 * releases it.  The configuration it was loaded from must outlive it.
 */
#ifndef SZ_WEB_BRAND_H
#define SZ_WEB_BRAND_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/i18n.h"
#include "http/server.h"

#define SZ_BRAND_LOGO_MAX (256 * 1024)
#define SZ_BRAND_DEFAULT_NAME "samizdat"

struct sz_brand {
	const struct sz_config *cfg;
	const char *name;           /* the setting, or SZ_BRAND_DEFAULT_NAME */
	uint8_t *logo;              /* scrubbed, or NULL */
	size_t logo_len;
	const char *logo_url;       /* "/logo.png", "/logo.svg", or NULL */
	const char *logo_type;
};

int sz_brand_load(struct sz_brand *b, const struct sz_config *cfg,
	struct sz_err *err);
/* Accepts a struct never loaded (zeroed). */
void sz_brand_free(struct sz_brand *b);

/* The introduction for readers of l (core/config.h: intro.LL, else
 * intro), or "". */
const char *sz_brand_intro(const struct sz_brand *b,
	const struct sz_lang *l);

/* Answers GET /logo.png or /logo.svg with the scrubbed logo (404 if
 * there is none, or it is the other type). */
int sz_brand_logo(struct sz_request *rq, const struct sz_brand *b);

#endif
