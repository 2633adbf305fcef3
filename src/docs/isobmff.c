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
 * associations and locations; thumbnails go (they may show a picture
 * before it was cropped); item names and the handler name are blanked;
 * descriptive properties (udes) and unknown optional ones go; every
 * other box (udta, uuid, XML boxes, free space, unreferenced bytes in
 * mdat) goes.  Item locations are recomputed for the new layout, from
 * file offsets or offsets into idat, base offsets folded in.  JPEG-coded
 * items are scrubbed by the JPEG handler.  The result is re-read before
 * it is accepted.  isobmff.c parses; heif_write.c decides and writes.
 *
 * Not here: image sequences (a moov box: animated HEIF/AVIF), protected
 * items, items built from other items' data (construction method 2) and
 * data kept in other files (data references) are refused.  Nothing is
 * decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/heif.h"

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

int heif_push(struct heif *h, void **v, uint32_t *n, uint32_t *cap,
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

int heif_corrupt(struct heif *h, const char *what)
{
	return sz_err_set(h->err, SZ_E_INVAL, "the photo is damaged (%s)", what);
}

struct item *heif_item(struct heif *h, uint32_t id)
{
	for (uint32_t i = 0; i < h->items.n; i++)
		if (h->items.v[i].id == id)
			return &h->items.v[i];
	return NULL;
}

bool heif_dropped(struct heif *h, uint32_t id)
{
	struct item *it = heif_item(h, id);
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
		return heif_corrupt(h, "item location field sizes");
	uint32_t n = (uint32_t)cur_be(c, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		struct loc l = { 0 };
		l.id = (uint32_t)cur_be(c, version < 2 ? 2 : 4);
		if (version >= 1)
			l.method = (uint8_t)(cur_be(c, 2) & 15);
		l.dref = (uint16_t)cur_be(c, 2);
		uint64_t base = cur_be(c, base_size);
		uint32_t count = (uint32_t)cur_be(c, 2);
		if (c->bad)
			break;
		if (l.method > 2)
			return heif_corrupt(h, "an unknown item construction method");
		if (count == 0)
			return heif_corrupt(h, "an item location without extents");
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
				return heif_corrupt(h, "an item offset");
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
				return heif_corrupt(h, "an item located twice");
		int rc = PUSH(h, h->locs, l);
		if (rc != 0)
			return rc;
	}
	return c->bad ? heif_corrupt(h, "item locations") : 0;
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
		return heif_corrupt(h, "an item entry");
	/* What follows is the item name (and for mime/uri items their
	 * content type), reported and blanked. */
	size_t name_at = c.pos;
	size_t name_len = strnlen((const char *)p + name_at, len - name_at);
	if (name_len > 0)
		sz_doc_report_add(h->r, "HEIF item name", it.type,
			(const char *)p + name_at, name_len);
	if (heif_item(h, it.id) != NULL)
		return heif_corrupt(h, "two items with one id");
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
			return heif_corrupt(h, "the item list");
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
			return heif_corrupt(h, "item references");
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
			return heif_corrupt(h, "an item reference");
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
			return heif_corrupt(h, "item properties");
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
				return heif_corrupt(h, "a property association");
			int rc = PUSH(h, h->assocs, a);
			if (rc != 0)
				return rc;
		}
	}
	return c->bad ? heif_corrupt(h, "property associations") : 0;
}

static int parse_iprp(struct heif *h, struct cur *c)
{
	/* ipco first: associations refer to its boxes by index. */
	for (int pass = 0; pass < 2; pass++) {
		size_t at = 0;
		while (at < c->len) {
			struct bmff_box b;
			if (bmff_box(c->p + at, c->len - at, at, c->len, &b) != 0)
				return heif_corrupt(h, "the property box");
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
			return heif_corrupt(h, "entity groups");
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
			return heif_corrupt(h, "an entity group");
		g.tail = e.p + e.pos;
		g.tail_len = cur_left(&e);
		int rc = PUSH(h, h->groups, g);
		if (rc != 0)
			return rc;
		c->pos += (size_t)b.size;
	}
	return 0;
}

/* Whether data reference `index` (1-based, in dinf/dref) is this very
 * file: a `url ` entry flagged self-contained. */
static bool self_contained(const struct heif *h, unsigned index)
{
	struct cur d = { h->dinf, h->dinf_len, 0, false };
	struct bmff_box b;
	if (d.p == NULL || bmff_box(d.p, d.len, 0, d.len, &b) != 0)
		return false;
	d.pos = (size_t)b.hdr;             /* into dinf: the dref box */
	if (bmff_box(d.p + d.pos, cur_left(&d), d.pos, d.len, &b) != 0 ||
	    memcmp(b.type, "dref", 4) != 0)
		return false;
	struct cur r = { d.p + d.pos + b.hdr, (size_t)(b.size - b.hdr), 0, false };
	cur_be(&r, 4);
	uint32_t n = (uint32_t)cur_be(&r, 4);
	for (uint32_t k = 1; k <= n && !r.bad; k++) {
		struct bmff_box e;
		if (bmff_box(r.p + r.pos, cur_left(&r), r.pos, r.len, &e) != 0)
			return false;
		uint32_t vf = e.size >= 12 ? be32(r.p + r.pos + 8) : 0;
		if (k == index)
			return memcmp(e.type, "url ", 4) == 0 && (vf & 1);
		r.pos += (size_t)e.size;
	}
	return false;
}

/* Items whose data another file holds are refused: samizdat cannot
 * see, let alone scrub, it. */
static int check_drefs(struct heif *h)
{
	for (uint32_t i = 0; i < h->locs.n; i++)
		if (h->locs.v[i].dref != 0 &&
		    !self_contained(h, h->locs.v[i].dref))
			return sz_err_set(h->err, SZ_E_UNSUPPORTED, "the photo keeps "
				"an item's data in another file; samizdat cannot check it");
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
		return heif_corrupt(h, "the meta box");
	bool seen_iprp = false;
	while (cur_left(&m) > 0) {
		struct bmff_box b;
		if (bmff_box(m.p + m.pos, cur_left(&m), m.pos, m.len, &b) != 0)
			return heif_corrupt(h, "a box inside meta");
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
				rc = heif_corrupt(h, "the primary item");
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
	int rc = check_drefs(h);
	if (rc != 0)
		return rc;
	if (h->hdlr.p == NULL || h->hdlr.len < 24 ||
	    memcmp(h->hdlr.p + 8, "pict", 4) != 0)
		return sz_err_set(h->err, SZ_E_INVAL, "not a HEIF or AVIF photo "
			"(its meta box is not an image's)");
	if (!h->has_iloc || !h->has_iinf || h->pitm == NULL)
		return heif_corrupt(h, "it lacks item information, locations or a "
			"primary item");
	if (h->hdlr.len > 24 && h->hdlr.p[24] != 0)
		sz_doc_report_add(h->r, "HEIF", "handler name",
			(const char *)h->hdlr.p + 24, h->hdlr.len - 24);
	return 0;
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
			rc = heif_corrupt(h, "two meta boxes");
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
	    (rc = heif_decide(h)) != 0)
		goto out;
	if (h->writing)
		rc = heif_write(h, in, &out);
out:
	rc = doc_verify(doc_finish(in, &out, rc, err), doc_heif, out_path, err);
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
