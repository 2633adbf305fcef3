/*
 * heif.h - what the HEIF/AVIF scrubber's two halves share: the parsed
 * meta box (items, locations, properties, references, groups) that
 * isobmff.c reads and heif_write.c decides on and writes anew.  Memory:
 * the arrays are owned by struct heif and freed by doc_heif.
 */
#ifndef SZ_DOCS_HEIF_H
#define SZ_DOCS_HEIF_H

#include "docs/internal.h"

struct extent {
	uint64_t index, offset, length;   /* offset with the base folded in */
	uint64_t out;                     /* offset in the rewritten file/idat */
};

struct loc {
	uint32_t id;
	uint8_t method;      /* 0 file offset, 1 idat offset, 2 item offset */
	uint16_t dref;       /* data reference: 0 this file, else dinf/dref */
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
#define PUSH(h, a, x) heif_push((h), (void **)&(a).v, &(a).n, &(a).cap, sizeof(*(a).v), &(x))

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


int heif_push(struct heif *h, void **v, uint32_t *n, uint32_t *cap,
	size_t size, const void *x);
int heif_corrupt(struct heif *h, const char *what);
struct item *heif_item(struct heif *h, uint32_t id);
bool heif_dropped(struct heif *h, uint32_t id);
/* Decides what goes (metadata items, descriptive properties) and
 * reports it; JPEG items are scrubbed in memory when writing. */
int heif_decide(struct heif *h);
/* Writes ftyp, the rebuilt meta and the new mdat. */
int heif_write(struct heif *h, struct rd *in, struct wr *out);

#endif
