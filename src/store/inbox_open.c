/*
 * inbox_open.c - the one constructor of the inbox's store that picks the
 * engine from the settings (inbox_database = sqlite, or a PostgreSQL
 * conninfo).  No SQL here.
 */
#include "core/config.h"
#include "store/store.h"

int sz_store_open_config(struct sz_store **s, const char *dir,
	const struct sz_config *cfg, struct sz_err *err)
{
	if (sz_config_postgres_inbox(cfg))
		return sz_store_open_postgres(s, cfg->inbox_database, err);
	return sz_store_open_sqlite(s, dir, err);
}
