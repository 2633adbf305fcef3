/*
 * pdf_budget.cc - the inflation check of pdf_budget.h, with qpdf's C++
 * API: pipeStreamData runs each stream through qpdf's own decoders into a
 * Pipeline of ours, which counts (and, for content streams, reads the
 * operators as they stream past: which forms are drawn, how many bytes of
 * text) and throws past a limit, so nothing ever holds a stream whole.
 *
 * Object streams are counted first, before any object inside one is
 * looked at (qpdf inflates an object stream whole to read from it).
 * What it does not count: images (no one here decodes them), embedded
 * files (the scrub drops them), cross-reference streams (qpdf has read
 * them to open the file; the address-space limit of samizdat-doc is what
 * bounds that).
 */
#include "docs/pdf_budget.h"

#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

/* A limit was passed; what() is the sentence for the user. */
struct Over : std::runtime_error {
	using std::runtime_error::runtime_error;
};

std::string mib(uint64_t n)
{
	return std::to_string(n >> 20) + " MiB";
}

/* What a content stream draws: its bytes, the bytes of its text strings,
 * and how many times it draws each named XObject. */
struct Drawing {
	uint64_t bytes = 0, text = 0;
	std::map<std::string, uint64_t> draws;
};

/*
 * Counts what passes, and for content streams reads the tokens on the
 * way: "/Name Do" (draws), string bytes (text), comments, and inline
 * image data (skipped to its EI).  A token split between two writes is
 * carried over; a name longer than a PDF allows draws nothing.
 */
class Count : public Pipeline {
public:
	Count(bool content, Drawing *d) :
		Pipeline("sz-count", nullptr), content_(content), d_(d) {}

	void write(unsigned char const *p, size_t n) override
	{
		stream_ += n;
		d_->bytes += n;
		if (stream_ > SZ_DOC_MAX_PDF_STREAM)
			stop("one of its streams inflates to more than " +
				mib(SZ_DOC_MAX_PDF_STREAM));
		if (content_)
			for (size_t i = 0; i < n; i++)
				lex(p[i]);
	}
	/* qpdf catches what a pipeline throws (and calls it a damaged
	 * stream), so the reason is kept here and thrown again after. */
	void raise_if_stopped() const
	{
		if (!why_.empty())
			throw Over(why_);
	}
	void finish() override
	{
		if (content_)
			lex(' ');
	}
	/* Between the streams of one page: a separator, as for poppler. */
	void next_stream()
	{
		stream_ = 0;
		if (content_)
			lex('\n');
	}

private:
	enum State { NORMAL, COMMENT, STRING, HEX, NAME, TOKEN, INLINE };
	bool content_;
	Drawing *d_;
	uint64_t stream_ = 0;
	State st_ = NORMAL;
	int depth_ = 0, hex_ = 0, inl_ = 0;
	bool escape_ = false, name_last_ = false, lt_ = false;
	std::string tok_, name_, why_;

	[[noreturn]] void stop(std::string const &why)
	{
		why_ = why;
		throw Over(why);
	}

	/* Character classes, by table: this runs once per byte. */
	enum { SPACE = 1, DELIM = 2 };
	struct Classes {
		unsigned char c[256] = {};
		Classes()
		{
			for (unsigned char s : { ' ', '\t', '\r', '\n', '\f', '\0' })
				c[s] = SPACE;
			for (unsigned char d : { '(', ')', '<', '>', '[', ']', '{', '}',
				 '/', '%' })
				c[d] = DELIM;
		}
	};
	static unsigned char cls(unsigned char c)
	{
		static const Classes table;
		return table.c[c];
	}
	static bool space(unsigned char c)
	{
		return cls(c) == SPACE;
	}
	static bool delim(unsigned char c)
	{
		return cls(c) == DELIM;
	}
	static int hexval(unsigned char c)
	{
		return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
			c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
	}

	void end_token()
	{
		bool draw = tok_.size() == 2 && tok_[0] == 'D' && tok_[1] == 'o';
		if (draw && name_last_) {
			if (d_->draws.size() >= SZ_DOC_MAX_PDF_NAMES &&
			    d_->draws.find(name_) == d_->draws.end())
				stop("one of its pages names more than " +
					std::to_string(SZ_DOC_MAX_PDF_NAMES) +
					" things to draw");
			d_->draws[name_]++;
		}
		if (tok_.size() == 2 && tok_[0] == 'I' && tok_[1] == 'D') {
			st_ = INLINE;
			inl_ = 0;
		}
		name_last_ = false;
		tok_.clear();
	}
	void end_name()
	{
		/* #xx escapes, as poppler reads them; too long: no name. */
		std::string out;
		bool ok = name_.size() <= 127;
		for (size_t i = 0; ok && i < name_.size(); i++) {
			if (name_[i] == '#' && i + 2 < name_.size() &&
			    hexval((unsigned char)name_[i + 1]) >= 0 &&
			    hexval((unsigned char)name_[i + 2]) >= 0) {
				out += (char)(hexval((unsigned char)name_[i + 1]) * 16 +
					hexval((unsigned char)name_[i + 2]));
				i += 2;
			} else {
				out += name_[i];
			}
		}
		name_ = ok ? "/" + out : "";
		name_last_ = ok;
	}

	void lex(unsigned char c)
	{
		switch (st_) {
		case COMMENT:
			if (c == '\r' || c == '\n')
				st_ = NORMAL;
			return;
		case STRING:
			d_->text++;
			if (escape_)
				escape_ = false;
			else if (c == '\\')
				escape_ = true;
			else if (c == '(')
				depth_++;
			else if (c == ')' && --depth_ == 0)
				st_ = NORMAL;
			return;
		case HEX:
			if (c == '>') {
				st_ = NORMAL;
			} else if (!space(c) && ++hex_ % 2 == 0) {
				d_->text++;
			}
			return;
		case INLINE:
			/* Inline image data runs to "EI" between white space. */
			if (inl_ == 0 && space(c))
				inl_ = 1;
			else if (inl_ == 1 && c == 'E')
				inl_ = 2;
			else if (inl_ == 2 && c == 'I')
				inl_ = 3;
			else if (inl_ == 3 && (space(c) || delim(c)))
				st_ = NORMAL, inl_ = 0;
			else
				inl_ = space(c) ? 1 : 0;
			return;
		case NAME:
			if (cls(c) == 0) {
				if (name_.size() < 256)
					name_ += (char)c;
				return;
			}
			end_name();
			st_ = NORMAL;
			break;
		case TOKEN:
			if (cls(c) == 0) {
				if (tok_.size() < 16)
					tok_ += (char)c;
				return;
			}
			end_token();
			st_ = NORMAL;
			break;
		case NORMAL:
			break;
		}
		/* NORMAL */
		if (lt_) {
			lt_ = false;
			if (c != '<') {
				st_ = HEX;
				hex_ = 0;
				lex(c);
				return;
			}
			name_last_ = false;   /* "<<": a dictionary */
			return;
		}
		if (space(c))
			return;
		if (c == '%') {
			st_ = COMMENT;
		} else if (c == '(') {
			st_ = STRING;
			depth_ = 1;
			escape_ = false;
			name_last_ = false;
		} else if (c == '<') {
			lt_ = true;
		} else if (c == '/') {
			st_ = NAME;
			name_.clear();
		} else if (delim(c)) {
			name_last_ = false;
		} else {
			st_ = TOKEN;
			tok_.assign(1, (char)c);
		}
	}
};

class Check {
public:
	explicit Check(QPDF &q) : q_(q) {}

	void run(unsigned max_objects)
	{
		auto xref = q_.getXRefTable();
		if (xref.size() > max_objects)
			throw Over("it has more than " + std::to_string(max_objects) +
				" objects");
		/* Object streams first: reading any object inside one inflates
		 * it whole. */
		for (auto const &e : xref)
			if (e.second.getType() == 1) {
				QPDFObjectHandle o = q_.getObject(e.first);
				if (o.isStreamOfType("/ObjStm"))
					count(o);
			}
		for (auto const &e : xref) {
			QPDFObjectHandle o = q_.getObject(e.first);
			if (o.isStream() && wanted(o) && !o.isStreamOfType("/ObjStm"))
				count(o);
		}
		QPDFPageDocumentHelper pages(q_);
		for (auto &page : pages.getAllPages()) {
			std::set<QPDFObjGen> stack;
			QPDFObjectHandle res = page.getAttribute("/Resources", false);
			Drawing p = drawing(page.getPageContents(), res, 0, stack);
			add(p.bytes);
		}
	}

private:
	QPDF &q_;
	uint64_t total_ = 0;
	std::map<std::vector<QPDFObjGen>, Drawing> scanned_;
	std::map<std::pair<QPDFObjGen, QPDFObjGen>, Drawing> forms_;

	void add(uint64_t n)
	{
		total_ += n;
		if (total_ > SZ_DOC_MAX_PDF_INFLATED)
			throw Over("it inflates to more than " +
				mib(SZ_DOC_MAX_PDF_INFLATED) + " in all (each stream "
				"once, and each page as it is drawn)");
	}

	/* Streams someone here decodes: not images or embedded files (and
	 * not the cross-reference stream qpdf read to open the file). */
	static bool wanted(QPDFObjectHandle o)
	{
		QPDFObjectHandle d = o.getDict();
		return !d.getKey("/Subtype").isNameAndEquals("/Image") &&
		       !d.getKey("/Type").isNameAndEquals("/EmbeddedFile") &&
		       !d.getKey("/Type").isNameAndEquals("/XRef");
	}

	void pipe(QPDFObjectHandle s, Count &c)
	{
		s.pipeStreamData(&c, 0, qpdf_dl_specialized, true, false);
	}

	void count(QPDFObjectHandle s)
	{
		Drawing d;
		Count c(false, &d);
		pipe(s, c);
		c.raise_if_stopped();
		add(d.bytes);
	}

	/* What these content streams draw, forms included, each as often as
	 * it is drawn: memoized per form and resources, so a form drawn a
	 * million times is read once. */
	Drawing drawing(std::vector<QPDFObjectHandle> const &streams,
		QPDFObjectHandle res, int depth, std::set<QPDFObjGen> &stack)
	{
		std::vector<QPDFObjGen> key;
		for (auto s : streams)
			key.push_back(s.getObjGen());
		auto hit = scanned_.find(key);
		if (hit == scanned_.end()) {
			Drawing d;
			Count c(true, &d);
			for (auto s : streams) {
				c.next_stream();
				if (s.isStream())
					pipe(s, c);
				c.raise_if_stopped();
			}
			c.finish();
			hit = scanned_.emplace(key, d).first;
		}
		Drawing own = hit->second;
		Drawing out;
		out.bytes = own.bytes;
		out.text = own.text;
		QPDFObjectHandle xobjects = res.isDictionary() ?
			res.getKey("/XObject") : QPDFObjectHandle::newNull();
		for (auto const &dr : own.draws) {
			if (!xobjects.isDictionary())
				break;
			QPDFObjectHandle f = xobjects.getKey(dr.first);
			if (!f.isStream() ||
			    !f.getDict().getKey("/Subtype").isNameAndEquals("/Form"))
				continue;
			Drawing fd = form(f, res, depth + 1, stack);
			grow(out, fd, dr.second);
		}
		if (out.bytes > SZ_DOC_MAX_PDF_PAGE)
			throw Over("one of its pages draws more than " +
				mib(SZ_DOC_MAX_PDF_PAGE) + " once inflated, its forms "
				"counted each time they are drawn");
		if (out.text > SZ_DOC_MAX_PDF_PAGE_TEXT)
			throw Over("one of its pages shows more than " +
				mib(SZ_DOC_MAX_PDF_PAGE_TEXT) + " of text");
		return out;
	}

	Drawing form(QPDFObjectHandle f, QPDFObjectHandle outer, int depth,
		std::set<QPDFObjGen> &stack)
	{
		QPDFObjGen og = f.getObjGen();
		if (depth > SZ_DOC_MAX_PDF_FORM_DEPTH)
			throw Over("its forms are nested more than " +
				std::to_string(SZ_DOC_MAX_PDF_FORM_DEPTH) + " deep");
		if (stack.count(og))
			throw Over("one of its forms draws itself");
		QPDFObjectHandle res = f.getDict().getKey("/Resources");
		if (!res.isDictionary())
			res = outer;   /* PDF 1.1: the page's resources */
		auto key = std::make_pair(og, res.getObjGen());
		auto hit = forms_.find(key);
		if (hit != forms_.end())
			return hit->second;
		stack.insert(og);
		Drawing d = drawing({ f }, res, depth, stack);
		stack.erase(og);
		d.draws.clear();
		forms_.emplace(key, d);
		return d;
	}

	/* out += times x d, without overflow: past the page limits it
	 * stops anyway. */
	static void grow(Drawing &out, Drawing const &d, uint64_t times)
	{
		const uint64_t cap = UINT64_MAX / 4;
		uint64_t b = d.bytes && times > cap / d.bytes ? cap :
			d.bytes * times;
		uint64_t t = d.text && times > cap / d.text ? cap : d.text * times;
		out.bytes = out.bytes > cap - b ? cap : out.bytes + b;
		out.text = out.text > cap - t ? cap : out.text + t;
	}
};

} // namespace

extern "C" int sz_pdf_budget_check(const char *path, unsigned max_objects,
	struct sz_err *err)
{
	try {
		QPDF q;
		q.setSuppressWarnings(true);
		q.processFile(path);
		Check(q).run(max_objects);
		return 0;
	} catch (Over const &e) {
		return sz_err_set(err, SZ_E_LIMIT, "the PDF is refused as a "
			"likely decompression bomb: %s", e.what());
	} catch (std::bad_alloc const &) {
		return sz_err_set(err, SZ_E_LIMIT, "the PDF is refused: checking "
			"it needs more memory than samizdat-doc may use");
	} catch (std::exception const &e) {
		return sz_err_set(err, SZ_E_INVAL, "not a readable PDF: %.200s",
			e.what());
	}
}
