/*
 * heif_write.c - the second half of the HEIF/AVIF scrubber: which items,
 * properties and references go, and the file written anew around the
 * kept items' data (see isobmff.c for what and why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/heif.h"

static const char *const image_types[] = {
	"hvc1", "hev1", "av01", "grid", "iovl", "iden", "jpeg", "hvt1",
	"lhv1", "avc1", "unci", "mski", "vvc1", "vvi1", "j2k1", "tmap",
};
static const char *const meta_types[] = { "Exif", "mime", "uri ", "xml " };

static bool in_list(const char *t, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(t, list[i], 4) == 0)
			return true;
	return false;
}

/* --- deciding what goes --- */

/* Reads an item's data into memory (at most SZ_DOC_MAX_SEGMENT bytes);
 * NULL when it cannot be held or is built from another item. */
static uint8_t *item_data(struct heif *h, const struct item *it, size_t *len)
{
	if (it->loc == 0)
		return NULL;
	const struct loc *l = &h->locs.v[it->loc - 1];
	uint64_t total = 0;
	for (uint32_t k = 0; k < l->count; k++)
		total += h->ext.v[l->first + k].length;
	if (l->method == 2 || total > SZ_DOC_MAX_SEGMENT)
		return NULL;
	uint8_t *p = malloc((size_t)total + 1);
	size_t at = 0;
	for (uint32_t k = 0; p != NULL && k < l->count; k++) {
		const struct extent *e = &h->ext.v[l->first + k];
		if (l->method == 0 ? pread(h->fd, p + at, (size_t)e->length,
		    (off_t)e->offset) != (ssize_t)e->length :
		    e->offset > h->idat_len || e->length > h->idat_len - e->offset) {
			free(p);
			return NULL;
		}
		if (l->method == 1)
			memcpy(p + at, h->idat + e->offset, (size_t)e->length);
		at += (size_t)e->length;
	}
	if (p != NULL)
		p[at] = 0;
	*len = at;
	return p;
}

static void report_item(struct heif *h, const struct item *it)
{
	size_t len = 0;
	uint8_t *p = item_data(h, it, &len);
	if (p != NULL && memcmp(it->type, "Exif", 4) == 0 && len >= 4 &&
	    be32(p) <= len - 4)
		report_exif(h->r, p + 4 + be32(p), len - 4 - be32(p));
	else if (p != NULL && memcmp(it->type, "Exif", 4) != 0 && len > 0 &&
	    memchr(p, '<', len < 64 ? len : 64) != NULL)
		report_xmp(h->r, "XMP", p, len);
	else
		sz_doc_report_addf(h->r, "HEIF", "item", "%s %u (%zu bytes)",
			it->type, it->id, len);
	free(p);
}

static bool referenced_as_image(struct heif *h, uint32_t id)
{
	if (id == h->primary)
		return true;
	for (uint32_t i = 0; i < h->refs.n; i++) {
		const struct ref *rf = &h->refs.v[i];
		if (memcmp(rf->type, "dimg", 4) != 0 &&
		    memcmp(rf->type, "base", 4) != 0)
			continue;
		for (uint32_t k = 0; k < rf->count; k++)
			if (h->ids.v[rf->first + k] == id)
				return true;
	}
	return false;
}

static const char *const kept_props[] = {
	"hvcC", "av1C", "avcC", "vvcC", "lhvC", "jpgC", "j2kH", "uncC",
	"cmpd", "ispe", "pixi", "colr", "irot", "imir", "clap", "auxC",
	"pasp", "rloc", "lsel", "a1op", "a1lx", "clli", "mdcv", "cclv",
	"amve", "reve", "oinf", "tols", "altt", "cmin", "cmex", "cloc",
	"splz", "sbpm", "iscl", "rref",
};

/* Whether a kept item other than `except` builds on id (dimg). */
static bool input_of_kept(struct heif *h, uint32_t id, uint32_t except)
{
	for (uint32_t i = 0; i < h->refs.n; i++) {
		const struct ref *rf = &h->refs.v[i];
		if (memcmp(rf->type, "dimg", 4) != 0 || rf->from == except ||
		    heif_dropped(h, rf->from))
			continue;
		for (uint32_t k = 0; k < rf->count; k++)
			if (h->ids.v[rf->first + k] == id)
				return true;
	}
	return false;
}

/* Thumbnails go, as a JPEG's EXIF thumbnail does: an editor that crops
 * a photo may leave the thumbnail of the whole, uncropped picture.  The
 * tiles a thumbnail grid is made of go with it. */
static void drop_thumbnails(struct heif *h)
{
	for (uint32_t i = 0; i < h->refs.n; i++) {
		const struct ref *rf = &h->refs.v[i];
		struct item *t = heif_item(h, rf->from);
		if (memcmp(rf->type, "thmb", 4) != 0 || t == NULL || t->drop ||
		    t->id == h->primary || input_of_kept(h, t->id, 0))
			continue;
		t->drop = true;
		sz_doc_report_addf(h->r, "HEIF", "thumbnail", "item %u (%s)",
			t->id, t->type);
		for (uint32_t k = 0; k < h->refs.n; k++) {
			const struct ref *d = &h->refs.v[k];
			if (d->from != t->id || memcmp(d->type, "dimg", 4) != 0)
				continue;
			for (uint32_t j = 0; j < d->count; j++) {
				struct item *tile = heif_item(h, h->ids.v[d->first + j]);
				if (tile != NULL && tile->id != h->primary &&
				    !input_of_kept(h, tile->id, t->id))
					tile->drop = true;
			}
		}
	}
}

int heif_decide(struct heif *h)
{
	for (uint32_t i = 0; i < h->items.n; i++) {
		struct item *it = &h->items.v[i];
		for (uint32_t k = 0; k < h->locs.n; k++)
			if (h->locs.v[k].id == it->id)
				it->loc = k + 1;
		if (in_list(it->type, image_types, sizeof(image_types) /
		    sizeof(image_types[0])))
			continue;
		bool known = in_list(it->type, meta_types, sizeof(meta_types) /
			sizeof(meta_types[0]));
		if (!known && referenced_as_image(h, it->id))
			return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo is "
				"made of items of a kind samizdat does not know (%s)",
				it->type);
		if (it->id == h->primary)
			return heif_corrupt(h, "its primary item is metadata");
		it->drop = true;
		report_item(h, it);
	}
	if (heif_item(h, h->primary) == NULL)
		return heif_corrupt(h, "its primary item is missing");
	drop_thumbnails(h);
	for (uint32_t i = 0; i < h->items.n; i++) {
		struct item *it = &h->items.v[i];
		if (it->drop || it->loc == 0)
			continue;
		const struct loc *l = &h->locs.v[it->loc - 1];
		if (l->method == 2)
			return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo builds "
				"an item from another item's data; samizdat cannot "
				"scrub it safely");
		for (uint32_t k = 0; k < l->count; k++) {
			const struct extent *e = &h->ext.v[l->first + k];
			uint64_t limit = l->method == 0 ? h->size : h->idat_len;
			if (e->offset > limit || e->length > limit - e->offset)
				return sz_err_set(h->err, SZ_E_INVAL, "the photo is "
					"truncated or damaged (item %u's data lies outside "
					"the %s)", it->id, l->method == 0 ? "file" : "idat box");
		}
	}
	/* Properties: the kept items' rendering properties stay; the rest
	 * (descriptions, unknown optional ones) go. */
	for (uint32_t i = 0; i < h->assocs.n; i++) {
		struct assoc *a = &h->assocs.v[i];
		if (heif_dropped(h, a->item))
			continue;
		struct prop *pr = &h->props.v[a->prop - 1];
		if (a->essential)
			pr->essential = true;
		if (memcmp(pr->type, "udes", 4) == 0 || memcmp(pr->type, "free", 4) == 0)
			continue;
		if (pr->essential || in_list(pr->type, kept_props,
		    sizeof(kept_props) / sizeof(kept_props[0])))
			pr->keep = true;
	}
	uint32_t out = 0;
	for (uint32_t i = 0; i < h->props.n; i++) {
		struct prop *pr = &h->props.v[i];
		if (pr->keep) {
			pr->out = ++out;
		} else if (memcmp(pr->type, "free", 4) != 0 &&
		    memcmp(pr->type, "skip", 4) != 0) {
			/* Those only dropped items used go unsaid. */
			bool used = false;
			for (uint32_t k = 0; k < h->assocs.n && !used; k++)
				used = h->assocs.v[k].prop == i + 1 &&
					!heif_dropped(h, h->assocs.v[k].item);
			if (used || memcmp(pr->type, "udes", 4) == 0)
				sz_doc_report_addf(h->r, "HEIF", "property", "%s (%zu "
					"bytes)", pr->type, pr->len);
		}
	}
	/* JPEG-coded items may carry their own EXIF: scrubbed like a JPEG. */
	for (uint32_t i = 0; i < h->items.n; i++) {
		struct item *it = &h->items.v[i];
		if (it->drop || memcmp(it->type, "jpeg", 4) != 0 || it->loc == 0)
			continue;
		size_t len = 0;
		uint8_t *p = item_data(h, it, &len);
		if (p == NULL)
			return sz_err_set(h->err, SZ_E_LIMIT, "a JPEG item of the "
				"photo is too large to scrub");
		int rc = doc_scrub_memory(p, len, "JPEG item",
			h->writing ? &it->clean : NULL, &it->clean_len, h->r, h->err);
		free(p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- writing --- */

/* The run holding src/len (method m), added when new: items that share
 * data keep sharing it. */
static int place(struct heif *h, uint8_t m, uint64_t src, uint64_t len,
	const uint8_t *mem, uint64_t *out)
{
	for (uint32_t i = 0; mem == NULL && i < h->runs.n; i++) {
		const struct run *r = &h->runs.v[i];
		if (r->method == m && r->mem == NULL && r->src == src &&
		    r->len == len) {
			*out = r->out;
			return 0;
		}
	}
	uint64_t *end = m == 0 ? &h->data_len : &h->idat_out_len;
	uint64_t limit = m == 0 ? h->size + SZ_DOC_MAX_SEGMENT : h->idat_len;
	if (len > limit || *end > limit - len)
		return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo's items "
			"overlap in a way samizdat cannot rewrite");
	struct run r = { m, src, len, *end, mem };
	*out = *end;
	*end += len;
	return PUSH(h, h->runs, r);
}

static int layout(struct heif *h)
{
	for (uint32_t i = 0; i < h->items.n; i++) {
		struct item *it = &h->items.v[i];
		if (it->drop || it->loc == 0)
			continue;
		struct loc *l = &h->locs.v[it->loc - 1];
		if (it->clean != NULL) {
			/* One extent: the scrubbed JPEG. */
			struct extent *e = &h->ext.v[l->first];
			l->method = 0;
			l->count = 1;
			e->length = it->clean_len;
			int rc = place(h, 0, 0, it->clean_len, it->clean, &e->out);
			if (rc != 0)
				return rc;
			continue;
		}
		for (uint32_t k = 0; k < l->count; k++) {
			struct extent *e = &h->ext.v[l->first + k];
			int rc = place(h, l->method, e->offset, e->length, NULL, &e->out);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static size_t box_open(struct bld *o, const char *type)
{
	size_t at = o->b.len;
	bld_be(o, 0, 4);
	bld_put(o, type, 4);
	return at;
}

static void box_close(struct bld *o, size_t at)
{
	bld_patch_be(o, at, o->b.len - at, 4);
}

static int cmp_item_id(const void *a, const void *b)
{
	uint32_t x = (*(struct item *const *)a)->id;
	uint32_t y = (*(struct item *const *)b)->id;
	return x < y ? -1 : x > y;
}

/* The new meta box, with file offsets counted from data_start (where the
 * new mdat's payload begins) and offsets written in off_size bytes. */
static int build_meta(struct heif *h, struct bld *o, uint64_t data_start,
	unsigned off_size)
{
	unsigned w = h->big_ids ? 4 : 2;
	size_t meta = box_open(o, "meta");
	bld_be(o, h->meta_vf, 4);
	size_t at = box_open(o, "hdlr");
	bld_put(o, h->hdlr.p, 24);     /* version, pre_defined, type, reserved */
	bld_be(o, 0, 1);               /* no name */
	box_close(o, at);
	if (h->dinf != NULL)
		bld_put(o, h->dinf, h->dinf_len);
	at = box_open(o, "pitm");
	bld_put(o, h->pitm, h->pitm_len);
	box_close(o, at);

	/* iloc: base offsets folded into the extents, no index. */
	bool methods = false;
	uint32_t kept_locs = 0, kept_items = 0;
	uint64_t max_len = 0;
	for (uint32_t i = 0; i < h->items.n; i++) {
		const struct item *it = &h->items.v[i];
		if (it->drop)
			continue;
		kept_items++;
		if (it->loc == 0)
			continue;
		const struct loc *l = &h->locs.v[it->loc - 1];
		kept_locs++;
		methods |= l->method != 0;
		for (uint32_t k = 0; k < l->count; k++)
			if (h->ext.v[l->first + k].length > max_len)
				max_len = h->ext.v[l->first + k].length;
	}
	unsigned version = h->big_ids ? 2 : methods ? 1 : 0;
	unsigned len_size = max_len > UINT32_MAX ? 8 : 4;
	at = box_open(o, "iloc");
	bld_be(o, (uint64_t)version << 24, 4);
	bld_be(o, off_size << 12 | len_size << 8, 2);
	bld_be(o, kept_locs, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < h->items.n; i++) {
		const struct item *it = &h->items.v[i];
		if (it->drop || it->loc == 0)
			continue;
		const struct loc *l = &h->locs.v[it->loc - 1];
		bld_be(o, it->id, version < 2 ? 2 : 4);
		if (version >= 1)
			bld_be(o, l->method, 2);
		bld_be(o, 0, 2);           /* data reference: this file */
		bld_be(o, l->count, 2);
		for (uint32_t k = 0; k < l->count; k++) {
			const struct extent *e = &h->ext.v[l->first + k];
			bld_be(o, e->out + (l->method == 0 ? data_start : 0), off_size);
			bld_be(o, e->length, len_size);
		}
	}
	box_close(o, at);

	at = box_open(o, "iinf");
	bld_be(o, kept_items > 0xffff ? 1u << 24 : 0, 4);
	bld_be(o, kept_items, kept_items > 0xffff ? 4 : 2);
	for (uint32_t i = 0; i < h->items.n; i++) {
		const struct item *it = &h->items.v[i];
		if (it->drop)
			continue;
		size_t e = box_open(o, "infe");
		bld_be(o, (it->id > 0xffff ? 3u : 2u) << 24 | (it->flags & 0xffffff), 4);
		bld_be(o, it->id, it->id > 0xffff ? 4 : 2);
		bld_be(o, 0, 2);           /* not protected */
		bld_put(o, it->type, 4);
		bld_be(o, 0, 1);           /* no name */
		box_close(o, e);
	}
	box_close(o, at);

	size_t iref = o->b.len;
	bool any_ref = false;
	at = box_open(o, "iref");
	bld_be(o, h->big_ids ? 1u << 24 : 0, 4);
	for (uint32_t i = 0; i < h->refs.n; i++) {
		const struct ref *rf = &h->refs.v[i];
		uint32_t n = 0;
		for (uint32_t k = 0; k < rf->count; k++)
			n += !heif_dropped(h, h->ids.v[rf->first + k]);
		if (heif_dropped(h, rf->from) || n == 0)
			continue;
		any_ref = true;
		size_t e = box_open(o, rf->type);
		bld_be(o, rf->from, w);
		bld_be(o, n, 2);
		for (uint32_t k = 0; k < rf->count; k++)
			if (!heif_dropped(h, h->ids.v[rf->first + k]))
				bld_be(o, h->ids.v[rf->first + k], w);
		box_close(o, e);
	}
	box_close(o, at);
	if (!any_ref && o->rc == 0)
		o->b.len = iref;

	at = box_open(o, "iprp");
	size_t ipco = box_open(o, "ipco");
	uint32_t nprops = 0;
	for (uint32_t i = 0; i < h->props.n; i++)
		if (h->props.v[i].keep) {
			bld_put(o, h->props.v[i].p, h->props.v[i].len);
			nprops++;
		}
	box_close(o, ipco);
	/* ipma: by increasing item id, as 23008-12 asks. */
	struct item **order = calloc(kept_items ? kept_items : 1, sizeof(*order));
	if (order == NULL)
		return sz_err_set(h->err, SZ_E_NOMEM, "out of memory");
	uint32_t n = 0;
	for (uint32_t i = 0; i < h->items.n; i++)
		if (!h->items.v[i].drop)
			order[n++] = &h->items.v[i];
	qsort(order, n, sizeof(*order), cmp_item_id);
	bool wide = nprops > 127;
	size_t ipma = box_open(o, "ipma");
	bld_be(o, (h->big_ids ? 1u << 24 : 0) | (wide ? 1u : 0), 4);
	size_t count_at = o->b.len;
	uint32_t entries = 0;
	bld_be(o, 0, 4);
	int rc = 0;
	for (uint32_t i = 0; i < n; i++) {
		unsigned c = 0;
		for (uint32_t k = 0; k < h->assocs.n; k++)
			c += h->assocs.v[k].item == order[i]->id &&
			     h->props.v[h->assocs.v[k].prop - 1].keep;
		if (c == 0)
			continue;
		if (c > 255) {
			rc = heif_corrupt(h, "an item with too many properties");
			break;
		}
		entries++;
		bld_be(o, order[i]->id, h->big_ids ? 4 : 2);
		bld_be(o, c, 1);
		for (uint32_t k = 0; k < h->assocs.n; k++) {
			const struct assoc *a = &h->assocs.v[k];
			const struct prop *pr = &h->props.v[a->prop - 1];
			if (a->item != order[i]->id || !pr->keep)
				continue;
			bld_be(o, (uint64_t)a->essential << (wide ? 15 : 7) | pr->out,
				wide ? 2 : 1);
		}
	}
	free(order);
	bld_patch_be(o, count_at, entries, 4);
	box_close(o, ipma);
	box_close(o, at);

	size_t grpl = o->b.len;
	bool any_group = false;
	at = box_open(o, "grpl");
	for (uint32_t i = 0; i < h->groups.n; i++) {
		const struct group *g = &h->groups.v[i];
		uint32_t kept = 0;
		for (uint32_t k = 0; k < g->count; k++) {
			const struct item *it = heif_item(h, h->ids.v[g->first + k]);
			kept += it == NULL || !it->drop;
		}
		if (kept == 0)
			continue;
		any_group = true;
		size_t e = box_open(o, g->type);
		bld_be(o, g->vf, 4);
		bld_be(o, g->id, 4);
		bld_be(o, kept, 4);
		for (uint32_t k = 0; k < g->count; k++) {
			const struct item *it = heif_item(h, h->ids.v[g->first + k]);
			if (it == NULL || !it->drop)
				bld_be(o, h->ids.v[g->first + k], 4);
		}
		bld_put(o, g->tail, g->tail_len);
		box_close(o, e);
	}
	box_close(o, at);
	if (!any_group && o->rc == 0)
		o->b.len = grpl;

	if (h->idat_out_len > 0) {
		at = box_open(o, "idat");
		for (uint32_t i = 0; i < h->runs.n; i++)
			if (h->runs.v[i].method == 1)
				bld_put(o, h->idat + h->runs.v[i].src,
					(size_t)h->runs.v[i].len);
		box_close(o, at);
	}
	box_close(o, meta);
	if (rc == 0 && o->rc != 0)
		rc = o->rc == SZ_E_LIMIT ? sz_err_set(h->err, SZ_E_LIMIT,
			"the photo's item information is too large") :
			sz_err_set(h->err, SZ_E_NOMEM, "out of memory");
	return rc;
}

int heif_write(struct heif *h, struct rd *in, struct wr *out)
{
	int rc = layout(h);
	if (rc != 0)
		return rc;
	struct bld m;
	unsigned off_size = 4;
	bld_init(&m, 2 * SZ_DOC_MAX_SEGMENT);
	if ((rc = build_meta(h, &m, 0, 4)) != 0)
		goto out;
	uint64_t mdat_hdr = h->data_len + 8 > UINT32_MAX ? 16 : 8;
	if (h->ftyp_len + m.b.len + mdat_hdr + h->data_len > UINT32_MAX)
		off_size = 8;
	uint64_t start;
	for (int pass = 0; pass < 2; pass++) {
		start = h->ftyp_len + m.b.len + mdat_hdr;
		sz_buf_free(&m.b);
		bld_init(&m, 2 * SZ_DOC_MAX_SEGMENT);
		if ((rc = build_meta(h, &m, start, off_size)) != 0)
			goto out;
	}
	if ((rc = wr_put(out, h->ftyp, h->ftyp_len, h->err)) != 0 ||
	    (rc = wr_put(out, m.b.data, m.b.len, h->err)) != 0)
		goto out;
	uint8_t hdr[16];
	if (mdat_hdr == 8) {
		uint32_t s = (uint32_t)(h->data_len + 8);
		uint8_t b[8] = { (uint8_t)(s >> 24), (uint8_t)(s >> 16),
			(uint8_t)(s >> 8), (uint8_t)s, 'm', 'd', 'a', 't' };
		memcpy(hdr, b, 8);
	} else {
		uint64_t s = h->data_len + 16;
		memcpy(hdr, "\0\0\0\1mdat", 8);
		for (int i = 0; i < 8; i++)
			hdr[8 + i] = (uint8_t)(s >> (56 - 8 * i));
	}
	if ((rc = wr_put(out, hdr, (size_t)mdat_hdr, h->err)) != 0)
		goto out;
	for (uint32_t i = 0; i < h->runs.n && rc == 0; i++) {
		const struct run *r = &h->runs.v[i];
		if (r->method != 0)
			continue;
		if (r->mem != NULL)
			rc = wr_put(out, r->mem, (size_t)r->len, h->err);
		else if ((rc = rd_seek(in, r->src, h->err)) == 0)
			rc = wr_copy(out, in, r->len, h->err);
	}
out:
	sz_buf_free(&m.b);
	return rc;
}

