/*
 * instance.c - creating and opening an instance directory, part by part,
 * and what each opened part lets a locked-in process reach.  The secrets
 * file is written once, atomically, and read into locked memory.
 */
#include "store/instance.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "store/postgres.h"

#define SECRETS_SIZE (SZ_INSTANCE_SALT_BYTES + SZ_INSTANCE_HASHKEY_BYTES)

static int write_file(const char *path, const void *data, size_t len,
	int mode, struct sz_err *err)
{
	struct sz_outfile f;
	int rc = sz_outfile_open(&f, path, mode, 0, err);
	if (rc != SZ_OK)
		return rc;
	if (sz_write_all(f.fd, data, len) != SZ_OK) {
		sz_outfile_abort(&f);
		return sz_err_set(err, SZ_E_IO, "cannot write %s", path);
	}
	return sz_outfile_commit(&f, err);
}

int sz_instance_create(const char *dir, struct sz_err *err)
{
	char path[4200], key_path[4200], conf_path[4200], conf[8192];
	struct sz_config cfg;
	snprintf(path, sizeof(path), "%s/%s", dir, SZ_CONFIG_FILE);
	snprintf(key_path, sizeof(key_path), "%s/%s", dir,
		SZ_INSTANCE_SECRETS_FILE);
	if (access(path, F_OK) == 0 || access(key_path, F_OK) == 0)
		return sz_err_set(err, SZ_E_EXISTS, "%s already holds a "
			"samizdat instance", dir);
	/* Settings named by $SAMIZDAT_CONFIG (as the package's, in /etc)
	 * are kept if they exist; otherwise they go into the instance. */
	bool write_conf = true;
	int conf_mode = 0600;
	if (sz_config_path(dir, conf_path, sizeof(conf_path))) {
		write_conf = access(conf_path, F_OK) != 0;
		conf_mode = 0644;   /* no secrets, outside the private dir */
	} else {
		snprintf(conf_path, sizeof(conf_path), "%s", path);
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return sz_err_set(err, SZ_E_IO, "cannot create %s: %s", dir,
			strerror(errno));
	if (chmod(dir, 0700) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot restrict %s: %s", dir,
			strerror(errno));
	sz_config_defaults(&cfg);
	int n = sz_config_format(&cfg, conf, sizeof(conf));
	if (n < 0)
		return sz_err_set(err, SZ_E_INVAL, "config template too long");
	uint8_t *secrets = sodium_malloc(SECRETS_SIZE);
	if (secrets == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	randombytes_buf(secrets, SECRETS_SIZE);
	int rc = write_file(key_path, secrets, SECRETS_SIZE, 0600, err);
	sodium_free(secrets);
	if (rc == SZ_OK && write_conf)
		rc = write_file(conf_path, conf, (size_t)n, conf_mode, err);
	if (rc != SZ_OK)
		return rc;
	struct sz_instance in;
	rc = sz_instance_open(&in, dir, err);
	if (rc == SZ_OK)
		sz_instance_close(&in);
	return rc;
}

static int read_secrets(struct sz_instance *in, struct sz_err *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", in->dir,
		SZ_INSTANCE_SECRETS_FILE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			strerror(errno));
	in->secrets = sodium_malloc(SECRETS_SIZE);
	ssize_t n = in->secrets ?
		sz_read_full(fd, in->secrets, SECRETS_SIZE) : -1;
	uint8_t extra;
	ssize_t more = n == SECRETS_SIZE ? sz_read_full(fd, &extra, 1) : 0;
	close(fd);
	if (n != SECRETS_SIZE || more != 0)
		return sz_err_set(err, SZ_E_INVAL, "%s is damaged: it must "
			"hold exactly %d bytes", path, SECRETS_SIZE);
	sodium_mprotect_readonly(in->secrets);
	return SZ_OK;
}

int sz_instance_check(const char *dir, struct sz_err *err)
{
	static const char how[] = "give the instance's directory with -d DIR "
		"(or $SAMIZDAT_DIR), or create an instance with `samizdat init "
		"DIR`";
	char key[4200];
	struct stat st;
	snprintf(key, sizeof(key), "%s/%s", dir, SZ_INSTANCE_SECRETS_FILE);
	int e = stat(dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR :
		access(key, F_OK) != 0 ? errno : 0;
	switch (e) {
	case 0:
		return SZ_OK;
	case ENOENT:
		if (stat(dir, &st) != 0)
			return sz_err_set(err, SZ_E_NOT_FOUND, "%s does not exist: "
				"%s", dir, how);
		return sz_err_set(err, SZ_E_NOT_FOUND, "%s is not a samizdat "
			"instance (it has no %s): %s", dir,
			SZ_INSTANCE_SECRETS_FILE, how);
	case ENOTDIR:
		return sz_err_set(err, SZ_E_INVAL, "%s is not a directory: %s",
			dir, how);
	case EACCES:
		return sz_err_set(err, SZ_E_IO, "%s cannot be read by this user "
			"(permission denied): run the command as the user that owns "
			"the instance (installed from the Debian package: sudo -u "
			"samizdat samizdat ...)", dir);
	default:
		return sz_err_set(err, SZ_E_IO, "cannot read %s: %s", dir,
			strerror(e));
	}
}

int sz_instance_open_parts(struct sz_instance *in, const char *dir,
	unsigned parts, struct sz_err *err)
{
	memset(in, 0, sizeof(*in));
	snprintf(in->dir, sizeof(in->dir), "%s", dir);
	in->parts = parts;
	int rc = sz_instance_check(dir, err);
	if (rc == SZ_OK)
		rc = sz_config_load(&in->cfg, dir, err);
	if (rc == SZ_OK && (parts & SZ_PART_SECRETS))
		rc = read_secrets(in, err);
	if (rc == SZ_OK && (parts & SZ_PART_INBOX))
		rc = sz_store_open_config(&in->store, dir, &in->cfg, err);
	if (rc == SZ_OK && (parts & SZ_PART_BLOBS))
		rc = sz_blobs_open(&in->blobs, dir, err);
	if (rc == SZ_OK && (parts & SZ_PART_ARCHIVE))
		rc = sz_archive_open_config(&in->archive, dir, &in->cfg, true,
			false, err);
	if (rc == SZ_OK && (parts & SZ_PART_ARCHIVE_RO))
		rc = sz_archive_prepare(dir, err);
	if (rc == SZ_OK && (parts & SZ_PART_FORUM))
		rc = sz_forum_open_config(&in->forum, dir, &in->cfg, err);
	if (rc != SZ_OK)
		sz_instance_close(in);
	return rc;
}

int sz_instance_open_readers(struct sz_instance *in, struct sz_err *err)
{
	if (!(in->parts & SZ_PART_ARCHIVE_RO) || in->archive != NULL)
		return SZ_OK;
	return sz_archive_open_config(&in->archive, in->dir, &in->cfg, false,
		true, err);
}

int sz_instance_open(struct sz_instance *in, const char *dir,
	struct sz_err *err)
{
	return sz_instance_open_parts(in, dir, SZ_PARTS_INBOX, err);
}

int sz_instance_confine(const struct sz_instance *in, struct sz_sandbox *sb,
	struct sz_err *err)
{
	const unsigned rw = SZ_SB_READ | SZ_SB_WRITE;
	const unsigned tree = rw | SZ_SB_CREATE | SZ_SB_REMOVE;
	char path[4300];
	int rc = SZ_OK;
	/* The inbox on PostgreSQL: what libpq needs to connect again;
	 * on SQLite, its database and its rollback journal, which exist
	 * once it is open (and stay: store/sqlite.c keeps the journal). */
	bool pg_inbox = (in->parts & SZ_PART_INBOX) &&
		sz_config_postgres_inbox(&in->cfg);
	if (pg_inbox)
		rc = sz_pg_confine(in->cfg.inbox_database, sb, err);
	static const char *const suffix[] = { "", "-journal" };
	for (int i = 0; rc == SZ_OK && (in->parts & SZ_PART_INBOX) &&
	     !pg_inbox && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", in->dir, SZ_STORE_DB_FILE,
			suffix[i]);
		rc = sz_sandbox_allow(sb, path, rw, err);
	}
	static const char *const blob_dirs[] = { "blobs", "tmp" };
	for (int i = 0; rc == SZ_OK && (in->parts & SZ_PART_BLOBS) && i < 2;
	     i++) {
		snprintf(path, sizeof(path), "%s/%s", in->dir, blob_dirs[i]);
		rc = sz_sandbox_allow(sb, path, tree, err);
	}
	if (rc == SZ_OK && (in->parts & (SZ_PART_ARCHIVE | SZ_PART_ARCHIVE_RO)))
		rc = sz_archive_confine(in->dir,
			(in->parts & SZ_PART_ARCHIVE) == 0, sb, err);
	/* The forum on PostgreSQL: what libpq needs to connect again. */
	bool pg_forum = (in->parts & SZ_PART_FORUM) &&
		sz_config_postgres(&in->cfg);
	if (rc == SZ_OK && pg_forum)
		rc = sz_pg_confine(in->cfg.database, sb, err);
	/* On SQLite, the forum's database and its WAL files, kept like the
	 * inbox's (store/sqlite_forum.c). */
	static const char *const wal[] = { "", "-wal", "-shm" };
	for (int i = 0; rc == SZ_OK && (in->parts & SZ_PART_FORUM) &&
	     !pg_forum && i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", in->dir, SZ_FORUM_DB_FILE,
			wal[i]);
		rc = sz_sandbox_allow(sb, path, rw, err);
	}
	return rc;
}

void sz_instance_close(struct sz_instance *in)
{
	if (in->archive != NULL)
		in->archive->ops->close(in->archive);
	in->archive = NULL;
	if (in->forum != NULL)
		in->forum->ops->close(in->forum);
	in->forum = NULL;
	if (in->store != NULL)
		in->store->ops->close(in->store);
	in->store = NULL;
	if (in->secrets != NULL)
		sodium_free(in->secrets);
	in->secrets = NULL;
}

int sz_instance_purge(struct sz_instance *in, unsigned days,
	size_t *nsubmissions, size_t *nfiles, struct sz_err *err)
{
	char cutoff[SZ_STORE_DAY_SIZE];
	char (*blobs)[SZ_STORE_BLOB_NAME_MAX + 1] = NULL;
	size_t n = 0;
	*nfiles = 0;
	sz_store_days_ago(days ? days : (unsigned)in->cfg.retention_days,
		cutoff);
	int rc = in->store->ops->purge_before(in->store, cutoff, &blobs, &n,
		nsubmissions, err);
	if (rc != SZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (sz_blob_remove(&in->blobs, blobs[i], NULL) == SZ_OK)
			(*nfiles)++;
	free(blobs);
	return SZ_OK;
}

const uint8_t *sz_instance_salt(const struct sz_instance *in)
{
	return in->secrets;
}

const uint8_t *sz_instance_hash_key(const struct sz_instance *in)
{
	return in->secrets + SZ_INSTANCE_SALT_BYTES;
}
