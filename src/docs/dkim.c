/*
 * dkim.c - DKIM verification with libopendkim and a key table read from
 * a file (see dkim.h).  Keys are handed to the library through its key
 * lookup callback, so no DNS query is ever made.
 */
#include <ctype.h>
#include <stdbool.h>
#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "docs/dkim.h"

struct record {
	char *name;    /* lowercased, without a final dot */
	char *value;
};

struct sz_dkim_keys {
	struct record *r;
	size_t n;
};

void sz_dkim_keys_free(struct sz_dkim_keys *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->r[i].name);
		free(k->r[i].value);
	}
	free(k->r);
	free(k);
}

/* One record's text (name and the rest, parentheses joined): name, then
 * optional TTL, class and type, then quoted strings or bare text. */
static int add_record(struct sz_dkim_keys *k, char *s)
{
	char *save, *tok = strtok_r(s, " \t", &save);
	if (tok == NULL)
		return 0;
	char *name = tok, value[8192];
	size_t vl = 0;
	char *rest = save;
	for (;;) {
		while (rest && (*rest == ' ' || *rest == '\t'))
			rest++;
		if (rest == NULL || *rest == 0)
			break;
		size_t wl = strcspn(rest, " \t");
		bool skip = (wl == 2 && strncasecmp(rest, "IN", 2) == 0) ||
			    (wl == 3 && strncasecmp(rest, "TXT", 3) == 0) ||
			    strspn(rest, "0123456789") == wl;
		if (!skip)
			break;
		rest += wl;
	}
	if (rest == NULL || *rest == 0)
		return -1;
	/* Quoted strings are concatenated; bare text is taken as it is. */
	if (strchr(rest, '"') != NULL) {
		bool in = false;
		for (char *p = rest; *p; p++) {
			if (*p == '"') {
				in = !in;
				continue;
			}
			if (in && vl + 1 < sizeof(value))
				value[vl++] = *p;
		}
	} else {
		vl = strlen(rest);
		if (vl >= sizeof(value))
			return -1;
		memcpy(value, rest, vl);
	}
	while (vl > 0 && isspace((unsigned char)value[vl - 1]))
		vl--;
	value[vl] = 0;
	size_t nl = strlen(name);
	if (nl > 0 && name[nl - 1] == '.')
		name[--nl] = 0;
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (k->n >= SZ_DKIM_KEYS_MAX || nl == 0 || vl == 0)
		return -1;
	struct record *r = realloc(k->r, (k->n + 1) * sizeof(*r));
	if (r == NULL)
		return -1;
	k->r = r;
	k->r[k->n].name = strdup(name);
	k->r[k->n].value = strdup(value);
	if (k->r[k->n].name == NULL || k->r[k->n].value == NULL)
		return -1;
	k->n++;
	return 0;
}

int sz_dkim_keys_load(const char *path, struct sz_dkim_keys **keys,
	struct sz_err *err)
{
	*keys = NULL;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot read the DKIM keys %s",
			path);
	char *text = calloc(1, SZ_DKIM_KEYS_MAX_BYTES + 1);
	struct sz_dkim_keys *k = calloc(1, sizeof(*k));
	size_t n = text ? fread(text, 1, SZ_DKIM_KEYS_MAX_BYTES + 1, f) : 0;
	fclose(f);
	int rc = 0;
	if (text == NULL || k == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	if (n > SZ_DKIM_KEYS_MAX_BYTES) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the DKIM key file is larger "
			"than 1 MiB");
		goto out;
	}
	/* Records: lines, with ( ... ) spanning lines; ; starts a comment
	 * outside quotes. */
	char rec[16384];
	size_t rl = 0, line = 1, start = 1;
	int depth = 0;
	bool quote = false, comment = false;
	for (size_t i = 0; i <= n && rc == 0; i++) {
		char c = i < n ? text[i] : '\n';
		if (c == '\n') {
			comment = false;
			if (depth == 0) {
				rec[rl] = 0;
				if (rl > 0 && rec[strspn(rec, " \t\r")] != 0 &&
				    add_record(k, rec) != 0)
					rc = sz_err_set(err, SZ_E_INVAL, "the DKIM key file "
						"has a record it cannot read at line %zu "
						"(expected NAME [IN] TXT \"v=DKIM1; ... p=...\")",
						start);
				rl = 0;
				start = line + 1;
			} else if (rl + 1 < sizeof(rec)) {
				rec[rl++] = ' ';
			}
			line++;
			continue;
		}
		if (comment)
			continue;
		if (c == '"')
			quote = !quote;
		else if (!quote && c == ';' && (depth == 0 || rl == 0)) {
			comment = true;
			continue;
		} else if (!quote && c == '(') {
			depth++;
			continue;
		} else if (!quote && c == ')') {
			depth = depth > 0 ? depth - 1 : 0;
			continue;
		}
		if (c == '\r' || c == '\t')
			c = ' ';
		if (rl + 1 < sizeof(rec))
			rec[rl++] = c;
	}
	if (rc == 0 && k->n == 0)
		rc = sz_err_set(err, SZ_E_INVAL, "the DKIM key file holds no "
			"record");
out:
	free(text);
	if (rc != 0)
		sz_dkim_keys_free(k);
	else
		*keys = k;
	return rc;
}

/* libopendkim asks for selector._domainkey.domain: a full name matches,
 * and so does the relative "selector._domainkey" opendkim-genkey writes. */
static DKIM_CBSTAT lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf,
	size_t buflen)
{
	const struct sz_dkim_keys *k = dkim_get_user_context(dkim);
	const char *sel = (const char *)dkim_sig_getselector(sig);
	const char *dom = (const char *)dkim_sig_getdomain(sig);
	char full[600], rel[300];
	if (k == NULL || sel == NULL || dom == NULL)
		return DKIM_CBSTAT_NOTFOUND;
	snprintf(full, sizeof(full), "%s._domainkey.%s", sel, dom);
	snprintf(rel, sizeof(rel), "%s._domainkey", sel);
	for (size_t i = 0; i < k->n; i++)
		if (strcasecmp(k->r[i].name, full) == 0 ||
		    strcasecmp(k->r[i].name, rel) == 0) {
			size_t n = strlen(k->r[i].value);
			if (n >= buflen)
				return DKIM_CBSTAT_ERROR;
			memcpy(buf, k->r[i].value, n + 1);
			return DKIM_CBSTAT_CONTINUE;
		}
	return DKIM_CBSTAT_NOTFOUND;
}

int sz_dkim_verify(const struct sz_dkim_keys *keys, int fd, uint64_t off,
	uint64_t len, enum sz_dkim_result *result, char *detail, size_t cap,
	struct sz_err *err)
{
	*result = SZ_DKIM_RESULT_NONE;
	detail[0] = 0;
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	if (lib == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "cannot start libopendkim");
	dkim_set_key_lookup(lib, lookup);
	DKIM_STAT st;
	DKIM *d = dkim_verify(lib, (const u_char *)"samizdat", NULL, &st);
	if (d == NULL) {
		dkim_close(lib);
		return sz_err_set(err, SZ_E_NOMEM, "cannot start a DKIM check");
	}
	dkim_set_user_context(d, (void *)keys);
	/* Mailboxes mix bare LF (mbox, Maildir) with the CRLF of signed
	 * headers; libopendkim wants one or the other, so every line end is
	 * fed as CRLF, which is what was signed on the wire. */
	u_char buf[32768], crlf[65536];
	bool cr = false;
	st = DKIM_STAT_OK;
	while (len > 0 && st == DKIM_STAT_OK) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n <= 0)
			break;
		size_t k = 0;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' && !cr)
				crlf[k++] = '\r';
			crlf[k++] = buf[i];
			cr = buf[i] == '\r';
		}
		st = dkim_chunk(d, crlf, k);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	if (st == DKIM_STAT_OK)
		st = dkim_chunk(d, NULL, 0);
	if (st == DKIM_STAT_OK || st == DKIM_STAT_NOSIG)
		st = dkim_eom(d, NULL);
	DKIM_SIGINFO *sig = dkim_getsignature(d);
	const char *dom = sig ? (const char *)dkim_sig_getdomain(sig) : NULL;
	const char *sel = sig ? (const char *)dkim_sig_getselector(sig) : NULL;
	switch (st) {
	case DKIM_STAT_OK:
		*result = SZ_DKIM_RESULT_PASS;
		snprintf(detail, cap, "d=%s s=%s", dom ? dom : "?", sel ? sel : "?");
		break;
	case DKIM_STAT_NOSIG:
		*result = SZ_DKIM_RESULT_NONE;
		break;
	case DKIM_STAT_NOKEY:
	case DKIM_STAT_CANTVRFY:
	case DKIM_STAT_KEYFAIL: {
		/* No key: cannot be checked.  A key that does not fit the
		 * signature (wrong hash, wrong type): the check failed. */
		int se = sig ? dkim_sig_geterror(sig) : DKIM_SIGERROR_NOKEY;
		bool nokey = se == DKIM_SIGERROR_NOKEY || se == DKIM_SIGERROR_KEYFAIL ||
			     st == DKIM_STAT_NOKEY;
		*result = nokey ? SZ_DKIM_RESULT_UNKNOWN : SZ_DKIM_RESULT_FAIL;
		const char *why = dkim_sig_geterrorstr(se);
		snprintf(detail, cap, "d=%s s=%s: %s", dom ? dom : "?",
			sel ? sel : "?", nokey ? "no key for it was supplied" :
			why ? why : dkim_getresultstr(st));
		break;
	}
	case DKIM_STAT_SYNTAX:
		*result = SZ_DKIM_RESULT_UNKNOWN;
		snprintf(detail, cap, "the message cannot be read for DKIM");
		break;
	default:
		*result = sig ? SZ_DKIM_RESULT_FAIL : SZ_DKIM_RESULT_NONE;
		if (sig)
			snprintf(detail, cap, "d=%s s=%s: %s", dom ? dom : "?",
				sel ? sel : "?",
				dkim_sig_geterrorstr(dkim_sig_geterror(sig)) ?
				dkim_sig_geterrorstr(dkim_sig_geterror(sig)) :
				dkim_getresultstr(st));
		break;
	}
	dkim_free(d);
	dkim_close(lib);
	return 0;
}
