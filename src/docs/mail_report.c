/*
 * mail_report.c - report parts filtered to what the report says (see
 * mail_report.h): a returned header through mail_raw.c's filter, status
 * fields through an allow-list, line by line, blank lines (which separate
 * the per-message and per-recipient groups) kept.
 *
 * It does not rewrite a report's human-readable text part: that is what
 * the mail system wrote to a person, shown as it is.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/mail_raw.h"
#include "docs/mail_report.h"

static const char *const status_kept[] = { "final-recipient",
	"original-recipient", "action", "status", "diagnostic-code",
	"disposition", "feedback-type", "original-message-id" };

enum sz_mail_report sz_mail_report_kind(const char *type, const char *subtype)
{
	if (type == NULL || subtype == NULL)
		return SZ_MAIL_REPORT_NONE;
	if ((strcasecmp(type, "text") == 0 &&
	     strcasecmp(subtype, "rfc822-headers") == 0) ||
	    (strcasecmp(type, "message") == 0 &&
	     strcasecmp(subtype, "global-headers") == 0))
		return SZ_MAIL_REPORT_HEADERS;
	static const char *const status[] = { "delivery-status",
		"global-delivery-status", "disposition-notification",
		"global-disposition-notification", "feedback-report" };
	for (size_t i = 0; strcasecmp(type, "message") == 0 &&
	     i < sizeof(status) / sizeof(status[0]); i++)
		if (strcasecmp(subtype, status[i]) == 0)
			return SZ_MAIL_REPORT_STATUS;
	return SZ_MAIL_REPORT_NONE;
}

/* A field's name: printable ASCII up to a colon (RFC 5322 ftext). */
static size_t field_name(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
		i++;
	return i > 0 && i < n && p[i] == ':' ? i : 0;
}

static bool kept(const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < sizeof(status_kept) / sizeof(status_kept[0]); i++)
		if (strlen(status_kept[i]) == len &&
		    strncasecmp(status_kept[i], (const char *)name, len) == 0)
			return true;
	return false;
}

static int status(const uint8_t *p, size_t n, int out, unsigned *removed,
	struct sz_doc_report *report, struct sz_err *err)
{
	bool keep = false, group = false;   /* group: a field of it kept */
	size_t at = 0;
	while (at < n) {
		const uint8_t *nl = memchr(p + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - p) + 1 : n, len = end - at;
		const uint8_t *l = p + at;
		size_t text = len;
		while (text > 0 && (l[text - 1] == '\n' || l[text - 1] == '\r'))
			text--;
		bool write;
		if (text == 0) {
			write = group;   /* a group ends; an emptied one is gone */
			keep = group = false;
		} else if (l[0] == ' ' || l[0] == '\t') {
			write = keep;   /* the field goes on */
		} else {
			size_t name = field_name(l, text);
			keep = name > 0 && kept(l, name);
			write = keep;
			group = group || keep;
			if (!keep) {
				(*removed)++;
				char nm[80];
				size_t k = name < sizeof(nm) - 1 ? name : sizeof(nm) - 1;
				memcpy(nm, l, k);
				nm[k] = 0;
				if (report != NULL)
					sz_doc_report_add(report, "Removed header",
						k ? nm : "(not a field)", (const char *)l +
						(name ? name + 1 : 0), text - (name ? name + 1 : 0));
			}
		}
		if (write && out >= 0 && sz_write_all(out, l, len) != 0)
			return sz_err_set(err, SZ_E_IO, "cannot write a report part");
		at = end;
	}
	return 0;
}

int sz_mail_report_filter(enum sz_mail_report kind, const uint8_t *p,
	size_t n, int out, unsigned *removed, struct sz_doc_report *report,
	struct sz_err *err)
{
	if (kind == SZ_MAIL_REPORT_STATUS)
		return status(p, n, out, removed, report, err);
	if (kind != SZ_MAIL_REPORT_HEADERS)
		return 0;
	/* mail_raw.c reads a file: the header goes through a memory file. */
	int fd = memfd_create("samizdat-report", MFD_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot hold a report part");
	int rc = 0;
	if (n > 0 && sz_write_all(fd, p, n) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot hold a report part");
	struct sz_raw_summary sum;
	memset(&sum, 0, sizeof(sum));
	if (rc == 0)
		rc = sz_mail_raw_filter(fd, 0, n, out, false, report, &sum, err);
	*removed += sum.removed;
	close(fd);
	return rc;
}
