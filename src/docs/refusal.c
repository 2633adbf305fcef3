/*
 * refusal.c - what to tell an editor whose file samizdat does not scrub:
 * what the file is and what to do with it (convert an Office 97-2003 or
 * RTF file with LibreOffice and scrub the copy, export an Outlook .msg as
 * e-mail, unlock a protected file, export an Apple iWork file, unpack an
 * archive), else the list of what is scrubbed.
 *
 * It does not convert anything itself: a conversion is a new document the
 * editor should look at before it is published, and the converters are
 * large programs that do not belong in samizdat-doc's sandbox.
 */
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "docs/internal.h"

/* Bytes read to tell one XML vocabulary from another. */
#define SNIFF_BYTES 4096u

static const struct {
	const char *mime, *advice;
} advice[] = {
	{ "application/msword", "a Word 97-2003 document (.doc) is not "
	  "scrubbed (its authors, revision marks and fast-saved earlier text "
	  "live in binary records): convert it with `libreoffice --headless "
	  "--convert-to docx FILE` (or odt), check that the copy reads the "
	  "same, and scrub that" },
	{ "application/vnd.ms-excel", "an Excel 97-2003 workbook (.xls) is "
	  "not scrubbed: convert it with `libreoffice --headless --convert-to "
	  "xlsx FILE` (or ods), check that the copy reads the same, and scrub "
	  "that" },
	{ "application/vnd.ms-powerpoint", "a PowerPoint 97-2003 "
	  "presentation (.ppt) is not scrubbed: convert it with `libreoffice "
	  "--headless --convert-to pptx FILE` (or odp), check that the copy "
	  "reads the same, and scrub that" },
	{ "application/vnd.ms-outlook", "an Outlook message (.msg) is not "
	  "read: turn it into e-mail with `msgconvert FILE` (Debian's "
	  "libemail-outlook-message-perl) and scrub or import the .eml" },
	{ "application/x-ole-storage", "an OLE compound file (Office "
	  "97-2003, Outlook or Works) is not scrubbed: open it in the program "
	  "that made it or in LibreOffice, save it as DOCX, XLSX, PPTX or "
	  "OpenDocument, and scrub that" },
	{ "application/encrypted", "a password-protected Office file is not "
	  "scrubbed: open it with its password, save a copy without one, and "
	  "scrub that" },
	{ "text/rtf", "a rich-text file (.rtf) is not scrubbed (it keeps "
	  "its author, company and dates in \\info, and its comments and "
	  "deleted text as revisions): convert it with `libreoffice "
	  "--headless --convert-to odt FILE` (or docx), check that the copy "
	  "reads the same, and scrub that" },
	{ "application/x-empty", "the file is empty" },
};

/* Archives: what they hold is other files, with names, dates and owners
 * of their own. */
static const char *const archives[] = { "application/zip",
	"application/gzip", "application/x-gzip", "application/x-xz",
	"application/x-bzip2", "application/x-7z-compressed",
	"application/x-rar", "application/vnd.rar", "application/x-tar",
	"application/zstd", "application/x-lzip", "application/x-lzma" };

static const char archive_advice[] = "an archive is not scrubbed as a "
	"whole (it keeps its files' names, dates and owners, and files samizdat "
	"may not scrub): unpack it, and scrub and publish the files in it";

static const char iwork_advice[] = "an Apple Pages, Numbers or Keynote "
	"file is not scrubbed: export it from the app (File > Export To) as "
	"Word, Excel, PowerPoint or PDF, and scrub that";

/* Whether the zip at fd is an Apple iWork document: 2013 and later
 * keep Index/Document.iwa, iWork '09 index.apxl or index.xml. */
static bool is_iwork(int fd)
{
	static const char *const marks[] = { "Index/Document.iwa",
		"index.apxl", "index.xml", "index.xml.gz" };
	off_t at = lseek(fd, 0, SEEK_CUR);
	int dfd = dup(fd);
	int zerr = 0;
	zip_t *z = dfd >= 0 && lseek(dfd, 0, SEEK_SET) == 0 ?
		zip_fdopen(dfd, ZIP_RDONLY, &zerr) : NULL;
	bool yes = false;
	if (z == NULL && dfd >= 0)
		close(dfd);
	for (size_t i = 0; z != NULL && i < sizeof(marks) / sizeof(marks[0]); i++)
		yes = yes || zip_name_locate(z, marks[i], 0) >= 0;
	if (z != NULL)
		zip_discard(z);
	lseek(fd, at, SEEK_SET);
	return yes;
}

static const struct {
	const char *mark, *advice;
} xml_advice[] = {
	{ "<office:document", "a flat OpenDocument file (.fodt, .fods, "
	  ".fodp, .fodg) is not scrubbed: convert it with `libreoffice "
	  "--headless --convert-to odt FILE` (ods, odp or odg), and scrub "
	  "that" },
	{ "progid=\"Word.Document\"", "a Word 2003 XML document is not "
	  "scrubbed: convert it with `libreoffice --headless --convert-to "
	  "docx FILE`, and scrub that" },
	{ "progid=\"Excel.Sheet\"", "an Excel 2003 XML workbook is not "
	  "scrubbed: convert it with `libreoffice --headless --convert-to "
	  "xlsx FILE`, and scrub that" },
	{ "progid=\"PowerPoint.Show\"", "a PowerPoint 2003 XML presentation "
	  "is not scrubbed: convert it with `libreoffice --headless "
	  "--convert-to pptx FILE`, and scrub that" },
};

static const char xml_generic[] = "XML is not scrubbed: samizdat cannot "
	"tell its metadata from its content; export the document from the "
	"program that made it in a format samizdat scrubs";

static const uint8_t ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1,
	0x1A, 0xE1 };

const char *sz_doc_refusal(int fd, const char *mime)
{
	const char *m = mime ? mime : "";
	uint8_t head[8];
	/* libmagic's compound-document tests are off while detecting (they
	 * are slow, and nothing scrubs those files): run them now. */
	if (fd >= 0 && pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    memcmp(head, ole_magic, sizeof(head)) == 0) {
		magic_t cdf = doc_magic_cdf(NULL);
		const char *got = NULL;
		off_t at = lseek(fd, 0, SEEK_CUR);
		if (cdf != NULL && lseek(fd, 0, SEEK_SET) == 0)
			got = magic_descriptor(cdf, fd);
		lseek(fd, at, SEEK_SET);
		m = "application/x-ole-storage";
		for (size_t i = 0; got != NULL && i < sizeof(advice) / sizeof(advice[0]); i++)
			if (strcmp(got, advice[i].mime) == 0)
				m = advice[i].mime;
	}
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		if (strcmp(m, advice[i].mime) == 0)
			return advice[i].advice;
	for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (strcmp(m, archives[i]) == 0)
			return strcmp(m, "application/zip") == 0 && fd >= 0 &&
				is_iwork(fd) ? iwork_advice : archive_advice;
	if (strcmp(m, "text/xml") == 0 || strcmp(m, "application/xml") == 0) {
		char buf[SNIFF_BYTES + 1];
		ssize_t n = fd >= 0 ? pread(fd, buf, SNIFF_BYTES, 0) : -1;
		if (n > 0) {
			buf[n] = 0;
			for (size_t i = 0; i < sizeof(xml_advice) / sizeof(xml_advice[0]); i++)
				if (strstr(buf, xml_advice[i].mark) != NULL)
					return xml_advice[i].advice;
		}
		return xml_generic;
	}
	return NULL;
}
