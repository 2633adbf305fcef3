/*
 * jp2.c - the top-level boxes of a JPEG 2000 file in memory, kept when a
 * decoder needs them and dropped otherwise (jp2.h says which).  Boxes are
 * walked, never decoded: lengths are checked against what is left, and a
 * file whose boxes do not add up is refused rather than guessed at.
 */
#include <stdlib.h>
#include <string.h>

#include "docs/jp2.h"

static const char signature[12] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ',
	'\r', '\n', (char)0x87, '\n' };

/* What a decoder reads: JP2 (ISO 15444-1) and JPX (15444-2) boxes. */
static const char keep[][5] = { "jP  ", "ftyp", "rreq", "jp2h", "jp2c",
	"jpch", "jplh", "cgrp", "ftbl", "comp", "dtbl", "jp2p", "drep" };

static uint64_t be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int sz_jp2_is_boxed(const uint8_t *p, size_t len)
{
	return len >= sizeof(signature) &&
		memcmp(p, signature, sizeof(signature)) == 0;
}

static const char *box_name(const uint8_t *t)
{
	static const struct { const char type[5], *name; } names[] = {
		{ "uuid", "UUID box (XMP, GeoJP2 location...)" },
		{ "xml ", "XML box" }, { "jp2i", "intellectual property" },
		{ "uinf", "UUID info (URLs)" }, { "asoc", "association" },
		{ "lbl ", "label" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (memcmp(t, names[i].type, 4) == 0)
			return names[i].name;
	return "unknown box";
}

int sz_jp2_clean(const uint8_t *p, size_t len, uint8_t **out,
	size_t *out_len, struct sz_doc_report *r, struct sz_err *err)
{
	uint8_t *o = NULL;
	size_t olen = 0, boxes = 0;
	if (out != NULL) {
		*out = NULL;
		*out_len = 0;
		if ((o = malloc(len ? len : 1)) == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	size_t at = 0;
	while (at < len) {
		if (++boxes > SZ_DOC_MAX_BOXES) {
			free(o);
			return sz_err_set(err, SZ_E_LIMIT, "the JPEG 2000 image has "
				"more than %u boxes", SZ_DOC_MAX_BOXES);
		}
		if (len - at < 8) {
			free(o);
			return sz_err_set(err, SZ_E_INVAL, "a JPEG 2000 box is cut");
		}
		uint64_t size = be(p + at, 4);
		size_t head = 8;
		if (size == 1) {
			if (len - at < 16) {
				free(o);
				return sz_err_set(err, SZ_E_INVAL, "a JPEG 2000 box is "
					"cut");
			}
			size = be(p + at + 8, 8);
			head = 16;
		} else if (size == 0) {
			size = len - at;   /* the last box runs to the end */
		}
		if (size < head || size > len - at) {
			free(o);
			return sz_err_set(err, SZ_E_INVAL, "a JPEG 2000 box's length "
				"does not fit the image");
		}
		const uint8_t *type = p + at + 4;
		bool kept = false;
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			kept = kept || memcmp(type, keep[i], 4) == 0;
		if (kept) {
			if (o != NULL)
				memcpy(o + olen, p + at, (size_t)size);
			olen += (size_t)size;
		} else {
			char t[5];
			for (size_t i = 0; i < 4; i++)
				t[i] = type[i] >= 0x20 && type[i] < 0x7F ?
					(char)type[i] : '?';
			t[4] = 0;
			sz_doc_report_addf(r, "JPEG 2000", t, "%s, %llu bytes",
				box_name(type), (unsigned long long)size);
		}
		at += (size_t)size;
	}
	if (out != NULL) {
		*out = o;
		*out_len = olen;
	}
	return 0;
}
