/*
 * remux.c - video and audio containers (MP4, MOV, M4A, 3GP, AVI,
 * WMV/ASF, MKV, WebM) rewritten by libavformat into the same container
 * with every audio, video and subtitle packet copied as it is (nothing is
 * decoded or encoded), and none of the container's metadata: no title,
 * artist, comment, encoder, creation time or location (QuickTime
 * ©xyz/udta/meta, XMP, Matroska tags, RIFF INFO, ASF content
 * descriptions), no stream tags (handler names, encoders; the language
 * stays, players choose tracks by it), no chapter titles (chapter times
 * stay).  Data streams (GPS and camera-motion tracks, timecodes, which
 * hold the time of day), attachments and cover pictures are dropped.
 * The muxer runs bit-exact, so it adds no encoder string, no creation
 * time and no random ids of its own.
 *
 * Hostile input: only the demuxer of the detected type may run (a
 * whitelist of one), probing is bounded in bytes and duration, and a
 * deadline interrupts any read.  A
 * packet the demuxer marks corrupt, or an index that promises more
 * samples than the file holds, is an error.  The result is re-read and
 * must hold the same packets, stream by stream (BLAKE2b of each stream's
 * packets), before it is accepted.
 *
 * Memory: packets are streamed; what the muxer keeps (an MP4 sample
 * table until the end) grows with the number of packets, not their size.
 */
#include <errno.h>
#include <fcntl.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docs/internal.h"

#define REMUX_IO_BUF (64 * 1024)
#define REMUX_PROBESIZE (5 << 20)              /* bytes read to probe */
#define REMUX_ANALYZE (5 * AV_TIME_BASE)       /* media time to probe */
#define REMUX_MAX_STREAMS 64
#define REMUX_OPEN_SECONDS 30                  /* to open and probe */
#define REMUX_SECONDS 60                       /* to remux... */
#define REMUX_SECONDS_PER_GIB 600              /* ...plus this per GiB */

struct container {
	enum sz_doc_type type;
	const char *demuxer, *muxer, *name;
};

static const struct container containers[] = {
	{ SZ_DOC_MP4, "mov", "mp4", "MP4" },
	{ SZ_DOC_MOV, "mov", "mov", "QuickTime" },
	{ SZ_DOC_M4A, "mov", "ipod", "M4A" },
	{ SZ_DOC_3GP, "mov", "3gp", "3GP" },
	{ SZ_DOC_AVI, "avi", "avi", "AVI" },
	{ SZ_DOC_ASF, "asf", "asf", "ASF" },
	{ SZ_DOC_MKV, "matroska", "matroska", "Matroska" },
	{ SZ_DOC_WEBM, "matroska", "webm", "WebM" },
};

/* Tags a demuxer makes up from the structure itself, which the remux
 * writes anew (and which name nobody). */
static const char *const structural_tags[] = {
	"major_brand", "minor_version", "compatible_brands", "language",
	"DURATION",
};
/* What the bit-exact muxers write themselves. */
static const char *const own_values[] = { "Lavf", "FFMP" };
static const char *const default_handlers[] = {
	"VideoHandler", "SoundHandler", "SubtitleHandler", "DataHandler",
	"TimeCodeHandler",
};

/* --- libav's log: kept per thread for error messages, never printed --- */

static __thread char last_log[160];

static void on_log(void *avcl, int level, const char *fmt, va_list vl)
{
	if (level > AV_LOG_ERROR)
		return;
	int print = 0;
	char line[sizeof(last_log)];
	av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line), &print);
	size_t n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = 0;
	if (n > 0)
		memcpy(last_log, line, n + 1);
}

static bool sodium_ready;

static void init_once(void)
{
	av_log_set_callback(on_log);
	/* The packet hashes are libsodium's (BLAKE2b); a caller that did
	 * not start libsodium (a fuzz target) gets it started here. */
	sodium_ready = sodium_init() >= 0;
}

static int av_fail(struct sz_err *err, int ret, const char *what,
	const char *kind)
{
	char e[AV_ERROR_MAX_STRING_SIZE];
	av_strerror(ret, e, sizeof(e));
	if (ret == AVERROR_EXIT)
		return sz_err_set(err, SZ_E_LIMIT, "the %s took longer than "
			"samizdat allows; it was stopped", kind);
	if (ret == AVERROR(ENOMEM))
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	return sz_err_set(err, SZ_E_INVAL, "the %s is damaged or not what it "
		"claims (%s: %s%s%s)", kind, what, e, last_log[0] ? "; " : "",
		last_log);
}

/* --- I/O over our descriptors, and the deadline --- */

struct io {
	int fd;
	uint64_t size;
	struct timespec until;
};

static int io_read(void *o, uint8_t *buf, int n)
{
	struct io *io = o;
	ssize_t got;
	do
		got = read(io->fd, buf, (size_t)n);
	while (got < 0 && errno == EINTR);
	return got < 0 ? AVERROR(errno) : got == 0 ? AVERROR_EOF : (int)got;
}

static int io_write(void *o, uint8_t *buf, int n)
{
	struct io *io = o;
	return sz_write_all(io->fd, buf, (size_t)n) == 0 ? n : AVERROR(EIO);
}

static int64_t io_seek(void *o, int64_t off, int whence)
{
	struct io *io = o;
	if (whence == AVSEEK_SIZE) {
		struct stat st;
		return fstat(io->fd, &st) == 0 ? st.st_size : AVERROR(errno);
	}
	off_t at = lseek(io->fd, (off_t)off, whence & ~AVSEEK_FORCE);
	return at < 0 ? AVERROR(errno) : at;
}

static int interrupted(void *o)
{
	const struct io *io = o;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > io->until.tv_sec ||
	       (now.tv_sec == io->until.tv_sec && now.tv_nsec > io->until.tv_nsec);
}

static void deadline(struct io *io, uint64_t seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &io->until);
	io->until.tv_sec += (time_t)seconds;
}

static AVIOContext *avio(struct io *io, bool write)
{
	uint8_t *buf = av_malloc(REMUX_IO_BUF);
	AVIOContext *pb = buf ? avio_alloc_context(buf, REMUX_IO_BUF, write, io,
		write ? NULL : io_read, write ? io_write : NULL, io_seek) : NULL;
	if (pb == NULL)
		av_free(buf);
	return pb;
}

static void avio_done(AVIOContext **pb)
{
	if (*pb != NULL)
		av_freep(&(*pb)->buffer);
	avio_context_free(pb);
}

/* Opens fd with the container's demuxer only.  Probing may decode a few
 * frames (bounded by REMUX_PROBESIZE and REMUX_ANALYZE) to learn what
 * the headers do not say, as ffmpeg does: without the reorder depth of
 * B-frames, timestamps cannot be carried over. */
static int open_input(const struct container *c, struct io *io,
	AVFormatContext **out, AVIOContext **pb, struct sz_err *err)
{
	*out = NULL;
	*pb = avio(io, false);
	AVFormatContext *ic = avformat_alloc_context();
	if (*pb == NULL || ic == NULL) {
		avformat_free_context(ic);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	ic->pb = *pb;
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	ic->interrupt_callback = (AVIOInterruptCB){ interrupted, io };
	ic->probesize = REMUX_PROBESIZE;
	ic->max_analyze_duration = REMUX_ANALYZE;
	ic->max_streams = REMUX_MAX_STREAMS;
	ic->format_whitelist = av_strdup(c->demuxer);
	last_log[0] = 0;
	const AVInputFormat *fmt = av_find_input_format(c->demuxer);
	/* QuickTime's XMP (a uuid or XMP_ box) is read so it can be shown;
	 * it is never written back. */
	AVDictionary *opts = NULL;
	av_dict_set(&opts, "export_xmp", "1", 0);
	int ret = ic->format_whitelist && fmt ?
		avformat_open_input(&ic, "", fmt, &opts) : AVERROR(ENOMEM);
	av_dict_free(&opts);
	if (ret < 0)
		return av_fail(err, ret, "cannot open it", c->name);
	*out = ic;
	if ((ret = avformat_find_stream_info(ic, NULL)) < 0)
		return av_fail(err, ret, "cannot read its streams", c->name);
	return 0;
}

static void close_input(AVFormatContext **ic, AVIOContext **pb)
{
	avformat_close_input(ic);
	avio_done(pb);
}

/* --- what is there, and what goes --- */

static bool in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static void report_tags(struct sz_doc_report *r, const char *kind,
	const AVDictionary *d)
{
	const AVDictionaryEntry *t = NULL;
	while ((t = av_dict_get(d, "", t, AV_DICT_IGNORE_SUFFIX)) != NULL) {
		if (t->value[0] == 0 || in(t->key, structural_tags, sizeof(structural_tags) /
		    sizeof(structural_tags[0])) ||
		    (strcmp(t->key, "handler_name") == 0 && in(t->value,
		     default_handlers, sizeof(default_handlers) /
		     sizeof(default_handlers[0]))) ||
		    (strcmp(t->key, "vendor_id") == 0 &&
		     strcmp(t->value, "[0][0][0][0]") == 0) ||
		    ((strcmp(t->key, "vendor_id") == 0 || strcmp(t->key,
		     "encoder") == 0) && in(t->value, own_values,
		     sizeof(own_values) / sizeof(own_values[0]))))
			continue;
		if (strcmp(t->key, "xmp") == 0)
			report_xmp(r, "XMP", (const uint8_t *)t->value,
				strlen(t->value));
		else
			sz_doc_report_add(r, kind, t->key, t->value,
				strlen(t->value));
	}
}

static bool kept_stream(const AVStream *st)
{
	enum AVMediaType t = st->codecpar->codec_type;
	return (t == AVMEDIA_TYPE_VIDEO || t == AVMEDIA_TYPE_AUDIO ||
		t == AVMEDIA_TYPE_SUBTITLE) &&
	       !(st->disposition & (AV_DISPOSITION_ATTACHED_PIC |
		       AV_DISPOSITION_TIMED_THUMBNAILS)) &&
	       st->codecpar->codec_id != AV_CODEC_ID_NONE &&
	       st->discard != AVDISCARD_ALL;
}

static void report(const AVFormatContext *ic, struct sz_doc_report *r)
{
	report_tags(r, "Container metadata", ic->metadata);
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		const AVStream *st = ic->streams[i];
		char kind[48];
		snprintf(kind, sizeof(kind), "Stream %u metadata", i);
		report_tags(r, kind, st->metadata);
		if (!kept_stream(st) && st->discard != AVDISCARD_ALL) {
			const char *type = av_get_media_type_string(
				st->codecpar->codec_type);
			char tag[AV_FOURCC_MAX_STRING_SIZE] = "";
			av_fourcc_make_string(tag, st->codecpar->codec_tag);
			sz_doc_report_addf(r, "Dropped stream", "stream", "%u: %s%s "
				"(%s)", i, (st->disposition & AV_DISPOSITION_ATTACHED_PIC) ?
				"cover picture, " : "", type ? type : "data",
				st->codecpar->codec_id != AV_CODEC_ID_NONE ?
				avcodec_get_name(st->codecpar->codec_id) : tag);
		}
	}
	for (unsigned i = 0; i < ic->nb_chapters; i++)
		report_tags(r, "Chapter", ic->chapters[i]->metadata);
}

/* --- the copy --- */

struct check {
	crypto_generichash_state h;
	uint64_t packets;
};

/* Per output stream: a hash of its packets' bytes, and their count. */
static void account(struct check *c, const AVPacket *pkt)
{
	crypto_generichash_update(&c->h, pkt->data, (unsigned long long)pkt->size);
	c->packets++;
}

static int open_output(const struct container *c, const AVFormatContext *ic,
	struct io *io, AVFormatContext **out, int *map, struct sz_err *err)
{
	AVFormatContext *oc = NULL;
	int ret = avformat_alloc_output_context2(&oc, NULL, c->muxer, NULL);
	*out = oc;
	if (ret < 0 || oc == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "cannot prepare the %s muxer",
			c->name);
	oc->flags |= AVFMT_FLAG_BITEXACT;
	/* Timestamps go out as they came: shifting them (to avoid negative
	 * ones) would move a stream against the others on every scrub. */
	oc->avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED;
	oc->interrupt_callback = (AVIOInterruptCB){ interrupted, io };
	unsigned kept = 0;
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		const AVStream *is = ic->streams[i];
		map[i] = -1;
		if (!kept_stream(is))
			continue;
		AVStream *os = avformat_new_stream(oc, NULL);
		if (os == NULL || avcodec_parameters_copy(os->codecpar,
		    is->codecpar) < 0)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		/* The codec tag goes where the muxer would pick another for
		 * the codec (as ffmpeg's stream copy does). */
		unsigned tag = 0;
		const struct AVCodecTag *const *tags = oc->oformat->codec_tag;
		if (tags != NULL && av_codec_get_id(tags, is->codecpar->codec_tag) !=
		    is->codecpar->codec_id && av_codec_get_tag2(tags,
		    is->codecpar->codec_id, &tag))
			os->codecpar->codec_tag = 0;
		os->time_base = is->time_base;
		os->avg_frame_rate = is->avg_frame_rate;
		os->r_frame_rate = is->r_frame_rate;
		/* As ffmpeg's stream copy: the codec's aspect ratio, else the
		 * container's. */
		AVRational sar = is->codecpar->sample_aspect_ratio.num ?
			is->codecpar->sample_aspect_ratio : is->sample_aspect_ratio;
		os->sample_aspect_ratio = os->codecpar->sample_aspect_ratio = sar;
		os->disposition = is->disposition;
		const AVDictionaryEntry *lang = av_dict_get(is->metadata,
			"language", NULL, 0);
		if (lang != NULL && av_dict_set(&os->metadata, "language",
		    lang->value, 0) < 0)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		/* Display matrix (a phone's rotation), HDR and the like. */
		for (int k = 0; k < is->nb_side_data; k++) {
			const AVPacketSideData *sd = &is->side_data[k];
			uint8_t *p = av_stream_new_side_data(os, sd->type, sd->size);
			if (p == NULL)
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
			memcpy(p, sd->data, sd->size);
		}
		map[i] = (int)kept++;
	}
	if (kept == 0)
		return sz_err_set(err, SZ_E_INVAL, "the %s has no audio or video "
			"stream to keep", c->name);
	/* Chapters keep their times, not their titles. */
	if (ic->nb_chapters > 0) {
		oc->chapters = av_calloc(ic->nb_chapters, sizeof(*oc->chapters));
		if (oc->chapters == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		for (unsigned i = 0; i < ic->nb_chapters; i++) {
			const AVChapter *from = ic->chapters[i];
			AVChapter *to = av_mallocz(sizeof(*to));
			if (to == NULL)
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
			to->id = from->id;
			to->time_base = from->time_base;
			to->start = from->start;
			to->end = from->end;
			oc->chapters[oc->nb_chapters++] = to;
			/* An empty title, not none: QuickTime's chapter track is
			 * only written with one sample per chapter. */
			if (av_dict_set(&to->metadata, "title", "", 0) < 0)
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		}
	}
	return 0;
}

/* Matroska's demuxer takes an Opus track's codec delay off its
 * timestamps; before libavformat 60 the muxer did not put it back, so a
 * remux moved the sound against the picture by the delay (6.5 ms) every
 * time.  It is put back here. */
static int64_t opus_delay(const struct container *c, const AVStream *os)
{
#if LIBAVFORMAT_VERSION_MAJOR < 60
	if (strcmp(c->demuxer, "matroska") == 0 &&
	    os->codecpar->codec_id == AV_CODEC_ID_OPUS &&
	    os->codecpar->initial_padding > 0)
		return av_rescale_q(os->codecpar->initial_padding,
			(AVRational){ 1, 48000 }, os->time_base);
#else
	(void)c;
	(void)os;
#endif
	return 0;
}

/* Reads every packet of ic; with oc, writes the kept ones there.  Each
 * kept stream's packets are accounted in checks[map[i]]. */
static int copy(const struct container *c, AVFormatContext *ic,
	AVFormatContext *oc, const int *map, struct check *checks,
	struct sz_err *err)
{
	AVPacket *pkt = av_packet_alloc();
	if (pkt == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	/* map covers the streams the header announced. */
	unsigned announced = ic->nb_streams;
	uint64_t *counts = av_calloc(announced ? announced : 1, sizeof(*counts));
	int ret, rc = 0;
	if (counts == NULL) {
		av_packet_free(&pkt);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	while ((ret = av_read_frame(ic, pkt)) >= 0) {
		unsigned si = (unsigned)pkt->stream_index;
		if (pkt->flags & AV_PKT_FLAG_CORRUPT) {
			rc = sz_err_set(err, SZ_E_INVAL, "the %s is truncated or "
				"damaged (stream %u has a corrupt packet at byte %lld)",
				c->name, si, (long long)pkt->pos);
			break;
		}
		if (si >= announced) {
			rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the %s has a stream "
				"its header does not announce; samizdat cannot check it",
				c->name);
			break;
		}
		counts[si]++;
		if (map[si] < 0) {
			av_packet_unref(pkt);
			continue;
		}
		account(&checks[map[si]], pkt);
		if (oc == NULL) {
			av_packet_unref(pkt);
			continue;
		}
		AVStream *os = oc->streams[map[si]];
		av_packet_rescale_ts(pkt, ic->streams[si]->time_base, os->time_base);
		int64_t shift = opus_delay(c, os);
		if (pkt->pts != AV_NOPTS_VALUE)
			pkt->pts += shift;
		if (pkt->dts != AV_NOPTS_VALUE)
			pkt->dts += shift;
		pkt->stream_index = map[si];
		pkt->pos = -1;
		if ((ret = av_interleaved_write_frame(oc, pkt)) < 0) {
			rc = av_fail(err, ret, "cannot write a packet", c->name);
			break;
		}
	}
	if (rc == 0 && ret != AVERROR_EOF)
		rc = av_fail(err, ret, "cannot read a packet", c->name);
	/* A QuickTime index lists every sample: fewer read means the file
	 * is cut short. */
	for (unsigned i = 0; rc == 0 && strcmp(c->demuxer, "mov") == 0 &&
	     i < announced; i++) {
		int listed = avformat_index_get_entries_count(ic->streams[i]);
		if (map[i] >= 0 && listed > 0 && counts[i] < (uint64_t)listed)
			rc = sz_err_set(err, SZ_E_INVAL, "the %s is truncated "
				"(stream %u lists %d samples; %llu could be read)",
				c->name, i, listed, (unsigned long long)counts[i]);
	}
	av_free(counts);
	av_packet_free(&pkt);
	return rc;
}

/* The output read back: the same packets, stream by stream. */
static int verify(const struct container *c, const char *out_path,
	unsigned nout, struct check *wrote, struct sz_err *err)
{
	struct io io = { .fd = open(out_path, O_RDONLY | O_CLOEXEC) };
	AVFormatContext *ic = NULL;
	AVIOContext *pb = NULL;
	struct check *back = NULL;
	int *map = NULL;
	int rc;
	if (io.fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot read back the output");
	deadline(&io, REMUX_OPEN_SECONDS);
	if ((rc = open_input(c, &io, &ic, &pb, err)) != 0)
		goto out;
	back = sodium_allocarray(nout ? nout : 1, sizeof(*back));
	map = av_calloc(ic->nb_streams ? ic->nb_streams : 1, sizeof(*map));
	if (back == NULL || map == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	unsigned n = 0;
	for (unsigned i = 0; i < ic->nb_streams; i++)
		map[i] = kept_stream(ic->streams[i]) && n < nout ? (int)n++ : -1;
	if (n != nout) {
		rc = sz_err_set(err, SZ_E_INVAL, "the remuxed %s does not read "
			"back (%u of %u streams)", c->name, n, nout);
		goto out;
	}
	for (unsigned i = 0; i < nout; i++) {
		crypto_generichash_init(&back[i].h, NULL, 0, 32);
		back[i].packets = 0;
	}
	deadline(&io, REMUX_SECONDS + REMUX_SECONDS_PER_GIB *
		(io_seek(&io, 0, AVSEEK_SIZE) >> 30));
	if ((rc = copy(c, ic, NULL, map, back, err)) != 0)
		goto out;
	for (unsigned i = 0; i < nout; i++) {
		uint8_t a[32], b[32];
		crypto_generichash_final(&wrote[i].h, a, sizeof(a));
		crypto_generichash_final(&back[i].h, b, sizeof(b));
		if (wrote[i].packets != back[i].packets || sodium_memcmp(a, b, 32)) {
			rc = sz_err_set(err, SZ_E_INVAL, "the remuxed %s does not "
				"read back with the same packets (stream %u: %llu "
				"written, %llu read); nothing was written", c->name, i,
				(unsigned long long)wrote[i].packets,
				(unsigned long long)back[i].packets);
			break;
		}
	}
out:
	close_input(&ic, &pb);
	sodium_free(back);
	av_free(map);
	close(io.fd);
	return rc;
}

static int remux(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err, enum sz_doc_type type)
{
	const struct container *c = NULL;
	for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
		if (containers[i].type == type)
			c = &containers[i];
	if (c == NULL)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "not a container samizdat "
			"remuxes");
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_once);
	if (!sodium_ready)
		return sz_err_set(err, SZ_E_CRYPTO, "cannot initialise libsodium");
	struct io in = { .fd = fd, .size = 0 };
	struct io out = { .fd = -1 };
	AVFormatContext *ic = NULL, *oc = NULL;
	AVIOContext *ipb = NULL, *opb = NULL;
	struct check *checks = NULL;
	int *map = NULL;
	int rc, ret;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot seek: %s", strerror(errno));
	in.size = (uint64_t)io_seek(&in, 0, AVSEEK_SIZE);
	if ((rc = doc_outline(fd, type, c->name, err)) != 0)
		return rc;
	deadline(&in, REMUX_OPEN_SECONDS);
	if ((rc = open_input(c, &in, &ic, &ipb, err)) != 0)
		goto out;
	report(ic, r);
	if (out_path == NULL)
		goto out;
	map = av_calloc(ic->nb_streams, sizeof(*map));
	checks = sodium_allocarray(ic->nb_streams, sizeof(*checks));
	out.fd = open(out_path, O_RDWR | O_TRUNC | O_CLOEXEC);
	if (map == NULL || checks == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	if (out.fd < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot write %s: %s", out_path,
			strerror(errno));
		goto out;
	}
	if ((rc = open_output(c, ic, &in, &oc, map, err)) != 0)
		goto out;
	if ((oc->pb = opb = avio(&out, true)) == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	for (unsigned i = 0; i < oc->nb_streams; i++) {
		crypto_generichash_init(&checks[i].h, NULL, 0, 32);
		checks[i].packets = 0;
	}
	deadline(&in, REMUX_SECONDS + REMUX_SECONDS_PER_GIB * (in.size >> 30));
	if ((ret = avformat_write_header(oc, NULL)) < 0) {
		rc = av_fail(err, ret, "cannot start the copy", c->name);
		goto out;
	}
	if ((rc = copy(c, ic, oc, map, checks, err)) != 0)
		goto out;
	if ((ret = av_write_trailer(oc)) < 0) {
		rc = av_fail(err, ret, "cannot finish the copy", c->name);
		goto out;
	}
	avio_flush(opb);
	if (opb->error < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output");
		goto out;
	}
	rc = verify(c, out_path, oc->nb_streams, checks, err);
out:
	close_input(&ic, &ipb);
	avformat_free_context(oc);
	avio_done(&opb);
	sodium_free(checks);
	av_free(map);
	if (out.fd >= 0 && close(out.fd) != 0 && rc == 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output");
	return rc;
}

int doc_mp4(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_MP4);
}

int doc_mov(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_MOV);
}

int doc_m4a(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_M4A);
}

int doc_3gp(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_3GP);
}

int doc_avi(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_AVI);
}

int doc_asf(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_ASF);
}

int doc_mkv(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_MKV);
}

int doc_webm(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err)
{
	return remux(fd, out, r, err, SZ_DOC_WEBM);
}
