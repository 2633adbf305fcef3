/*
 * postgres_archive_schema.c - the archive's PostgreSQL schema, in
 * numbered steps (schema_version's "archive" row; the forum and the
 * inbox count theirs apart, so one database may hold all of them).
 *
 * The same tables as the SQLite back end (sqlite_archive.c), with the
 * full-text index as a table of tsvectors (fts: words, weighted title A,
 * body B, sender C, recipients D; head, the title's alone; tags, the
 * filters' terms) under GIN indexes; the change log written by triggers, so no operation can
 * change the archive without a mirror seeing it; and the vocabulary of
 * the words column kept by a trigger, for "did you mean" in one index
 * range whatever the archive's size.
 */
#include <stddef.h>

#include "store/postgres_archive_internal.h"

static const char *const steps[] = {
	/* samizdat_simple (store/search.h): simple with unaccent where the
	 * extension can be made, simple alone where it cannot */
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT 1 FROM pg_ts_config"
	"  WHERE cfgname = 'samizdat_simple') THEN"
	"  BEGIN"
	"   CREATE EXTENSION IF NOT EXISTS unaccent;"
	"   CREATE TEXT SEARCH CONFIGURATION samizdat_simple (COPY = simple);"
	"   ALTER TEXT SEARCH CONFIGURATION samizdat_simple ALTER MAPPING FOR"
	"    asciiword, asciihword, hword_asciipart, word, hword, hword_part"
	"    WITH unaccent, simple;"
	"  EXCEPTION WHEN OTHERS THEN"
	"   CREATE TEXT SEARCH CONFIGURATION samizdat_simple (COPY = simple);"
	"  END;"
	" END IF; END $$;"
	"CREATE TABLE releases ("
	"  id bigserial PRIMARY KEY,"
	"  title text NOT NULL,"
	"  day text NOT NULL,"
	"  intro text NOT NULL DEFAULT '',"
	"  state integer NOT NULL DEFAULT 0,"
	/* the day its feed id is minted from: its date when first
	 * published (sqlite_archive.c's migration 5) */
	"  tag_day text NOT NULL DEFAULT '');"
	"CREATE TABLE documents ("
	"  id bigserial PRIMARY KEY,"
	"  release_id bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,"
	"  email integer NOT NULL,"
	"  title text NOT NULL,"
	"  filename text NOT NULL,"
	"  type text NOT NULL,"
	"  sha256 text NOT NULL,"
	"  size bigint NOT NULL,"
	"  summary text NOT NULL DEFAULT '',"
	"  words bigint NOT NULL DEFAULT 0,"
	"  parent_id bigint REFERENCES documents(id) ON DELETE CASCADE);"
	"CREATE UNIQUE INDEX documents_file ON documents"
	"  (release_id, sha256, coalesce(parent_id, 0));"
	"CREATE INDEX documents_parent ON documents(parent_id);"
	"CREATE INDEX documents_sha256 ON documents(sha256);"
	"CREATE INDEX documents_listing ON documents(release_id, email,"
	"  (parent_id IS NOT NULL), title, id);"
	"CREATE TABLE emails ("
	"  doc_id bigint PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  release_id bigint NOT NULL,"
	"  collection text NOT NULL,"
	"  num bigint NOT NULL,"
	"  message_id text NOT NULL DEFAULT '',"
	"  thread text NOT NULL,"
	"  date bigint NOT NULL DEFAULT 0,"
	"  from_addr text NOT NULL DEFAULT '',"
	"  from_name text NOT NULL DEFAULT '',"
	"  to_addrs text NOT NULL DEFAULT '',"
	"  cc_addrs text NOT NULL DEFAULT '',"
	"  dkim integer NOT NULL DEFAULT 0,"
	"  dkim_detail text NOT NULL DEFAULT '',"
	"  pgp integer NOT NULL DEFAULT 0,"
	"  pgp_detail text NOT NULL DEFAULT '',"
	"  raw_form integer NOT NULL DEFAULT 0,"
	"  raw_flagged integer NOT NULL DEFAULT 0,"
	"  raw_chosen integer NOT NULL DEFAULT 0,"
	"  scrubbed_sha256 text NOT NULL DEFAULT '',"
	"  scrubbed_size bigint NOT NULL DEFAULT 0,"
	"  raw_flags text NOT NULL DEFAULT '',"
	"  raw_removed text NOT NULL DEFAULT '',"
	"  UNIQUE (release_id, collection, num));"
	"CREATE INDEX emails_thread ON emails(thread, date);"
	"CREATE INDEX emails_from ON emails(from_addr COLLATE \"C\", date);"
	"CREATE INDEX emails_date ON emails(date);"
	"CREATE INDEX emails_flagged ON emails(release_id, raw_flagged);"
	"CREATE TABLE recipients ("
	"  doc_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  addr text COLLATE \"C\" NOT NULL);"
	"CREATE INDEX recipients_addr ON recipients(addr);"
	"CREATE INDEX recipients_doc ON recipients(doc_id);"
	"CREATE TABLE fts ("
	"  doc_id bigint PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  body text NOT NULL,"
	"  words tsvector NOT NULL,"
	"  tags tsvector NOT NULL);"
	"CREATE INDEX fts_words ON fts USING gin (words);"
	"CREATE INDEX fts_tags ON fts USING gin (tags);"
	"CREATE TABLE doc_reports ("
	"  doc_id bigint PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  report text NOT NULL);"
	/* the change log (sqlite_archive.c's migration 3) */
	"CREATE TABLE changes ("
	"  seq bigserial PRIMARY KEY,"
	"  release_id bigint NOT NULL,"
	"  doc_id bigint NOT NULL DEFAULT 0);"
	"CREATE FUNCTION archive_release_changed() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	"  IF TG_OP = 'DELETE' THEN"
	"   INSERT INTO changes (release_id) VALUES (OLD.id);"
	"  ELSE INSERT INTO changes (release_id) VALUES (NEW.id); END IF;"
	"  RETURN NULL; END $$;"
	"CREATE TRIGGER changes_release AFTER INSERT OR UPDATE OR DELETE"
	" ON releases FOR EACH ROW EXECUTE FUNCTION archive_release_changed();"
	"CREATE FUNCTION archive_doc_changed() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	"  IF TG_OP = 'DELETE' THEN INSERT INTO changes (release_id, doc_id)"
	"   VALUES (OLD.release_id, OLD.id);"
	"  ELSIF TG_TABLE_NAME = 'emails' THEN INSERT INTO changes"
	"   (release_id, doc_id) VALUES (NEW.release_id, NEW.doc_id);"
	"  ELSE INSERT INTO changes (release_id, doc_id)"
	"   VALUES (NEW.release_id, NEW.id); END IF;"
	"  RETURN NULL; END $$;"
	"CREATE TRIGGER changes_doc AFTER INSERT OR UPDATE OR DELETE"
	" ON documents FOR EACH ROW EXECUTE FUNCTION archive_doc_changed();"
	"CREATE TRIGGER changes_email AFTER UPDATE ON emails"
	" FOR EACH ROW EXECUTE FUNCTION archive_doc_changed();"
	/* the words of the index with how many documents hold each: "did
	 * you mean" reads a range of their bytes (key: a range's ends may
	 * cut a character, which no text value may).  Added documents wait
	 * in vocab_pending and are counted together when their import
	 * commits (PA_SQL_VOCAB_FLUSH): a row trigger upserting each word
	 * of each document cost more than the rest of an import.  A
	 * removed document is counted off at once, unless it still waits. */
	"CREATE TABLE vocab ("
	"  word text PRIMARY KEY,"
	"  key bytea NOT NULL,"
	"  docs bigint NOT NULL);"
	"CREATE INDEX vocab_key ON vocab(key);"
	"CREATE TABLE vocab_pending (doc_id bigint PRIMARY KEY);"
	"CREATE FUNCTION archive_vocab_drop() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	"  IF EXISTS (SELECT 1 FROM vocab_pending WHERE doc_id = OLD.doc_id)"
	"  THEN DELETE FROM vocab_pending WHERE doc_id = OLD.doc_id;"
	"  ELSE"
	"   UPDATE vocab v SET docs = v.docs - 1 FROM unnest(OLD.words) u"
	"    WHERE v.word = u.lexeme;"
	"   DELETE FROM vocab v USING unnest(OLD.words) u"
	"    WHERE v.word = u.lexeme AND v.docs <= 0;"
	"  END IF; RETURN NULL; END $$;"
	"CREATE TRIGGER fts_vocab AFTER DELETE ON fts"
	" FOR EACH ROW EXECUTE FUNCTION archive_vocab_drop();",
	/* 2: the title's words alone (words' weight A) under an index of
	 * their own, so a ranked search finds its title matches without
	 * unpacking every match's words (postgres_archive_search.c) */
	"ALTER TABLE fts ADD COLUMN head tsvector;"
	"UPDATE fts SET head = ts_filter(words, '{a}');"
	"ALTER TABLE fts ALTER COLUMN head SET NOT NULL;"
	"CREATE INDEX fts_head ON fts USING gin (head);",
	/* 3: an e-mail row updated is logged once per statement, for all
	 * its rows (a transition table): an import sets the raw forms of
	 * 500 e-mails in one UPDATE (postgres_archive_raw.c), where a row
	 * trigger ran 500 times and took more than half its time */
	"DROP TRIGGER changes_email ON emails;"
	"CREATE FUNCTION archive_emails_changed() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	"  INSERT INTO changes (release_id, doc_id) SELECT release_id, doc_id"
	"   FROM changed_emails ORDER BY doc_id;"
	"  RETURN NULL; END $$;"
	"CREATE TRIGGER changes_email AFTER UPDATE ON emails"
	" REFERENCING NEW TABLE AS changed_emails FOR EACH STATEMENT"
	" EXECUTE FUNCTION archive_emails_changed();",
	/* 4: an index row stays whole in its table page up to a page's
	 * size: a phrase, an exclusion or a walk of the newest documents
	 * reads each candidate's words, which PostgreSQL otherwise
	 * compresses into its TOAST table past 2 kB (most e-mails' rows:
	 * the body beside the words), at three page reads and a
	 * decompression each (postgres_archive_search.c).  Rows written
	 * before it keep their form until VACUUM FULL fts (docs/operations.md) */
	"ALTER TABLE fts SET (toast_tuple_target = 8160);",
	/* 5: the words and the filters under ONE GIN index: a search with
	 * a filter (from:, a date range, a release) is then one index scan
	 * that skips through the longer list by the shorter one, where two
	 * indexes each gave all their documents to a bitmap AND ("invoice
	 * from:ministry.example": 250,000 of the domain's documents read for
	 * 2,000 matches, 73 ms at a million e-mails; 0.4 ms at 100,000
	 * against 6.3).  Built once, in this step's transaction (minutes on a
	 * million e-mails: docs/operations.md) */
	"SET LOCAL maintenance_work_mem = '256MB';"
	"SET LOCAL statement_timeout = 0;"
	"SET LOCAL lock_timeout = 0;"
	"CREATE INDEX fts_match ON fts USING gin (words, tags);"
	"DROP INDEX fts_words;"
	"DROP INDEX fts_tags;",
};

const char PA_SQL_VOCAB_FLUSH[] = "WITH p AS (DELETE FROM vocab_pending"
	" RETURNING doc_id) INSERT INTO vocab (word, key, docs) SELECT lexeme,"
	" convert_to(lexeme, 'UTF8'), count(*) FROM p JOIN fts f"
	" ON f.doc_id = p.doc_id, unnest(f.words) GROUP BY lexeme ORDER BY lexeme"
	" ON CONFLICT (word) DO UPDATE SET docs = vocab.docs + excluded.docs";

const char *const *pa_migrations = steps;
const size_t pa_nmigrations = sizeof(steps) / sizeof(steps[0]);
