/*
 * fview.h - what the forum's pages share (fview.c): the frame, links,
 * times, a member's block beside a post, a post with the buttons its
 * viewer may use, and pagers.  Internal to src/web/forum/; the layer's
 * interface is forum.h.
 *
 * Links: a page link is pg->base, the path ("/forum/thread/3"), then
 * pg->suffix; forms appear only on a live site (rooted links), never in
 * a mirror's copy.
 */
#ifndef SZ_WEB_FORUM_FVIEW_H
#define SZ_WEB_FORUM_FVIEW_H

#include "web/forum/forum.h"

/* Renderers, one family per file: each fills pg->out (and pg->status). */
typedef int (*fpage_fn)(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_home(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_board(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_new_thread(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_thread(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_reply(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_member(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_account(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_register(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_login(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_edit(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_history(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_report(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_queue(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_log(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fpage_feed(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fapi_boards(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fapi_board(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fapi_thread(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fapi_post(struct sz_forum_page *pg, const struct sz_forum_args *a);
int fapi_member(struct sz_forum_page *pg, const struct sz_forum_args *a);

/* The frame: head, the site's header, the forum's navigation (with the
 * member's links on a live site). */
int fv_begin(struct sz_forum_page *pg, const char *title);
int fv_end(struct sz_forum_page *pg);
/* The page does not exist (or may not be seen): a status and why. */
int fv_missing(struct sz_forum_page *pg, unsigned status, const char *why);
/* Whether forms show: a live site (not a mirror's copy). */
bool fv_live(const struct sz_forum_page *pg);
/* Appends the link to path ("/forum/thread/3"). */
int fv_link(struct sz_forum_page *pg, struct sz_buf *b, const char *path);
/* Appends <a href="link">text (escaped)</a>. */
int fv_a(struct sz_forum_page *pg, const char *path, const char *text);
int fv_escape(struct sz_buf *b, const char *s);
/* A time as "2024-05-01 14:03 UTC". */
void fv_time(int64_t t, char *out, size_t cap);
/* The hidden fields every form carries (the session's CSRF token). */
int fv_csrf(struct sz_forum_page *pg);
/* A notice above a page's content; error ones are marked. */
int fv_notice(struct sz_forum_page *pg, const char *text, bool error);
/* The fixed notice of a ?note= code, or NULL. */
const char *fv_note(const struct sz_forum_page *pg, const char *code);

/* A member's name, linked to their profile ("deleted member" unlinked). */
int fv_name(struct sz_forum_page *pg, int64_t id, const char *name,
	bool deleted);
/* The block beside a post: name, badge, title, flag, join date,
 * messages, likes. */
int fv_author(struct sz_forum_page *pg, const struct sz_forum_author *a);
/* A stored post's HTML, its rooted links made the site's own. */
int fv_post_html(struct sz_forum_page *pg, const char *html);
/* A post with its author, and the buttons the viewer may use; thread
 * gives its title ("Re: ...") and whether it is locked. */
int fv_post(struct sz_forum_page *pg, const struct sz_forum_post *p,
	const struct sz_forum_thread *thread);
/* Whether the viewer may edit a post: its author within the edit window
 * (forum.edit_window_min), or staff. */
bool fv_may_edit(const struct sz_forum_page *pg, const struct sz_forum_post *p);
/* A thread as a row of a list (board pages, latest threads). */
int fv_thread_row(struct sz_forum_page *pg, const struct sz_forum_thread *t);
/* A post as a line of a list (latest replies, search, a member's posts):
 * its thread, author and time, and an excerpt (snippet: with match
 * markers). */
int fv_post_line(struct sz_forum_page *pg, const struct sz_forum_post *p,
	const char *excerpt, bool snippet);
/* "Page 3 of 250 · first · previous · next · last" for a thread. */
int fv_thread_pager(struct sz_forum_page *pg, int64_t thread_id,
	size_t page, size_t pages);
/* The staff's form for a post or a thread (moderate.c's actions). */
int fv_mod_post_form(struct sz_forum_page *pg, const struct sz_forum_post *p);
int fv_mod_thread_form(struct sz_forum_page *pg,
	const struct sz_forum_thread *t);
/* What ends every staff form: the reason field, its button, </form>. */
int fv_mod_reason(struct sz_forum_page *pg);
/* The boxes of the home and board pages (home.c): latest replies, new
 * threads, of a board or (0) of the whole forum. */
int fv_latest_replies(struct sz_forum_page *pg, int64_t board_id);
int fv_new_threads(struct sz_forum_page *pg, int64_t board_id);
/* The form that posts text (thread.c): a reply to a thread, a new thread
 * in a board (with a title field), or a comment on the archive. */
struct fv_form {
	const char *action;           /* path it posts to */
	const char *heading;
	const char *button;
	bool title;                   /* ask for a title */
	const char *title_value, *draft;
	int64_t quote_of;
	const char *hidden_name, *hidden_value;   /* one more field */
};
int fv_post_form(struct sz_forum_page *pg, const struct fv_form *form);
/* For an anonymous reader: why (a whole sentence, translated: "Members
 * can reply."), then links to log in and to join. */
int fv_login_to(struct sz_forum_page *pg, const char *why);

/* "12 threads · 340 posts", in the page's language. */
int fv_counts(struct sz_forum_page *pg, int64_t threads, int64_t posts);
/* The first n characters or so of text, escaped, on a word boundary. */
int fv_excerpt(struct sz_buf *b, const char *text, size_t n);

#endif
