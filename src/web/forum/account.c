/*
 * account.c - members' accounts: joining with a name and a password only
 * (no e-mail: nothing to subpoena, nothing to recover), logging in,
 * changing the password, choosing a flag, deleting the account, and
 * invitations.  Passwords are Argon2id strings (libsodium) checked under
 * a bounded number of slots, each costing forum.argon2_memlimit_mb; a
 * name nobody has is checked against a real hash too, so the answer's
 * time says nothing.  Joining spends the forum's hourly registration
 * budget (everyone together: there are no addresses to count by).  A
 * login try is charged to the login form's token (tokens are free, but
 * only so many may start a minute: that bounds the Argon2 work anyone
 * can ask for).  Failed tries are counted against the name tried, under
 * a keyed hash, whether a member has it or not; past
 * SZ_FORUM_LOGINS_PER_HOUR every check on that name is slowed alike
 * (SZ_FORUM_LOGIN_SLOW_S) but never refused: strangers cannot lock an
 * owner out, and nothing says which names exist.  Changing the password
 * and deleting the account check it under the same name budget.  Budgets
 * live in memory (web/budget.h): forum.db keeps no time of anyone's
 * tries.  With several public processes on one PostgreSQL (sessions in
 * the database, cli/faces.c), the login tokens' budget, the hour's
 * registrations and the members' daily posts, likes and reports are
 * counted there instead (sz_forum_slots_share), so N processes do not
 * give N times the limits: by keyed hash, in UTC days (registrations,
 * everyone's together, in hours; tokens, anonymous, to the minute), in
 * an UNLOGGED table (store/sessions.h).  What would date one member's
 * activity finer than a day stays in each process's memory: the burst
 * limit per minute and the failed tries per name an hour (so with N
 * processes, a name is slowed after up to N times the tries).
 */
#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/budget.h"
#include "web/forum/forum.h"
#include "web/forum/names.h"
#include "web/web.h"

#define SLOT_WAIT_S 10
#define NAME_LIFE_S 3600       /* SZ_FORUM_LOGINS_PER_HOUR */
#define TOKEN_LIFE_S ((time_t)SZ_WEB_PRE_TOKEN_MIN * 60 + 60)

_Static_assert(SZ_FORUM_LOGIN_TOKEN_BYTES == SZ_WEB_PRE_NONCE,
	"the login token is the pre-login token's nonce");

struct sz_forum_slots {
	sem_t sem;
	char dummy[SZ_FORUM_HASH_MAX + 1];   /* for names nobody has */
	unsigned long long ops;
	size_t mem;
	struct sz_budget tokens;   /* login tries per form token */
	struct sz_budget names;    /* login tries per name tried */
	struct sz_budget joins;    /* registrations, everyone together */
	struct sz_budget spent[SZ_BUDGET_KINDS];   /* members' posts, ... */
	/* NULL: the budgets above, in this process; else the day's and the
	 * hour's budgets are counted in this store, for every process */
	const struct sz_budget_store *shared;
	uint8_t name_key[crypto_generichash_KEYBYTES];   /* hashes names */
};

/* The kind of use the shared store counts registrations as, beside enum
 * sz_forum_budget's */
#define SHARED_JOINS SZ_BUDGET_KINDS
_Static_assert(SHARED_JOINS < SZ_BUDGET_STORE_KINDS,
	"every shared forum budget has a kind in the store");

/* The window a member's budget of kind counts in: a day, or a minute for
 * bursts. */
static time_t window_of(enum sz_forum_budget kind)
{
	return kind == SZ_BUDGET_BURST ? 60 : 86400;
}

#define fail sz_forum_refuse

struct sz_forum_slots *sz_forum_slots_new(const struct sz_config *cfg,
	unsigned n)
{
	struct sz_forum_slots *s = calloc(1, sizeof(*s));
	uint8_t junk[32];
	if (s == NULL)
		return NULL;
	s->ops = cfg->forum_argon2_opslimit;
	s->mem = (size_t)cfg->forum_argon2_memlimit_mb << 20;
	randombytes_buf(junk, sizeof(junk));
	randombytes_buf(s->name_key, sizeof(s->name_key));
	/* As the source face's codename budget: sized for the most tokens
	 * the per-minute limit lets in over a token's life; names, for every
	 * try those tokens may make in an hour, up to SZ_FORUM_LOGIN_NAMES_MAX
	 * (past it, every login waits alike: "many people are logging in"). */
	size_t tokens = (size_t)cfg->login_tokens_per_min *
		(SZ_WEB_PRE_TOKEN_MIN + 1);
	size_t names = tokens * cfg->login_attempts_per_token;
	if (names > SZ_FORUM_LOGIN_NAMES_MAX)
		names = SZ_FORUM_LOGIN_NAMES_MAX;
	struct sz_err err;
	if (sem_init(&s->sem, 0, n) != 0) {
		free(s);
		return NULL;
	}
	if (crypto_pwhash_str(s->dummy, (const char *)junk, sizeof(junk), s->ops,
		    s->mem) != 0 ||
	    sz_budget_init(&s->tokens, tokens, cfg->login_tokens_per_min,
		    cfg->login_attempts_per_token, TOKEN_LIFE_S, &err) != SZ_OK ||
	    sz_budget_init(&s->names, names, 0, SZ_FORUM_LOGINS_PER_HOUR,
		    NAME_LIFE_S, &err) != SZ_OK ||
	    sz_budget_init(&s->joins, 1, 0, cfg->forum_registrations_per_hour,
		    3600, &err) != SZ_OK) {
		sz_forum_slots_free(s);
		return NULL;
	}
	for (int k = 0; k < SZ_BUDGET_KINDS; k++)
		if (sz_budget_init(&s->spent[k], SZ_FORUM_BUDGET_KEYS, 0, 0,
		    window_of((enum sz_forum_budget)k), &err) != SZ_OK) {
			sz_forum_slots_free(s);
			return NULL;
		}
	return s;
}

void sz_forum_slots_share(struct sz_forum_slots *s,
	const struct sz_budget_store *store)
{
	s->shared = store;
	s->tokens.store = store;
}

int sz_forum_spend(struct sz_forum_slots *s, enum sz_forum_budget kind,
	int64_t member, uint64_t limit)
{
	uint8_t key[SZ_BUDGET_KEY] = { 0 };
	memcpy(key, &member, sizeof(member));
	/* a burst's minute stays in this process: a member's activity is
	 * never stored finer than the day */
	bool shared = s->shared != NULL && kind != SZ_BUDGET_BURST;
	enum sz_budget_charge c = shared ? s->shared->spend(s->shared->ctx,
		(int)kind, key, window_of(kind), limit) :
		sz_budget_charge_upto(&s->spent[kind], key, sz_budget_now(), limit);
	switch (c) {
	case SZ_CHARGE_OK: return 0;
	case SZ_CHARGE_SPENT: return SZ_E_LIMIT;
	default: return SZ_E_BUSY;
	}
}

void sz_forum_slots_free(struct sz_forum_slots *s)
{
	if (s == NULL)
		return;
	sem_destroy(&s->sem);
	sz_budget_free(&s->tokens);
	sz_budget_free(&s->names);
	sz_budget_free(&s->joins);
	for (int k = 0; k < SZ_BUDGET_KINDS; k++)
		sz_budget_free(&s->spent[k]);
	sodium_memzero(s->name_key, sizeof(s->name_key));
	free(s);
}

/* Waits for a slot, at most SLOT_WAIT_S: a flood of logins queues no
 * further than that and gets a "busy" page. */
static bool slot_take(struct sz_forum_slots *s)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SLOT_WAIT_S;
	while (sem_timedwait(&s->sem, &until) != 0)
		if (errno != EINTR)
			return false;
	return true;
}

static int hash_password(struct sz_forum_slots *s, const char *pw,
	char out[SZ_FORUM_HASH_MAX + 1], struct sz_forum_done *d)
{
	if (!slot_take(s))
		return fail(d, 503, N_("The server is busy; please try again in a "
			"minute."));
	int rc = crypto_pwhash_str(out, pw, strlen(pw), s->ops, s->mem);
	sem_post(&s->sem);
	return rc ? fail(d, 503, N_("The server is short of memory; please try "
		"again in a minute.")) : 0;
}

/* 0 if pw matches hash (or, with hash NULL, after the same work). */
static int verify(struct sz_forum_slots *s, const char *hash, const char *pw,
	struct sz_forum_done *d)
{
	if (!slot_take(s))
		return fail(d, 503, N_("The server is busy; please try again in a "
			"minute."));
	int ok = crypto_pwhash_str_verify(hash && hash[0] ? hash : s->dummy, pw,
		strlen(pw)) == 0 && hash && hash[0];
	sem_post(&s->sem);
	return ok ? 0 : fail(d, 403, N_("Wrong name or password."));
}

static int check_password(const char *pw, struct sz_forum_done *d)
{
	size_t n = pw ? strlen(pw) : 0;
	if (n < SZ_FORUM_PASSWORD_MIN)
		return fail(d, 400, NG_(d->lang, "A password has %d character at "
			"least: a few words you remember are best.", "A password "
			"has %d characters at least: a few words you remember are "
			"best.", SZ_FORUM_PASSWORD_MIN), SZ_FORUM_PASSWORD_MIN);
	if (n > SZ_FORUM_PASSWORD_MAX)
		return fail(d, 400, NG_(d->lang, "A password can be at most %d "
			"character.", "A password can be at most %d characters.",
			SZ_FORUM_PASSWORD_MAX), SZ_FORUM_PASSWORD_MAX);
	return 0;
}

/* An invitation code's hash: letters and digits only, lowercase. */
static int invite_hash(const char *code, uint8_t hash[32])
{
	char clean[64];
	size_t k = 0;
	for (const char *p = code; p && *p && k + 1 < sizeof(clean); p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))
			clean[k++] = c;
		else if (c != '-' && c != ' ')
			return SZ_E_INVAL;
	}
	if (k != 16)
		return SZ_E_INVAL;
	crypto_generichash(hash, 32, (const uint8_t *)clean, k,
		(const uint8_t *)"sz-forum-invite", 15);
	return 0;
}

int sz_forum_invite(struct sz_forum *f, char code[SZ_FORUM_INVITE_CHARS + 1],
	struct sz_err *err)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t raw[16], hash[32];
	randombytes_buf(raw, sizeof(raw));
	size_t k = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			code[k++] = '-';
		code[k++] = alphabet[raw[i] & 31];
	}
	code[k] = '\0';
	sodium_memzero(raw, sizeof(raw));
	invite_hash(code, hash);
	return f->ops->invite_add(f, hash, err);
}

int sz_forum_register(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const char *name, const char *password,
	const char *invite, struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	const char *mode = site->cfg->forum_registration;
	struct sz_forum_member m;
	struct sz_err err;
	uint8_t code[32];
	char why[240];
	sz_forum_done_start(d, d->lang);
	memset(&m, 0, sizeof(m));
	bool invited = strcmp(mode, "invite") == 0;
	if (sz_name_check(name ? name : "", name ? strlen(name) : 0, m.name,
	    m.key, why, sizeof(why)) != 0)
		return fail(d, 400, "%s", why);
	int rc = check_password(password, d);
	if (rc == 0 && invited && (invite == NULL || invite_hash(invite,
	    code) != 0))
		rc = fail(d, 400, N_("Joining takes an invitation code (four groups "
			"of four letters and digits) from the forum's staff."));
	if (rc != 0)
		return rc;
	int taken = f->ops->key_taken(f, m.key, &err);
	if (taken == 1)
		return fail(d, 409, N_("That name is taken, or looks too much like "
			"one that is; choose another."));
	if (taken < 0)
		return fail(d, 500, _(d->lang,
			"The forum cannot be read now (%s)."), err.msg);
	/* The budget is spent before Argon2 runs: a flood costs no CPU. */
	static const uint8_t everyone[SZ_BUDGET_KEY];
	enum sz_budget_charge joined = slots->shared ? slots->shared->spend(
		slots->shared->ctx, SHARED_JOINS, everyone, 3600,
		slots->joins.per_key) : sz_budget_charge(&slots->joins, everyone,
		sz_budget_now());
	if (joined != SZ_CHARGE_OK)
		return fail(d, 429, N_("Many people joined in the last hour, more than "
			"this forum takes; please come back in an hour."));
	if ((rc = hash_password(slots, password, m.password_hash, d)) != 0)
		return rc;
	m.role = SZ_FORUM_MEMBER;
	m.state = strcmp(mode, "approval") == 0 ? SZ_MEMBER_PENDING :
		SZ_MEMBER_ACTIVE;
	struct tm tm;
	time_t now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(m.joined_day, sizeof(m.joined_day), "%Y-%m-%d", &tm);
	int64_t id = 0;
	rc = f->ops->member_create(f, &m, invited ? code : NULL, &id, &err);
	sodium_memzero(m.password_hash, sizeof(m.password_hash));
	if (rc == SZ_E_EXISTS)
		return fail(d, 409, N_("That name is taken, or looks too much like "
			"one that is; choose another."));
	if (rc == SZ_E_NOT_FOUND)
		return fail(d, 403, N_("That invitation code is unknown or used "
			"already."));
	if (rc != 0)
		return fail(d, 500, _(d->lang,
			"The account could not be saved (%s)."), err.msg);
	d->id = id;
	snprintf(d->go, sizeof(d->go), m.state == SZ_MEMBER_PENDING ?
		"/forum/login?note=approval" : "/forum?note=welcome");
	return 0;
}

/* A name's key under this process's key (the name as typed if it has no
 * normalised key): what its failed tries are counted by. */
static void name_hash_of(const struct sz_forum_slots *s, const char *typed,
	const char *key, uint8_t name_hash[SZ_BUDGET_KEY])
{
	const char *n = key[0] ? key : typed ? typed : "";
	crypto_generichash(name_hash, SZ_BUDGET_KEY, (const uint8_t *)n,
		strlen(n), s->name_key, sizeof(s->name_key));
}

/* A password check on a name: once the name has had
 * SZ_FORUM_LOGINS_PER_HOUR failed tries in the hour (by anyone), every
 * check on it waits SZ_FORUM_LOGIN_SLOW_S first, right password or wrong,
 * name taken or not; it is never refused, so strangers cannot lock its
 * owner out.  A failure is then counted against the name. */
static int verify_name(struct sz_forum_slots *s,
	const uint8_t name_hash[SZ_BUDGET_KEY], const char *hash,
	const char *pw, struct sz_forum_done *d)
{
	if (sz_budget_over(&s->names, name_hash, sz_budget_now())) {
		struct timespec slow = { SZ_FORUM_LOGIN_SLOW_S, 0 };
		while (nanosleep(&slow, &slow) != 0 && errno == EINTR)
			;
	}
	int rc = verify(s, hash, pw, d);
	if (rc != 0 && d->status == 403)
		(void)sz_budget_charge(&s->names, name_hash, sz_budget_now());
	return rc;
}

/* One try from the login form's token: the same refusal, whatever the
 * name. */
static int charge_login(struct sz_forum_slots *s,
	const uint8_t token[SZ_FORUM_LOGIN_TOKEN_BYTES],
	struct sz_forum_done *d)
{
	uint8_t tok[SZ_BUDGET_KEY] = { 0 };
	memcpy(tok, token, SZ_FORUM_LOGIN_TOKEN_BYTES);
	enum sz_budget_charge c = sz_budget_charge(&s->tokens, tok,
		sz_budget_now());
	if (c == SZ_CHARGE_SPENT)
		return fail(d, 429, N_("That was the last try with this page: "
			"reload it to try again, and check the name and password."));
	return c == SZ_CHARGE_OK ? 0 : fail(d, 429, N_("Many people are logging "
		"in right now; please wait a minute, then try again."));
}

int sz_forum_login(const struct sz_forum_site *site,
	struct sz_forum_slots *slots,
	const uint8_t token[SZ_FORUM_LOGIN_TOKEN_BYTES], const char *name,
	const char *password, struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_member *m = sodium_malloc(sizeof(*m));
	char key[SZ_FORUM_KEY_MAX + 1] = "";
	uint8_t name_hash[SZ_BUDGET_KEY];
	sz_forum_done_start(d, d->lang);
	if (m == NULL)
		return fail(d, 503, N_("The server is short of memory."));
	memset(m, 0, sizeof(*m));
	if (name == NULL || sz_name_key(name, strlen(name), key) != 0)
		key[0] = '\0';
	name_hash_of(slots, name, key, name_hash);
	/* Charged before the name is looked up: nothing below depends on
	 * whether it exists until the answer, which is the same for both. */
	int rc = charge_login(slots, token, d);
	bool known = rc == 0 && key[0] && password &&
		f->ops->member_find(f, key, m, NULL) == 0 &&
		m->state != SZ_MEMBER_DELETED;
	if (rc == 0)
		rc = verify_name(slots, name_hash, known ? m->password_hash : NULL,
			password ? password : "", d);
	if (rc != 0 && d->status == 503) {   /* no slot: the try was not made */
		uint8_t tok[SZ_BUDGET_KEY] = { 0 };
		memcpy(tok, token, SZ_FORUM_LOGIN_TOKEN_BYTES);
		sz_budget_refund(&slots->tokens, tok);
	}
	if (rc == 0 && m->banned)
		rc = fail(d, 403, N_("This account is banned."));
	else if (rc == 0 && m->state == SZ_MEMBER_PENDING)
		rc = fail(d, 403, N_("Your account waits for a moderator's approval; "
			"log in once it is approved."));
	if (rc == 0)
		d->id = m->id;
	sodium_memzero(key, sizeof(key));
	sodium_free(m);
	return rc;
}

/* The viewer's own row, fresh (in m, sodium_malloc'd: it holds the
 * password's hash; the caller frees it in every case), once the password
 * they typed matches it. */
static int own_row(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const struct sz_forum_viewer *v,
	const char *password, struct sz_forum_member **m,
	struct sz_forum_done *d)
{
	sz_forum_done_start(d, v->lang);
	if ((*m = sodium_malloc(sizeof(**m))) == NULL)
		return fail(d, 503, N_("The server is short of memory."));
	if (!v->member)
		return fail(d, 403, N_("Log in first."));
	if (site->forum->ops->member_get(site->forum, v->m.id, *m, NULL) != 0 ||
	    (*m)->state == SZ_MEMBER_DELETED)
		return fail(d, 404, N_("Your account is gone."));
	/* the same budget as logging in: a stolen session cannot guess the
	 * password faster than a login could */
	uint8_t name_hash[SZ_BUDGET_KEY];
	name_hash_of(slots, (*m)->name, (*m)->key, name_hash);
	return verify_name(slots, name_hash, (*m)->password_hash,
		password ? password : "", d);
}

int sz_forum_change_password(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const struct sz_forum_viewer *v,
	const char *old_password, const char *new_password,
	struct sz_forum_done *d)
{
	struct sz_forum_member *m = NULL;
	char hash[SZ_FORUM_HASH_MAX + 1];
	struct sz_err err;
	int rc = own_row(site, slots, v, old_password, &m, d);
	if (rc == 0)
		rc = check_password(new_password, d);
	if (rc == 0)
		rc = hash_password(slots, new_password, hash, d);
	if (rc == 0 && site->forum->ops->member_set_password(site->forum,
	    m->id, hash, &err) != 0)
		rc = fail(d, 500, _(d->lang,
			"The password could not be saved (%s)."),
			err.msg);
	if (rc == 0)
		snprintf(d->go, sizeof(d->go), "/forum/account?note=password");
	sodium_memzero(hash, sizeof(hash));
	if (m != NULL)
		sodium_free(m);
	return rc;
}

int sz_forum_delete_account(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const struct sz_forum_viewer *v,
	const char *password, struct sz_forum_done *d)
{
	struct sz_forum_member *m = NULL;
	struct sz_err err;
	int rc = own_row(site, slots, v, password, &m, d);
	if (rc == 0 && site->forum->ops->member_delete(site->forum, m->id,
	    &err) != 0)
		rc = fail(d, 500, _(d->lang,
			"The account could not be deleted (%s)."),
			err.msg);
	if (rc == 0)
		snprintf(d->go, sizeof(d->go), "/forum?note=bye");
	if (m != NULL)
		sodium_free(m);
	return rc;
}

int sz_forum_set_country(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const char *code,
	struct sz_forum_done *d)
{
	struct sz_err err;
	sz_forum_done_start(d, v->lang);
	if (!v->member)
		return fail(d, 403, N_("Log in first."));
	if (code == NULL || (code[0] && !sz_forum_country_ok(code)))
		return fail(d, 400, N_("There is no such flag."));
	if (site->forum->ops->member_set_labels(site->forum, v->m.id, NULL, NULL,
	    code, &err) != 0)
		return fail(d, 500, _(d->lang,
			"The flag could not be saved (%s)."), err.msg);
	snprintf(d->go, sizeof(d->go), "/forum/account?note=country");
	return 0;
}
