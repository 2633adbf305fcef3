/*
 * fetch.c - libcurl, held to the limits fetch.h lists.
 *
 * It does not retry: a mirror that fails once is reported, and the
 * reader decides.
 */
#include "mirror/fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sz_fetch {
	CURL *curl;
	char scheme[8];               /* "http" or "https": redirects stay */
};

struct transfer {
	CURL *curl;
	sz_fetch_sink sink;
	void *ctx;
	uint64_t max, got;
	bool too_large, refused;
};

bool sz_fetch_is_url(const char *text)
{
	return strncasecmp(text, "http://", 7) == 0 ||
		strncasecmp(text, "https://", 8) == 0;
}

static size_t on_data(char *data, size_t size, size_t n, void *p)
{
	struct transfer *t = p;
	size_t len = size * n;
	long status = 0;
	/* A redirect's own body is not the file: dropped, but counted. */
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	bool redirect = status >= 300 && status < 400;
	if (t->got + len > t->max) {
		t->too_large = true;
		return 0;                 /* stops the transfer */
	}
	if (!redirect && t->sink(t->ctx, (const uint8_t *)data, len) != 0) {
		t->refused = true;
		return 0;
	}
	t->got += len;
	return len;
}

int sz_fetch_open(struct sz_fetch **out, const struct sz_fetch_opts *o,
	const char *base, struct sz_err *err)
{
	static bool global;
	*out = NULL;
	if (!sz_fetch_is_url(base))
		return sz_err_set(err, SZ_E_INVAL, "not an http or https URL: %s",
			base);
	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return sz_err_set(err, SZ_E_IO, "cannot start libcurl");
		global = true;
	}
	struct sz_fetch *f = calloc(1, sizeof(*f));
	if (f == NULL || (f->curl = curl_easy_init()) == NULL) {
		free(f);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	snprintf(f->scheme, sizeof(f->scheme), "%s",
		strncasecmp(base, "https", 5) == 0 ? "https" : "http");
	CURL *c = f->curl;
	CURLcode rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, f->scheme);
	/* Redirects are followed by sz_fetch_get, which checks each one. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
			(long)o->timeout_s);
	/* "Never answers": less than one byte a second for timeout_s. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)o->timeout_s);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)o->max_time_s);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_USERAGENT, "samizdat-mirror-verify");
	if (rc == CURLE_OK && o->proxy != NULL)
		rc = curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	if (rc != CURLE_OK) {
		sz_fetch_close(f);
		return sz_err_set(err, SZ_E_UNSUPPORTED, "this libcurl cannot be "
			"held to the limits a mirror needs: %s", curl_easy_strerror(rc));
	}
	*out = f;
	return 0;
}

void sz_fetch_close(struct sz_fetch *f)
{
	if (f == NULL)
		return;
	curl_easy_cleanup(f->curl);
	free(f);
}

/* Whether two absolute URLs name the same scheme, host and port. */
static bool same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST,
		CURLUPART_PORT };
	CURLU *ua = curl_url(), *ub = curl_url();
	bool same = ua != NULL && ub != NULL &&
		curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
		curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
	for (size_t i = 0; same && i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *pa = NULL, *pb = NULL;
		same = curl_url_get(ua, parts[i], &pa, CURLU_DEFAULT_PORT) ==
				CURLUE_OK &&
			curl_url_get(ub, parts[i], &pb, CURLU_DEFAULT_PORT) ==
				CURLUE_OK &&
			strcasecmp(pa, pb) == 0;
		curl_free(pa);
		curl_free(pb);
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

int sz_fetch_get(struct sz_fetch *f, const char *url, uint64_t max,
	sz_fetch_sink sink, void *ctx, uint64_t *got, struct sz_err *err)
{
	struct transfer t = { .curl = f->curl, .sink = sink, .ctx = ctx,
		.max = max };
	long status = 0;
	char *at = strdup(url);
	int rc = 0;
	*got = 0;
	if (at == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(f->curl, CURLOPT_MAXFILESIZE_LARGE,
		(curl_off_t)(max > INT64_MAX ? INT64_MAX : max));
	/* A redirect is followed only to the same scheme, host and port: a
	 * hostile mirror must not make a reader's machine fetch addresses of
	 * its choosing (its own loopback or network), and one that moved
	 * host is verified at its new address. */
	for (int hops = 0;; hops++) {
		curl_easy_setopt(f->curl, CURLOPT_URL, at);
		CURLcode cc = curl_easy_perform(f->curl);
		status = 0;
		curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
		*got = t.got;
		if (t.too_large || cc == CURLE_FILESIZE_EXCEEDED) {
			rc = sz_err_set(err, SZ_E_LIMIT, "%s is larger than %llu bytes",
				url, (unsigned long long)max);
			goto out;
		}
		if (t.refused) {
			rc = sz_err_set(err, SZ_E_IO, "%s: cannot keep what it sent", url);
			goto out;
		}
		if (cc != CURLE_OK) {
			rc = sz_err_set(err, SZ_E_IO, "%s: %s", url,
				curl_easy_strerror(cc));
			goto out;
		}
		char *next = NULL;
		if (status < 300 || status >= 400 ||
		    curl_easy_getinfo(f->curl, CURLINFO_REDIRECT_URL, &next) !=
				CURLE_OK || next == NULL)
			break;
		if (hops == SZ_FETCH_REDIRECTS_MAX) {
			rc = sz_err_set(err, SZ_E_IO, "%s: more than %d redirects",
				url, SZ_FETCH_REDIRECTS_MAX);
			goto out;
		}
		if (!same_origin(at, next)) {
			rc = sz_err_set(err, SZ_E_IO, "%s: a redirect to another "
				"scheme, host or port (%.200s) is not followed; verify "
				"the mirror at that address if it is the one meant",
				url, next);
			goto out;
		}
		char *copy = strdup(next);
		if (copy == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			goto out;
		}
		free(at);
		at = copy;
		t.got = 0;
	}
	if (status == 404 || status == 410)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s: not found", url);
	else if (status != 200)
		rc = sz_err_set(err, SZ_E_IO, "%s: the server answered %ld", url,
			status);
out:
	free(at);
	return rc;
}

bool sz_fetch_url(const char *base, const char *path, size_t len, char *out,
	size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = strlen(base);
	bool slash = k > 0 && base[k - 1] == '/';
	if (k + 2 >= cap)
		return false;
	memcpy(out, base, k);
	if (!slash)
		out[k++] = '/';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || (c != 0 && strchr("-._~/", c));
		if (k + 4 >= cap)
			return false;
		if (plain) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	out[k] = 0;
	return true;
}
