/* GDBM reader for access files built by hato-makeaccess or Courier's makedat. */
#include "config.h"
#include "tcpd-accessdb.h"

#include <errno.h>
#include <gdbm.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct tcpd_accessdb {
	GDBM_FILE dbf;
};

struct tcpd_accessdb *tcpd_accessdb_open(const char *path, const char **error_r)
{
	struct tcpd_accessdb *db;
	GDBM_FILE dbf = gdbm_open(path, 0, GDBM_READER | GDBM_NOLOCK | GDBM_CLOEXEC, 0, NULL);

	if (dbf == NULL) {
		*error_r = errno != 0 ? strerror(errno) : gdbm_strerror(gdbm_errno);
		return NULL;
	}
	db = xmalloc(sizeof(*db));
	db->dbf = dbf;
	return db;
}

void tcpd_accessdb_close(struct tcpd_accessdb *db)
{
	if (db == NULL)
		return;
	gdbm_close(db->dbf);
	free(db);
}

char *tcpd_accessdb_fetch(const char *key, void *ctx)
{
	struct tcpd_accessdb *db = ctx;
	datum k = { (char *)key, (int)strlen(key) };
	datum v = gdbm_fetch(db->dbf, k);
	char *s;

	if (v.dptr == NULL)
		return NULL;
	s = xstrndup(v.dptr, (size_t)v.dsize);
	free(v.dptr);
	return s;
}
