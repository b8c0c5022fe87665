/* The access file on disk: a GDBM file of key -> value (no NULs stored), as Courier's makedat
 * writes it. Opened read-only, reopened on SIGHUP. */
#ifndef HATO_TCPD_ACCESSDB_H
#define HATO_TCPD_ACCESSDB_H

struct tcpd_accessdb;

/* Returns a handle, or NULL with *error_r (static or strerror text). */
struct tcpd_accessdb *tcpd_accessdb_open(const char *path, const char **error_r);
void tcpd_accessdb_close(struct tcpd_accessdb *db);
/* A tcpd_access_fetch_fn: ctx is the struct tcpd_accessdb. */
char *tcpd_accessdb_fetch(const char *key, void *ctx);

#endif
