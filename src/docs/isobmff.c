/*
 * isobmff.c - HEIF/HEIC and AVIF photos (ISO/IEC 23008-12 on the ISO base
 * media file format, ISO/IEC 14496-12) without Exif, XMP or other
 * metadata items.  The container is rewritten, never the image data:
 *
 *   ftyp (as it was), meta (rebuilt), mdat (the kept items' data only)
 *
 * The meta box keeps what a decoder needs (hdlr, pitm, iinf, iloc, iref,
 * iprp with ipco/ipma, idat, dinf, grpl) for the kept items only: Exif,
 * `mime` (XMP) and `uri ` items go, with their references, property
 * associations and locations; item names and the handler name are
 * blanked; descriptive properties (udes) and unknown optional ones go;
 * every other box (udta, uuid, XML boxes, free space, unreferenced bytes
 * in mdat) goes.  Item locations are recomputed for the new layout, with
 * each construction method (file offset, idat offset, item offset) and
 * base offsets folded in.  JPEG-coded items are scrubbed by the JPEG
 * handler.  The result is re-read before it is accepted.
 *
 * Not here: image sequences (a moov box: animated HEIF/AVIF) and
 * protected items are refused; data in other files (data references) is
 * refused.  Nothing is decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

#define MAX_FTYP 4096u
#define TOP_HEADER 32u     /* enough for any box header, uuid included */

int bmff_box(const uint8_t *h, size_t avail, uint64_t at, uint64_t end,
	struct bmff_box *b)
{
	memset(b, 0, sizeof(*b));
	if (avail < 8 || at > end || end - at < 8)
		return -1;
	uint64_t size = be32(h);
	memcpy(b->type, h + 4, 4);
	b->at = at;
	b->hdr = 8;
	if (size == 1) {
		if (avail < 16 || end - at < 16)
			return -1;
		size = (uint64_t)be32(h + 8) << 32 | be32(h + 12);
		b->hdr = 16;
	} else if (size == 0) {
		size = end - at;
	}
	if (size < b->hdr || size > end - at)
		return -1;
	b->size = size;
	return 0;
}

struct extent {
	uint64_t index, offset, length;   /* offset with the base folded in */
	uint64_t out;                     /* offset in the rewritten file/idat */
};

struct loc {
	uint32_t id;
	uint8_t method;      /* 0 file offset, 1 idat offset, 2 item offset */
	uint32_t first, count;   /* into h->ext */
};

struct item {
	uint32_t id;
	char type[5];
	uint8_t version;
	uint32_t flags;
	bool drop;
	uint32_t loc;        /* index into h->locs + 1; 0: no data */
	uint8_t *clean;      /* a JPEG item, scrubbed */
	size_t clean_len;
};

/* One run of bytes in the new mdat (method 0) or idat (method 1): a
 * source extent, or a scrubbed JPEG item held in memory. */
struct run {
	uint8_t method;
	uint64_t src, len, out;
	const uint8_t *mem;
};

struct prop {
	const uint8_t *p;
	size_t len;
	char type[5];
	bool keep, essential;
	uint32_t out;        /* its index in the rewritten ipco */
};

struct assoc {
	uint32_t item, prop;
	bool essential;
};

struct ref {
	char type[5];
	uint32_t from, first, count;   /* into h->ids */
};

struct group {
	char type[5];
	uint32_t vf, id, first, count; /* into h->ids */
	const uint8_t *tail;            /* group-type-specific fields */
	size_t tail_len;
};

/* Growable arrays, bounded by SZ_DOC_MAX_ITEMS. */
#define ARRAY(T) struct { T *v; uint32_t n, cap; }
#define PUSH(h, a, x) push((h), (void **)&(a).v, &(a).n, &(a).cap, sizeof(*(a).v), &(x))

struct heif {
	int fd;
	uint64_t size;
	struct sz_doc_report *r;
	struct sz_err *err;
	uint8_t *ftyp, *meta;
	size_t ftyp_len, meta_len;
	uint32_t meta_vf;
	struct cur hdlr;          /* the kept children, by type */
	const uint8_t *idat, *dinf, *pitm;
	size_t idat_len, dinf_len, pitm_len;
	bool has_iloc, has_iinf;
	uint32_t primary;
	ARRAY(struct item) items;
	ARRAY(struct loc) locs;
	ARRAY(struct extent) ext;
	ARRAY(struct prop) props;
	ARRAY(struct assoc) assocs;
	ARRAY(struct ref) refs;
	ARRAY(struct group) groups;
	ARRAY(uint32_t) ids;
	bool big_ids;             /* an id past 16 bits */
	bool writing;             /* scrubbing, not only inspecting */
	/* The rewritten file: unique data runs in the new mdat and idat. */
	ARRAY(struct run) runs;
	uint64_t data_len, idat_out_len;
};

static int push(struct heif *h, void **v, uint32_t *n, uint32_t *cap,
	size_t size, const void *x)
{
	if (*n >= SZ_DOC_MAX_ITEMS)
		return sz_err_set(h->err, SZ_E_LIMIT, "the photo has more than "
			"%u items, references or properties", SZ_DOC_MAX_ITEMS);
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 16;
		void *p = realloc(*v, c * size);
		if (p == NULL)
			return sz_err_set(h->err, SZ_E_NOMEM, "out of memory");
		*v = p;
		*cap = c;
	}
	memcpy((uint8_t *)*v + *n * size, x, size);
	(*n)++;
	return 0;
}

static int corrupt(struct heif *h, const char *what)
{
	return sz_err_set(h->err, SZ_E_INVAL, "the photo is damaged (%s)", what);
}

static struct item *item_by_id(struct heif *h, uint32_t id)
{
	for (uint32_t i = 0; i < h->items.n; i++)
		if (h->items.v[i].id == id)
			return &h->items.v[i];
	return NULL;
}

static bool dropped(struct heif *h, uint32_t id)
{
	struct item *it = item_by_id(h, id);
	return it == NULL || it->drop;
}

static void note_id(struct heif *h, uint32_t id)
{
	if (id > 0xffff)
		h->big_ids = true;
}

/* --- parsing the meta box --- */

static int parse_iloc(struct heif *h, struct cur *c)
{
	unsigned version = (unsigned)cur_be(c, 1);
	cur_be(c, 3);
	unsigned sizes = (unsigned)cur_be(c, 2);
	unsigned off_size = sizes >> 12, len_size = (sizes >> 8) & 15;
	unsigned base_size = (sizes >> 4) & 15;
	unsigned index_size = version >= 1 ? sizes & 15 : 0;
	if (version > 2)
		return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo's item "
			"locations are in a version samizdat does not know (%u)",
			version);
	bool ok[9] = { [0] = true, [4] = true, [8] = true };
	if (off_size > 8 || len_size > 8 || base_size > 8 || index_size > 8 ||
	    !ok[off_size] || !ok[len_size] || !ok[base_size] || !ok[index_size])
		return corrupt(h, "item location field sizes");
	uint32_t n = (uint32_t)cur_be(c, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		struct loc l = { 0 };
		l.id = (uint32_t)cur_be(c, version < 2 ? 2 : 4);
		if (version >= 1)
			l.method = (uint8_t)(cur_be(c, 2) & 15);
		uint64_t dref = cur_be(c, 2);
		uint64_t base = cur_be(c, base_size);
		uint32_t count = (uint32_t)cur_be(c, 2);
		if (c->bad)
			break;
		if (dref != 0)
			return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo keeps "
				"an item's data in another file; samizdat cannot check it");
		if (l.method > 2)
			return corrupt(h, "an unknown item construction method");
		if (count == 0)
			return corrupt(h, "an item location without extents");
		l.first = h->ext.n;
		l.count = count;
		for (uint32_t k = 0; k < count; k++) {
			struct extent e = { 0 };
			e.index = cur_be(c, index_size);
			uint64_t off = cur_be(c, off_size);
			e.length = cur_be(c, len_size);
			if (c->bad)
				break;
			if (off > UINT64_MAX - base)
				return corrupt(h, "an item offset");
			e.offset = base + off;
			if (e.length == 0)
				return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo "
					"has an item extent of unstated length; samizdat "
					"cannot scrub it safely");
			int rc = PUSH(h, h->ext, e);
			if (rc != 0)
				return rc;
		}
		for (uint32_t k = 0; k < h->locs.n; k++)
			if (h->locs.v[k].id == l.id)
				return corrupt(h, "an item located twice");
		int rc = PUSH(h, h->locs, l);
		if (rc != 0)
			return rc;
	}
	return c->bad ? corrupt(h, "item locations") : 0;
}

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

static int parse_infe(struct heif *h, const uint8_t *p, size_t len)
{
	struct cur c = { p, len, 0, false };
	struct item it = { 0 };
	it.version = (uint8_t)cur_be(&c, 1);
	it.flags = (uint32_t)cur_be(&c, 3);
	if (it.version < 2) {
		/* The first edition's form has no item type: metadata only. */
		it.id = (uint32_t)cur_be(&c, 2);
		cur_be(&c, 2);
		memcpy(it.type, "mime", 4);
	} else {
		it.id = (uint32_t)cur_be(&c, it.version == 2 ? 2 : 4);
		uint32_t prot = (uint32_t)cur_be(&c, 2);
		const uint8_t *t = cur_take(&c, 4);
		if (t != NULL)
			memcpy(it.type, t, 4);
		if (prot != 0)
			return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo has "
				"protected (encrypted) items; samizdat cannot scrub them");
	}
	if (c.bad)
		return corrupt(h, "an item entry");
	/* What follows is the item name (and for mime/uri items their
	 * content type), reported and blanked. */
	size_t name_at = c.pos;
	size_t name_len = strnlen((const char *)p + name_at, len - name_at);
	if (name_len > 0)
		sz_doc_report_add(h->r, "HEIF item name", it.type,
			(const char *)p + name_at, name_len);
	if (item_by_id(h, it.id) != NULL)
		return corrupt(h, "two items with one id");
	note_id(h, it.id);
	return PUSH(h, h->items, it);
}

static int parse_iinf(struct heif *h, struct cur *c)
{
	unsigned version = (unsigned)cur_be(c, 1);
	cur_be(c, 3);
	cur_be(c, version == 0 ? 2 : 4);
	for (unsigned n = 0; cur_left(c) > 0; n++) {
		struct bmff_box b;
		if (n >= SZ_DOC_MAX_ITEMS || bmff_box(c->p + c->pos, cur_left(c),
		    c->pos, c->len, &b) != 0)
			return corrupt(h, "the item list");
		if (memcmp(b.type, "infe", 4) == 0) {
			int rc = parse_infe(h, c->p + c->pos + b.hdr,
				(size_t)(b.size - b.hdr));
			if (rc != 0)
				return rc;
		}
		c->pos += (size_t)b.size;
	}
	return 0;
}

static int parse_iref(struct heif *h, struct cur *c)
{
	unsigned version = (unsigned)cur_be(c, 1);
	cur_be(c, 3);
	unsigned w = version == 0 ? 2 : 4;
	while (cur_left(c) > 0) {
		struct bmff_box b;
		if (bmff_box(c->p + c->pos, cur_left(c), c->pos, c->len, &b) != 0)
			return corrupt(h, "item references");
		struct cur e = { c->p + c->pos + b.hdr, (size_t)(b.size - b.hdr), 0,
			false };
		struct ref rf = { 0 };
		memcpy(rf.type, b.type, 4);
		rf.from = (uint32_t)cur_be(&e, w);
		uint32_t count = (uint32_t)cur_be(&e, 2);
		rf.first = h->ids.n;
		for (uint32_t k = 0; k < count && !e.bad; k++) {
			uint32_t to = (uint32_t)cur_be(&e, w);
			if (e.bad)
				break;
			int rc = PUSH(h, h->ids, to);
			if (rc != 0)
				return rc;
			rf.count++;
		}
		if (e.bad)
			return corrupt(h, "an item reference");
		int rc = PUSH(h, h->refs, rf);
		if (rc != 0)
			return rc;
		c->pos += (size_t)b.size;
	}
	return 0;
}

static int parse_ipco(struct heif *h, struct cur *c)
{
	while (cur_left(c) > 0) {
		struct bmff_box b;
		if (bmff_box(c->p + c->pos, cur_left(c), c->pos, c->len, &b) != 0)
			return corrupt(h, "item properties");
		struct prop pr = { 0 };
		pr.p = c->p + c->pos;
		pr.len = (size_t)b.size;
		memcpy(pr.type, b.type, 4);
		int rc = PUSH(h, h->props, pr);
		if (rc != 0)
			return rc;
		c->pos += (size_t)b.size;
	}
	return 0;
}

static int parse_ipma(struct heif *h, struct cur *c)
{
	unsigned version = (unsigned)cur_be(c, 1);
	uint32_t flags = (uint32_t)cur_be(c, 3);
	uint32_t n = (uint32_t)cur_be(c, 4);
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint32_t id = (uint32_t)cur_be(c, version < 1 ? 2 : 4);
		unsigned count = (unsigned)cur_be(c, 1);
		for (unsigned k = 0; k < count && !c->bad; k++) {
			struct assoc a = { .item = id };
			uint32_t v = (uint32_t)cur_be(c, (flags & 1) ? 2 : 1);
			unsigned bits = (flags & 1) ? 15 : 7;
			a.essential = v >> bits;
			a.prop = v & ((1u << bits) - 1);
			if (c->bad)
				break;
			if (a.prop == 0)
				continue;   /* "no property" */
			if (a.prop > h->props.n)
				return corrupt(h, "a property association");
			int rc = PUSH(h, h->assocs, a);
			if (rc != 0)
				return rc;
		}
	}
	return c->bad ? corrupt(h, "property associations") : 0;
}

static int parse_iprp(struct heif *h, struct cur *c)
{
	/* ipco first: associations refer to its boxes by index. */
	for (int pass = 0; pass < 2; pass++) {
		size_t at = 0;
		while (at < c->len) {
			struct bmff_box b;
			if (bmff_box(c->p + at, c->len - at, at, c->len, &b) != 0)
				return corrupt(h, "the property box");
			struct cur in = { c->p + at + b.hdr, (size_t)(b.size - b.hdr), 0,
				false };
			int rc = 0;
			if (pass == 0 && memcmp(b.type, "ipco", 4) == 0)
				rc = parse_ipco(h, &in);
			else if (pass == 1 && memcmp(b.type, "ipma", 4) == 0)
				rc = parse_ipma(h, &in);
			else if (pass == 1 && memcmp(b.type, "ipco", 4) != 0)
				sz_doc_report_addf(h->r, "HEIF", "box", "%s in iprp "
					"(%llu bytes)", b.type, (unsigned long long)b.size);
			if (rc != 0)
				return rc;
			at += (size_t)b.size;
		}
	}
	return 0;
}

static int parse_grpl(struct heif *h, struct cur *c)
{
	while (cur_left(c) > 0) {
		struct bmff_box b;
		if (bmff_box(c->p + c->pos, cur_left(c), c->pos, c->len, &b) != 0)
			return corrupt(h, "entity groups");
		struct cur e = { c->p + c->pos + b.hdr, (size_t)(b.size - b.hdr), 0,
			false };
		struct group g = { 0 };
		memcpy(g.type, b.type, 4);
		g.vf = (uint32_t)cur_be(&e, 4);
		g.id = (uint32_t)cur_be(&e, 4);
		uint32_t n = (uint32_t)cur_be(&e, 4);
		g.first = h->ids.n;
		for (uint32_t k = 0; k < n && !e.bad; k++) {
			uint32_t id = (uint32_t)cur_be(&e, 4);
			if (e.bad)
				break;
			int rc = PUSH(h, h->ids, id);
			if (rc != 0)
				return rc;
			g.count++;
		}
		if (e.bad)
			return corrupt(h, "an entity group");
		g.tail = e.p + e.pos;
		g.tail_len = cur_left(&e);
		int rc = PUSH(h, h->groups, g);
		if (rc != 0)
			return rc;
		c->pos += (size_t)b.size;
	}
	return 0;
}

static int parse_meta(struct heif *h)
{
	struct cur m = { h->meta, h->meta_len, 0, false };
	struct bmff_box mb;
	bmff_box(h->meta, h->meta_len, 0, h->meta_len, &mb);
	m.pos = (size_t)mb.hdr;
	h->meta_vf = (uint32_t)cur_be(&m, 4);
	if (m.bad || h->meta_vf >> 24 != 0)
		return corrupt(h, "the meta box");
	bool seen_iprp = false;
	while (cur_left(&m) > 0) {
		struct bmff_box b;
		if (bmff_box(m.p + m.pos, cur_left(&m), m.pos, m.len, &b) != 0)
			return corrupt(h, "a box inside meta");
		struct cur c = { m.p + m.pos + b.hdr, (size_t)(b.size - b.hdr), 0,
			false };
		int rc = 0;
		const char *t = b.type;
		if (memcmp(t, "hdlr", 4) == 0) {
			h->hdlr = c;
		} else if (memcmp(t, "pitm", 4) == 0) {
			h->pitm = c.p;
			h->pitm_len = c.len;
			unsigned v = (unsigned)cur_be(&c, 1);
			cur_be(&c, 3);
			h->primary = (uint32_t)cur_be(&c, v == 0 ? 2 : 4);
			if (c.bad)
				rc = corrupt(h, "the primary item");
		} else if (memcmp(t, "iloc", 4) == 0 && !h->has_iloc) {
			h->has_iloc = true;
			rc = parse_iloc(h, &c);
		} else if (memcmp(t, "iinf", 4) == 0 && !h->has_iinf) {
			h->has_iinf = true;
			rc = parse_iinf(h, &c);
		} else if (memcmp(t, "iref", 4) == 0) {
			rc = parse_iref(h, &c);
		} else if (memcmp(t, "iprp", 4) == 0 && !seen_iprp) {
			seen_iprp = true;
			rc = parse_iprp(h, &c);
		} else if (memcmp(t, "idat", 4) == 0 && h->idat == NULL) {
			h->idat = c.p;
			h->idat_len = c.len;
		} else if (memcmp(t, "dinf", 4) == 0) {
			h->dinf = m.p + m.pos;
			h->dinf_len = (size_t)b.size;
		} else if (memcmp(t, "grpl", 4) == 0) {
			rc = parse_grpl(h, &c);
		} else if (memcmp(t, "ipro", 4) == 0) {
			rc = sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo has "
				"protected (encrypted) items; samizdat cannot scrub them");
		} else if (memcmp(t, "xml ", 4) == 0 || memcmp(t, "bxml", 4) == 0) {
			report_xmp(h->r, "HEIF XML", c.p, c.len);
		} else {
			sz_doc_report_addf(h->r, "HEIF", "box", "%s in meta (%llu "
				"bytes)", t, (unsigned long long)b.size);
		}
		if (rc != 0)
			return rc;
		m.pos += (size_t)b.size;
	}
	if (h->hdlr.p == NULL || h->hdlr.len < 8 ||
	    memcmp(h->hdlr.p + 8, "pict", 4) != 0)
		return sz_err_set(h->err, SZ_E_INVAL, "not a HEIF or AVIF photo "
			"(its meta box is not an image's)");
	if (!h->has_iloc || !h->has_iinf || h->pitm == NULL)
		return corrupt(h, "it lacks item information, locations or a "
			"primary item");
	if (h->hdlr.len > 24 && h->hdlr.p[24] != 0)
		sz_doc_report_add(h->r, "HEIF", "handler name",
			(const char *)h->hdlr.p + 24, h->hdlr.len - 24);
	return 0;
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

static int decide(struct heif *h)
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
			return corrupt(h, "its primary item is metadata");
		it->drop = true;
		report_item(h, it);
	}
	if (item_by_id(h, h->primary) == NULL)
		return corrupt(h, "its primary item is missing");
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
		if (dropped(h, a->item))
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
			bool used = false;
			for (uint32_t k = 0; k < h->assocs.n && !used; k++)
				used = h->assocs.v[k].prop == i + 1;
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
			n += !dropped(h, h->ids.v[rf->first + k]);
		if (dropped(h, rf->from) || n == 0)
			continue;
		any_ref = true;
		size_t e = box_open(o, rf->type);
		bld_be(o, rf->from, w);
		bld_be(o, n, 2);
		for (uint32_t k = 0; k < rf->count; k++)
			if (!dropped(h, h->ids.v[rf->first + k]))
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
			rc = corrupt(h, "an item with too many properties");
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
			const struct item *it = item_by_id(h, h->ids.v[g->first + k]);
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
			const struct item *it = item_by_id(h, h->ids.v[g->first + k]);
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

static int write_heif(struct heif *h, struct rd *in, struct wr *out)
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

/* --- the top level --- */

static int read_box(struct heif *h, const struct bmff_box *b, size_t max,
	uint8_t **p, size_t *len)
{
	if (b->size > max)
		return sz_err_set(h->err, SZ_E_LIMIT, "the photo's %s box is "
			"larger than samizdat takes (%zu bytes)", b->type, max);
	*p = malloc((size_t)b->size + 1);
	if (*p == NULL)
		return sz_err_set(h->err, SZ_E_NOMEM, "out of memory");
	*len = (size_t)b->size;
	if (pread(h->fd, *p, *len, (off_t)b->at) != (ssize_t)*len)
		return sz_err_set(h->err, SZ_E_IO, "cannot read the photo");
	return 0;
}

static int read_top(struct heif *h)
{
	uint64_t at = 0;
	for (unsigned n = 0; at < h->size; n++) {
		uint8_t hb[TOP_HEADER];
		ssize_t got = pread(h->fd, hb, sizeof(hb), (off_t)at);
		struct bmff_box b;
		if (n >= SZ_DOC_MAX_BOXES)
			return sz_err_set(h->err, SZ_E_LIMIT, "the photo has more "
				"than %u boxes", SZ_DOC_MAX_BOXES);
		if (got < 0 || bmff_box(hb, (size_t)got, at, h->size, &b) != 0)
			return n == 0 ? sz_err_set(h->err, SZ_E_INVAL, "not a HEIF "
				"or AVIF photo") : sz_err_set(h->err, SZ_E_INVAL, "the "
				"photo is truncated or damaged (a box at byte %llu runs "
				"past its end)", (unsigned long long)at);
		int rc = 0;
		if (n == 0 && memcmp(b.type, "ftyp", 4) != 0)
			return sz_err_set(h->err, SZ_E_INVAL, "not a HEIF or AVIF "
				"photo (it does not start with ftyp)");
		if (n == 0)
			rc = read_box(h, &b, MAX_FTYP, &h->ftyp, &h->ftyp_len);
		else if (memcmp(b.type, "meta", 4) == 0 && h->meta == NULL)
			rc = read_box(h, &b, SZ_DOC_MAX_SEGMENT, &h->meta, &h->meta_len);
		else if (memcmp(b.type, "meta", 4) == 0)
			rc = corrupt(h, "two meta boxes");
		else if (memcmp(b.type, "moov", 4) == 0)
			rc = sz_err_set(h->err, SZ_E_UNSUPPORTED, "the file is an "
				"image sequence (animated HEIF or AVIF); samizdat scrubs "
				"still photos only");
		else if (memcmp(b.type, "mdat", 4) != 0 &&
			 memcmp(b.type, "free", 4) != 0 &&
			 memcmp(b.type, "skip", 4) != 0)
			sz_doc_report_addf(h->r, "HEIF", "box", "%s (%llu bytes)",
				b.type, (unsigned long long)b.size);
		if (rc != 0)
			return rc;
		at += b.size;
	}
	if (h->meta == NULL)
		return sz_err_set(h->err, SZ_E_INVAL, "not a HEIF or AVIF photo "
			"(it has no meta box)");
	return 0;
}

int doc_heif(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	struct heif *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	h->fd = fd;
	h->size = in->size;
	h->r = r;
	h->err = err;
	h->writing = wr_active(&out);
	if ((rc = read_top(h)) != 0 || (rc = parse_meta(h)) != 0 ||
	    (rc = decide(h)) != 0)
		goto out;
	if (h->writing)
		rc = write_heif(h, in, &out);
out:
	rc = doc_finish(in, &out, rc, err);
	if (rc == 0 && out_path != NULL)
		rc = doc_verify(doc_heif, out_path, err);
	if (h != NULL) {
		for (uint32_t i = 0; i < h->items.n; i++)
			free(h->items.v[i].clean);
		free(h->items.v);
		free(h->locs.v);
		free(h->ext.v);
		free(h->props.v);
		free(h->assocs.v);
		free(h->refs.v);
		free(h->groups.v);
		free(h->ids.v);
		free(h->runs.v);
		free(h->ftyp);
		free(h->meta);
		free(h);
	}
	return rc;
}
