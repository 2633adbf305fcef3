/*
 * moderate.c - what staff do: hide, unhide, delete, approve and reject
 * posts; lock, pin, move, merge, hide and delete threads; ban, silence
 * and approve members.  Moderators act on posts and threads, admins (and
 * the newsroom's editors) on members too.  Every action is written to
 * the public moderation log with who, what, when and why, in the same
 * request that does it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "http/form.h"
#include "web/forum/forum.h"

static const struct {
	const char *name;
	enum sz_forum_mod_action action;
	enum sz_forum_target target;
	bool admin;                   /* admins only */
	const char *logged;           /* what the log says */
} actions[] = {
	{ "hide", SZ_MOD_HIDE, SZ_TARGET_POST, false, "hid a post" },
	{ "unhide", SZ_MOD_UNHIDE, SZ_TARGET_POST, false, "showed a post again" },
	{ "delete", SZ_MOD_DELETE, SZ_TARGET_POST, false, "deleted a post" },
	{ "approve", SZ_MOD_APPROVE, SZ_TARGET_POST, false, "approved a post" },
	{ "reject", SZ_MOD_REJECT, SZ_TARGET_POST, false, "rejected a post" },
	{ "dismiss", SZ_MOD_DISMISS, SZ_TARGET_POST, false,
	  "dismissed the reports of a post" },
	{ "lock", SZ_MOD_LOCK, SZ_TARGET_THREAD, false, "locked a thread" },
	{ "unlock", SZ_MOD_UNLOCK, SZ_TARGET_THREAD, false, "unlocked a thread" },
	{ "pin", SZ_MOD_PIN, SZ_TARGET_THREAD, false, "pinned a thread" },
	{ "unpin", SZ_MOD_UNPIN, SZ_TARGET_THREAD, false, "unpinned a thread" },
	{ "move", SZ_MOD_MOVE, SZ_TARGET_THREAD, false, "moved a thread" },
	{ "merge", SZ_MOD_MERGE, SZ_TARGET_THREAD, false, "merged a thread" },
	{ "hide_thread", SZ_MOD_HIDE_THREAD, SZ_TARGET_THREAD, false,
	  "hid a thread" },
	{ "unhide_thread", SZ_MOD_UNHIDE_THREAD, SZ_TARGET_THREAD, false,
	  "showed a thread again" },
	{ "delete_thread", SZ_MOD_DELETE_THREAD, SZ_TARGET_THREAD, false,
	  "deleted a thread" },
	{ "ban", SZ_MOD_BAN, SZ_TARGET_MEMBER, true, "banned a member" },
	{ "unban", SZ_MOD_UNBAN, SZ_TARGET_MEMBER, true, "lifted a ban" },
	{ "silence", SZ_MOD_SILENCE, SZ_TARGET_MEMBER, true,
	  "silenced a member" },
	{ "unsilence", SZ_MOD_UNSILENCE, SZ_TARGET_MEMBER, true,
	  "let a member post again" },
	{ "approve_member", SZ_MOD_APPROVE_MEMBER, SZ_TARGET_MEMBER, false,
	  "approved a member" },
	{ "reject_member", SZ_MOD_REJECT_MEMBER, SZ_TARGET_MEMBER, false,
	  "turned away a member" },
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

#define fail sz_forum_refuse

static int why(char *out, size_t cap, const char *msg)
{
	snprintf(out, cap, "%s", msg);
	return SZ_E_INVAL;
}

int sz_forum_mod_parse(const struct sz_form *form, enum sz_forum_target target,
	int64_t id, struct sz_forum_mod *mod, char *out, size_t cap)
{
	memset(mod, 0, sizeof(*mod));
	mod->target = target;
	mod->id = id;
	const struct sz_form_field *act = sz_form_get(form, "action"),
		*reason = sz_form_get(form, "reason"),
		*board = sz_form_get(form, "board"),
		*into = sz_form_get(form, "into"),
		*from = sz_form_get(form, "from");
	if (id <= 0)
		return why(out, cap, N_("There is nothing to moderate there."));
	for (size_t i = 0; act && i < NACTIONS; i++) {
		bool on_author = target == SZ_TARGET_POST &&
			actions[i].target == SZ_TARGET_MEMBER &&
			(actions[i].action == SZ_MOD_BAN ||
			 actions[i].action == SZ_MOD_SILENCE);
		if (strcmp(act->value, actions[i].name) == 0 &&
		    (actions[i].target == target || on_author))
			mod->action = actions[i].action;
	}
	if (mod->action == SZ_MOD_NONE)
		return why(out, cap, N_("Choose what to do."));
	if (reason != NULL) {
		const char *r = reason->value;
		size_t chars = 0, n = strlen(r);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)r[i];
			if (c < 0x20 || c == 0x7f)
				return why(out, cap, N_("A reason is one line of "
					"text."));
			chars += (c & 0xc0) != 0x80;
		}
		if (chars > SZ_FORUM_REASON_CHARS || n > SZ_FORUM_REASON_MAX ||
		    !sz_utf8_valid(r, n))
			return why(out, cap, N_("A reason can be at most 500 "
				"characters."));
		snprintf(mod->reason, sizeof(mod->reason), "%s", r);
	}
	if (mod->action == SZ_MOD_MOVE &&
	    (mod->board_id = sz_forum_id(board ? board->value : NULL)) == 0)
		return why(out, cap, N_("Choose the board to move the thread "
			"to."));
	if (mod->action == SZ_MOD_MERGE &&
	    (mod->into = sz_forum_id(into ? into->value : NULL)) == 0)
		return why(out, cap, N_("Give the number of the thread to merge "
			"this one into (in its address: /forum/thread/NUMBER)."));
	mod->to_queue = from && strcmp(from->value, "queue") == 0;
	return 0;
}

/* about: a title or a name; for a post (position > 0), its thread's
 * title, the page saying "#position in title" in the reader's language */
static void write_log(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	enum sz_forum_target target, int64_t target_id, const char *about,
	int64_t position, int64_t thread_id)
{
	struct sz_forum_log l;
	memset(&l, 0, sizeof(l));
	l.at = time(NULL);
	snprintf(l.actor, sizeof(l.actor), "%s", v->actor);
	for (size_t i = 0; i < NACTIONS; i++)
		if (actions[i].action == mod->action)
			snprintf(l.action, sizeof(l.action), "%s", actions[i].logged);
	l.target = target;
	l.target_id = target_id;
	snprintf(l.about, sizeof(l.about), "%s", about);
	snprintf(l.reason, sizeof(l.reason), "%s", mod->reason);
	l.position = position;
	l.thread_id = thread_id;
	site->forum->ops->log_add(site->forum, &l, NULL);
}

static int on_member(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	int64_t member_id, struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_member m;
	struct sz_err err;
	int rc = 0;
	if (f->ops->member_get(f, member_id, &m, NULL) != 0 ||
	    m.state == SZ_MEMBER_DELETED)
		return fail(d, 404, N_("There is no such member."));
	if (v->member && m.id == v->m.id)
		return fail(d, 403, N_("Staff do not moderate themselves."));
	if (m.role != SZ_FORUM_MEMBER && !v->editor && !v->admin)
		return fail(d, 403, N_("Only an administrator acts on staff."));
	bool ban = m.banned, silence = m.silenced;
	switch (mod->action) {
	case SZ_MOD_BAN: ban = true; break;
	case SZ_MOD_UNBAN: ban = false; break;
	case SZ_MOD_SILENCE: silence = true; break;
	case SZ_MOD_UNSILENCE: silence = false; break;
	case SZ_MOD_APPROVE_MEMBER:
	case SZ_MOD_REJECT_MEMBER:
		if (m.state != SZ_MEMBER_PENDING)
			return fail(d, 409, N_("That member is not waiting for "
				"approval."));
		rc = mod->action == SZ_MOD_APPROVE_MEMBER ?
			f->ops->member_set_state(f, m.id, SZ_MEMBER_ACTIVE, &err) :
			f->ops->member_delete(f, m.id, &err);
		break;
	default:
		return fail(d, 400, N_("That cannot be done to a member."));
	}
	if (rc == 0 && (ban != m.banned || silence != m.silenced))
		rc = f->ops->member_set_flags(f, m.id, ban, silence, &err);
	if (rc != 0)
		return fail(d, 500, _(d->lang, "That could not be saved (%s)."),
			err.msg);
	write_log(site, v, mod, SZ_TARGET_MEMBER, m.id, m.name, 0, 0);
	if (!mod->to_queue)
		snprintf(d->go, sizeof(d->go), "/forum/member/%lld?note=done",
			(long long)m.id);
	return 0;
}

static int on_post(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_post p;
	struct sz_err err;
	if (f->ops->post_get(f, mod->id, false, &p, NULL) != 0)
		return fail(d, 404, N_("There is no such post."));
	char about[SZ_FORUM_TITLE_MAX + 1];
	snprintf(about, sizeof(about), "%s", p.thread_title);
	int64_t author = p.author.id, thread = p.thread_id, pos = p.position;
	enum sz_forum_post_state was = p.state, to = was;
	sz_forum_post_clear(&p);
	if (mod->action == SZ_MOD_BAN || mod->action == SZ_MOD_SILENCE) {
		if (!v->admin)
			return fail(d, 403, N_("Only an administrator bans or "
				"silences."));
		int rc = on_member(site, v, mod, author, d);
		if (rc == 0 && !mod->to_queue)
			snprintf(d->go, sizeof(d->go), "/forum/thread/%lld/page/%lld"
				"?note=done#p%lld", (long long)thread,
				(long long)((pos - 1) / SZ_FORUM_PER_PAGE + 1),
				(long long)mod->id);
		return rc;
	}
	switch (mod->action) {
	case SZ_MOD_HIDE: to = SZ_POST_HIDDEN; break;
	case SZ_MOD_UNHIDE: to = SZ_POST_VISIBLE; break;
	case SZ_MOD_DELETE: to = SZ_POST_DELETED; break;
	case SZ_MOD_APPROVE:
	case SZ_MOD_REJECT:
		if (was != SZ_POST_PENDING)
			return fail(d, 409, N_("That post is not waiting for "
				"approval."));
		to = mod->action == SZ_MOD_APPROVE ? SZ_POST_VISIBLE :
			SZ_POST_DELETED;
		break;
	case SZ_MOD_DISMISS: break;
	default:
		return fail(d, 400, N_("That cannot be done to a post."));
	}
	if (to != was && f->ops->post_set_state(f, mod->id, to, &err) != 0)
		return fail(d, 500, _(d->lang, "That could not be saved (%s)."),
			err.msg);
	/* a post dealt with closes its reports */
	if (mod->action != SZ_MOD_UNHIDE)
		f->ops->reports_resolve(f, mod->id, v->actor, NULL);
	write_log(site, v, mod, SZ_TARGET_POST, mod->id, about, pos, thread);
	if (!mod->to_queue)
		snprintf(d->go, sizeof(d->go), "/forum/thread/%lld/page/%lld"
			"?note=done#p%lld", (long long)thread,
			(long long)((pos - 1) / SZ_FORUM_PER_PAGE + 1),
			(long long)mod->id);
	return 0;
}

static int on_thread(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_thread t;
	struct sz_err err;
	int rc = 0;
	if (f->ops->thread_get(f, mod->id, &t, NULL) != 0 ||
	    t.state == SZ_THREAD_MERGED)
		return fail(d, 404, "%s", C_(d->lang, "forum",
			"There is no such thread."));
	int64_t go = t.id;
	switch (mod->action) {
	case SZ_MOD_LOCK:
	case SZ_MOD_UNLOCK:
		rc = f->ops->thread_set_flags(f, t.id, t.sticky,
			mod->action == SZ_MOD_LOCK, &err);
		break;
	case SZ_MOD_PIN:
	case SZ_MOD_UNPIN:
		rc = f->ops->thread_set_flags(f, t.id, mod->action == SZ_MOD_PIN,
			t.locked, &err);
		break;
	case SZ_MOD_MOVE:
		rc = f->ops->thread_move(f, t.id, mod->board_id, &err);
		if (rc == SZ_E_NOT_FOUND)
			return fail(d, 404, N_("There is no such board."));
		break;
	case SZ_MOD_MERGE:
		rc = f->ops->thread_merge(f, t.id, mod->into, &err);
		if (rc == SZ_E_NOT_FOUND || rc == SZ_E_INVAL)
			return fail(d, 400, _(d->lang, "The thread cannot be "
				"merged into thread %lld: %s."), (long long)mod->into,
				err.msg);
		go = mod->into;
		break;
	case SZ_MOD_HIDE_THREAD:
		rc = f->ops->thread_set_state(f, t.id, SZ_THREAD_HIDDEN, &err);
		break;
	case SZ_MOD_UNHIDE_THREAD:
		rc = f->ops->thread_set_state(f, t.id, SZ_THREAD_VISIBLE, &err);
		break;
	case SZ_MOD_DELETE_THREAD:
		rc = f->ops->thread_set_state(f, t.id, SZ_THREAD_DELETED, &err);
		break;
	default:
		return fail(d, 400, N_("That cannot be done to a thread."));
	}
	/* the store's one conflict here: a thread unhidden whose subject
	 * has been given a newer discussion meanwhile */
	if (rc == SZ_E_EXISTS)
		return fail(d, 409, N_("What this thread discussed has a newer "
			"discussion now: merge the two instead."));
	if (rc != 0)
		return fail(d, 500, _(d->lang, "That could not be saved (%s)."),
			err.msg);
	write_log(site, v, mod, SZ_TARGET_THREAD, t.id, t.title, 0, 0);
	if (mod->action == SZ_MOD_DELETE_THREAD)
		snprintf(d->go, sizeof(d->go), "/forum/board/%lld?note=done",
			(long long)t.board_id);
	else
		snprintf(d->go, sizeof(d->go), "/forum/thread/%lld?note=done",
			(long long)go);
	return 0;
}

int sz_forum_moderate(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	struct sz_forum_done *d)
{
	sz_forum_done_start(d, v->lang);
	if (!v->staff)
		return fail(d, 403, N_("Moderation is for the forum's staff."));
	for (size_t i = 0; i < NACTIONS; i++)
		if (actions[i].action == mod->action && actions[i].admin &&
		    !v->admin)
			return fail(d, 403, N_("Only an administrator bans or "
				"silences."));
	int rc;
	switch (mod->target) {
	case SZ_TARGET_POST: rc = on_post(site, v, mod, d); break;
	case SZ_TARGET_THREAD: rc = on_thread(site, v, mod, d); break;
	case SZ_TARGET_MEMBER: rc = on_member(site, v, mod, mod->id, d); break;
	default: rc = fail(d, 400, N_("There is nothing to moderate there."));
	}
	if (rc == 0 && mod->to_queue)
		snprintf(d->go, sizeof(d->go), "/forum/queue?note=done");
	return rc;
}
