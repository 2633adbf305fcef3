/*
 * web.c - what every face shares: the stylesheet, error pages, and the
 * CSRF token for visitors without a session (a random nonce and its keyed
 * MAC, set as a cookie and carried in the form: a double-submit token that
 * costs the server no memory per visitor).
 */
#include "web/web.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "web/html.h"

bool sz_web_session(struct sz_request *rq, struct sz_sessions *t,
	const char *name, struct sz_session *s)
{
	char cookie[SZ_SESSION_TOKEN_LEN + 2];
	return sz_request_cookie(rq, name, cookie, sizeof(cookie)) &&
		sz_session_get(t, cookie, s);
}

void sz_web_set_session_cookie(struct sz_request *rq, const char *name,
	const struct sz_session *s)
{
	char v[SZ_SESSION_TOKEN_LEN + 1];
	sz_session_cookie(s, v);
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=%s; Path=/; HttpOnly; SameSite=Strict", name, v);
}

bool sz_web_slot_take(sem_t *slots)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SZ_WEB_SLOT_WAIT_S;
	int rc;
	while ((rc = sem_clockwait(slots, CLOCK_MONOTONIC, &until)) != 0 &&
	    errno == EINTR)
		;
	return rc == 0;
}

/* A token is nonce (12 bytes) | minute it was made (4, big-endian,
 * masked) | MAC of both (16): 32 bytes, 43 in base64url.  The minute is
 * masked with a keyed hash of the nonce: in the clear, the cookie in a
 * source's browser (which may keep it on disk, as session restore does)
 * and every form would carry the minute of the visit. */
#define PRE_MINUTE 12
#define PRE_MAC 16

static uint32_t minute_now(void)
{
	return (uint32_t)(time(NULL) / 60);
}

/* Masks or unmasks the minute of token (its nonce in place). */
static void pre_mask(const uint8_t key[32], uint8_t token[PRE_MAC])
{
	crypto_generichash_state st;
	uint8_t mask[16];
	crypto_generichash_init(&st, key, 32, sizeof(mask));
	crypto_generichash_update(&st, (const uint8_t *)"sz-pre-minute", 13);
	crypto_generichash_update(&st, token, PRE_MINUTE);
	crypto_generichash_final(&st, mask, sizeof(mask));
	for (size_t i = 0; i < PRE_MAC - PRE_MINUTE; i++)
		token[PRE_MINUTE + i] ^= mask[i];
	sodium_memzero(mask, sizeof(mask));
}

static void pre_mac(const uint8_t key[32], const uint8_t body[PRE_MAC],
	uint8_t mac[16])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, 32, 16);
	crypto_generichash_update(&st, (const uint8_t *)"sz-pre-csrf-2", 13);
	crypto_generichash_update(&st, body, PRE_MAC);
	crypto_generichash_final(&st, mac, 16);
}

void sz_web_pre_token(struct sz_request *rq, const uint8_t key[32],
	const char *cookie, char out[SZ_SESSION_TOKEN_LEN + 1])
{
	uint8_t raw[32];
	uint32_t m = minute_now();
	randombytes_buf(raw, PRE_MINUTE);
	raw[PRE_MINUTE] = (uint8_t)(m >> 24);
	raw[PRE_MINUTE + 1] = (uint8_t)(m >> 16);
	raw[PRE_MINUTE + 2] = (uint8_t)(m >> 8);
	raw[PRE_MINUTE + 3] = (uint8_t)m;
	pre_mask(key, raw);
	pre_mac(key, raw, raw + PRE_MAC);
	sodium_bin2base64(out, SZ_SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=%s; Path=/; HttpOnly; SameSite=Strict", cookie, out);
}

bool sz_web_pre_token_check(struct sz_request *rq, const uint8_t key[32],
	const char *cookie_name, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE])
{
	char cookie[SZ_SESSION_TOKEN_LEN + 2];
	uint8_t raw[32], mac[16];
	size_t len = 0;
	if (token == NULL || strlen(token) != SZ_SESSION_TOKEN_LEN ||
	    !sz_request_cookie(rq, cookie_name, cookie, sizeof(cookie)) ||
	    sodium_memcmp(cookie, token, SZ_SESSION_TOKEN_LEN) != 0 ||
	    sodium_base642bin(raw, sizeof(raw), token, SZ_SESSION_TOKEN_LEN,
		    NULL, &len, NULL,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof(raw))
		return false;
	pre_mac(key, raw, mac);
	if (sodium_memcmp(mac, raw + PRE_MAC, sizeof(mac)) != 0)
		return false;
	pre_mask(key, raw);
	uint32_t made = (uint32_t)raw[PRE_MINUTE] << 24 |
		(uint32_t)raw[PRE_MINUTE + 1] << 16 |
		(uint32_t)raw[PRE_MINUTE + 2] << 8 | raw[PRE_MINUTE + 3];
	uint32_t now = minute_now();
	if (made > now || now - made > SZ_WEB_PRE_TOKEN_MIN)
		return false;
	if (nonce != NULL)
		memcpy(nonce, raw, SZ_WEB_PRE_NONCE);
	return true;
}

bool sz_web_pre_token_ok(struct sz_request *rq, const uint8_t key[32],
	const char *cookie_name, const char *token)
{
	return sz_web_pre_token_check(rq, key, cookie_name, token, NULL);
}

/* The title an error page has for a status. */
static const char *error_title(unsigned status)
{
	return status == 404 ? N_("Page not found") :
		status == 403 ? N_("Not allowed") :
		status == 413 ? N_("Too large") :
		status == 429 ? N_("Please wait") :
		status >= 500 ? N_("Server problem") : N_("Something is wrong");
}

static void error_body(struct sz_buf *b, const struct sz_lang *L,
	const char *title, const char *message, const char *back,
	const char *back_label)
{
	sz_buf_puts(b, "<h1>");
	sz_html_escape(b, title);
	sz_buf_puts(b, "</h1>\n<p class=\"error\" id=\"error\">");
	/* messages handed to sz_request_fail are msgids (marked N_) */
	sz_html_escape(b, sz_tr(L, message));
	sz_buf_puts(b, "</p>\n<p><a id=\"back\" href=\"");
	sz_html_escape(b, back);
	sz_buf_puts(b, "\">");
	sz_html_escape(b, back_label);
	sz_buf_puts(b, "</a></p>\n");
}

void sz_web_error_page(struct sz_request *rq, const char *site,
	unsigned status, const char *message)
{
	const char *title = error_title(status);
	sz_html_begin(&rq->page, site, title);
	error_body(&rq->page, NULL, title, message, "/",
		"Back to the start page");
	sz_html_end(&rq->page);
}

void sz_web_error_frame(struct sz_request *rq, const struct sz_lang *L,
	unsigned status, const char *message, const char *back,
	const char *back_label, sz_web_page_open_fn open)
{
	const char *title = sz_tr(L, error_title(status));
	open(rq, L, title, back);
	error_body(&rq->page, L, title, message, back, back_label);
	sz_html_end(&rq->page);
}

int sz_web_stylesheet(struct sz_buf *out)
{
	static const char css[] =
		":root{--fg:#1d1d1f;--bg:#fbfbf8;--muted:#5b5b60;--accent:#7a1f1f;"
		"--line:#d8d6cf}\n"
		"*{box-sizing:border-box}\n"
		"body{margin:0;font:17px/1.55 Georgia,'DejaVu Serif',serif;"
		"color:var(--fg);background:var(--bg)}\n"
		"header{border-bottom:1px solid var(--line);padding:.8rem 1rem;"
		"display:flex;flex-wrap:wrap;align-items:center;"
		"justify-content:space-between;gap:.5rem 1rem}\n"
		"header .site{font:bold 1.1rem/1 system-ui,sans-serif;"
		"color:var(--accent);text-decoration:none;letter-spacing:.05em;"
		"display:flex;align-items:center;gap:.5rem;min-width:0;"
		"overflow-wrap:anywhere}\n"
		"header .logo{height:2rem;width:auto;max-width:8rem}\n"
		/* the language switcher: plain links, no script */
		"nav.langs{display:flex;flex-wrap:wrap;gap:.2rem .8rem;"
		"font:.9rem system-ui,sans-serif}\n"
		"nav.langs a{text-decoration:none}\n"
		"nav.langs a[aria-current]{color:var(--fg);font-weight:700}\n"
		/* what the archive holds (bodies, addresses, titles, dates as
		 * written) keeps its own direction on a right-to-left page */
		"pre.text,.sent,code,dl.headers dd a,ul.docs li>a,ol.docs li>a"
		"{unicode-bidi:plaintext}\n"
		/* and what members wrote: names, thread titles, posts */
		"a.name,ul.threads li>a,ul.posts li>a,.post .text>*,h1 bdi"
		"{unicode-bidi:plaintext}\n"
		/* a post's time reads "2024-05-01 14:03 UTC" in any script */
		".post time{direction:ltr;unicode-bidi:isolate}\n"
		/* Arabic and others right to left: logical properties above, and
		 * letters that are not spaced apart */
		"[dir=rtl] header .site{letter-spacing:0}\n"
		"main{max-width:42rem;margin:0 auto;padding:1rem 1rem 4rem}\n"
		"h1{font-size:1.7rem;line-height:1.2;margin:1.2rem 0 .6rem}\n"
		"h2{font-size:1.2rem;margin:2rem 0 .4rem}\n"
		"a{color:var(--accent)}\n"
		".ways{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0}\n"
		".way{flex:1 1 16rem;border:1px solid var(--line);padding:1rem;"
		"background:#fff}\n"
		".way h2{margin-top:0}\n"
		"label{display:block;font:600 .95rem system-ui,sans-serif;"
		"margin:.8rem 0 .3rem}\n"
		"input[type=text],input[type=password],textarea{width:100%;"
		"font:1rem/1.4 system-ui,sans-serif;padding:.5rem;"
		"border:1px solid #aaa;background:#fff}\n"
		"textarea{min-height:10rem}\n"
		"input[type=file]{display:block;margin:.3rem 0}\n"
		"button,.button{display:inline-block;margin-top:.8rem;"
		"font:600 1rem system-ui,sans-serif;padding:.6rem 1.2rem;"
		"border:0;background:var(--accent);color:#fff;cursor:pointer;"
		"text-decoration:none}\n"
		"button.quiet{background:#555}\n"
		".codename{font:600 1.35rem/1.6 'DejaVu Sans Mono',monospace;"
		"background:#fff;border:2px dashed var(--accent);padding:1rem;"
		"word-spacing:.3em}\n"
		".note{color:var(--muted);font-size:.95rem}\n"
		".error{color:#8b0000;font-weight:600}\n"
		".ok{border-inline-start:4px solid #2e6b2e;padding:.4rem .8rem;"
		"background:#eef6ee}\n"
		"ul.tips li{margin:.3rem 0}\n"
		/* the public face */
		".meta{color:var(--muted);font-size:.92rem}\n"
		"ul.docs,ul.releases,ol.results{padding-inline-start:1.2rem}\n"
		"ul.docs li,ul.releases li,ol.results li{margin:.45rem 0}\n"
		".snippet{margin:.2rem 0 .8rem;color:var(--fg)}\n"
		"mark{background:#f3e27a;padding:0 .1em}\n"
		"pre.text{white-space:pre-wrap;word-wrap:break-word;"
		"font:.95rem/1.5 'DejaVu Sans Mono',monospace;background:#fff;"
		"border:1px solid var(--line);padding:.8rem}\n"
		"dl.facts,dl.headers{display:grid;grid-template-columns:max-content 1fr;"
		"gap:.2rem 1rem}\n"
		"dl.facts dt,dl.headers dt{font-weight:600}\n"
		"dl.facts dd,dl.headers dd{margin:0;overflow-wrap:anywhere}\n"
		".facets{font-size:.92rem;border-inline-start:3px solid var(--line);"
		"padding-inline-start:.8rem;margin:1rem 0}\n"
		".facets ul{padding-inline-start:1rem;margin:.2rem 0}\n"
		".notice{border-inline-start:4px solid var(--accent);padding:.4rem .8rem;"
		"background:#fff}\n"
		"form.search{margin:.5rem 0 1rem}\n"
		"nav.browse{margin:.5rem 0 1rem;font:1rem system-ui,sans-serif}\n"
		"article.mail{border-top:1px solid var(--line);margin-top:1rem}\n"
		".bad{color:#8b0000;font-weight:600}\n"
		"table{border-collapse:collapse;width:100%;margin:1rem 0;"
		"font:.95rem system-ui,sans-serif}\n"
		"th,td{text-align:start;padding:.4rem .5rem;border-bottom:1px "
		"solid var(--line)}\n"
		".unread{font-weight:700}\n"
		".reply{border-inline-start:4px solid var(--accent);background:#fff;"
		"padding:.2rem 1rem;margin:1rem 0}\n"
		".reply-text{white-space:pre-wrap}\n"
		"form.inline{display:inline}\n"
		"p form.inline button{margin:0;padding:.15rem .6rem;"
		"font-size:.85rem}\n"
		/* the editor's inbox: readable on a 390 px phone */
		".account form.inline button{margin:0;padding:.15rem .6rem;"
		"font-size:.85rem}\n"
		"td.day{white-space:nowrap}\n"
		".views{margin:1rem 0;font:.95rem system-ui,sans-serif}\n"
		".views a{white-space:nowrap}\n"
		".views a[aria-current]{color:var(--fg);font-weight:700;"
		"text-decoration:none}\n"
		".find .field{display:flex;gap:.5rem}\n"
		".find .field input{flex:1;min-width:0}\n"
		".find .field button{margin:0}\n"
		".pager{display:flex;justify-content:space-between;gap:1rem;"
		"margin:1rem 0;font:1rem system-ui,sans-serif}\n"
		".pager a[rel=next]{margin-inline-start:auto}\n"
		/* every input looks the same, typed or not */
		"input:not([type]),input[type=date],input[type=search],"
		"input[type=email],input[type=number]{width:100%;max-width:100%;"
		"font:1rem/1.4 system-ui,sans-serif;padding:.5rem;"
		"border:1px solid #aaa;background:#fff;color:var(--fg)}\n"
		"input[type=date]{width:auto}\n"
		"input:focus,textarea:focus{outline:2px solid var(--accent);"
		"outline-offset:1px}\n"
		/* the header: the name, then a face's links or the search box */
		"header{display:flex;flex-wrap:wrap;align-items:center;"
		"gap:.5rem 1.2rem}\n"
		"header form.search{display:flex;flex:1 1 16rem;max-width:30rem;"
		"margin:0}\n"
		"header form.search input{flex:1;min-width:0;width:auto;"
		"padding:.4rem .6rem;border-right:0}\n"
		"header form.search button{margin:0;padding:.4rem .9rem}\n"
		"header a.browse,header nav.browse{font:.95rem system-ui,"
		"sans-serif}\n"
		".account{font:.95rem system-ui,sans-serif;margin:0 0 .5rem}\n"
		"nav.face{display:flex;flex-wrap:wrap;gap:.3rem 1rem;"
		"align-items:center;font:.95rem system-ui,sans-serif}\n"
		"nav.face form{margin:0}\n"
		"nav.face button{margin:0;padding:.25rem .8rem;font-size:.9rem}\n"
		/* the preview, searches, documents */
		".preview-banner{background:#fff4d6;border:1px solid #e0c36a;"
		"padding:.4rem .8rem;font:.95rem system-ui,sans-serif}\n"
		".draft{color:#8b0000;text-transform:uppercase;"
		"letter-spacing:.05em}\n"
		"nav.sort{font:.95rem system-ui,sans-serif;margin:.5rem 0}\n"
		".facets{display:flex;flex-wrap:wrap;gap:0 2rem}\n"
		".facets h2{font-size:1rem;margin:.5rem 0 .2rem}\n"
		".suggestions li{margin:.3rem 0}\n"
		"details.help{margin:1.5rem 0;font-size:.95rem}\n"
		"nav.adjacent{display:flex;flex-wrap:wrap;justify-content:"
		"space-between;gap:.5rem 1rem;margin:2rem 0 1rem;padding-top:.8rem;"
		"border-top:1px solid var(--line);font:.95rem system-ui,sans-serif}"
		"\n"
		"nav.adjacent a[rel=next]{margin-left:auto;text-align:right}\n"
		"img.document{display:block;max-width:100%;height:auto;"
		"margin:1rem 0;border:1px solid var(--line);background:#fff}\n"
		"pre.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;"
		"max-width:72ch;font:.95rem/1.5 'DejaVu Sans Mono',monospace}\n"
		".doc-tools{margin:.3rem 0 1.5rem}\n"
		"ol.conversation{list-style:none;padding:0}\n"
		"ol.conversation li{margin:.5rem 0;padding:.4rem .8rem;"
		"background:#fff;border-left:4px solid var(--line)}\n"
		"ol.conversation li.from-editor{border-left-color:var(--accent);"
		"margin-left:1.5rem}\n"
		"ol.conversation li.unread{font-weight:700}\n"
		".doc-tools form{margin:.3rem 0}\n"
		"details.edit{margin:1rem 0}\n"
		"pre,code{overflow-wrap:anywhere}\n"
		"main{overflow-wrap:break-word}\n"
		"@media (max-width:30rem){table{font-size:.85rem}"
		"th,td{padding:.4rem .25rem}}\n"
		/* the forum: posts beside their authors, as forums show them;
		 * the author's block above the post on a phone */
		".forum-nav{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;"
		"font:.95rem system-ui,sans-serif;margin:.5rem 0 1rem}\n"
		".forum-nav .me{margin-left:auto}\n"
		"form.inline button{margin:0;padding:.15rem .6rem;font-size:.85rem}\n"
		"ul.boards,ul.threads,ul.posts{padding-left:1.2rem}\n"
		"ul.boards li,ul.threads li,ul.posts li{margin:.45rem 0}\n"
		".columns{display:flex;flex-wrap:wrap;gap:0 2rem}\n"
		".columns>section{flex:1 1 16rem;min-width:0}\n"
		".crumbs{font:.92rem system-ui,sans-serif;margin:.8rem 0 0;"
		"color:var(--muted)}\n"
		"article.post{display:flex;gap:1rem;border-top:1px solid var(--line);"
		"padding:1rem 0}\n"
		"article.post .author{flex:0 0 10rem;font:.85rem/1.4 system-ui,"
		"sans-serif}\n"
		".author .name{font-weight:700;overflow-wrap:anywhere}\n"
		".author .title{display:block;color:var(--muted)}\n"
		".author dl{display:grid;grid-template-columns:max-content 1fr;"
		"gap:0 .4rem;margin:.4rem 0 0}\n"
		".author dt{color:var(--muted)}.author dd{margin:0;"
		"white-space:nowrap}\n"
		".badge{display:inline-block;font:700 .7rem system-ui,sans-serif;"
		"background:var(--accent);color:#fff;padding:.05rem .35rem;"
		"letter-spacing:.04em}\n"
		".flag{vertical-align:middle;margin-left:.3rem}\n"
		"article.post .body{flex:1;min-width:0}\n"
		"article.post header.meta{border:0;padding:0}\n"
		"article.post .text{overflow-wrap:anywhere}\n"
		"article.post .text pre{white-space:pre-wrap}\n"
		"article.post .text blockquote{border-left:3px solid var(--line);"
		"margin:.5rem 0;padding:0 .8rem;color:#333}\n"
		"article.post .text img{max-width:100%}\n"
		".actions{font:.85rem system-ui,sans-serif;color:var(--muted);"
		"display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}\n"
		"article.pending,article.hidden,article.deleted{opacity:.75}\n"
		"form.mod{font:.85rem system-ui,sans-serif;margin:.4rem 0;width:100%;"
		"display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}\n"
		"form.mod select{max-width:100%}\n"
		"form.mod input[type=text]{flex:1 1 8rem;min-width:0;padding:.2rem}\n"
		"form.mod button{margin:0;padding:.15rem .6rem;font-size:.85rem}\n"
		".tag{font:700 .75rem system-ui,sans-serif;color:var(--accent)}\n"
		"section.discussion{border-top:2px solid var(--accent);"
		"margin-top:2rem}\n"
		".scroll{overflow-x:auto}\n"
		"table.log td{vertical-align:top;overflow-wrap:anywhere}\n"
		"@media (max-width:30rem){article.post{flex-direction:column;"
		"gap:.3rem}article.post .author{flex:none}"
		".author dl{display:flex;flex-wrap:wrap;gap:0 .5rem}"
		".author dd{margin-right:.4rem}}\n";
	return sz_buf_append(out, css, sizeof(css) - 1);
}

int sz_web_style(struct sz_request *rq)
{
	rq->content_type = "text/css; charset=utf-8";
	return sz_web_stylesheet(&rq->page);
}
