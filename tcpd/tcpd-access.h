/* couriertcpd access-file semantics (courier-formats §3.3): lookup keys, most-specific match,
 * and the allow/deny/VAR=value values. No I/O: the database is reached through a callback. */
#ifndef HATO_TCPD_ACCESS_H
#define HATO_TCPD_ACCESS_H

#include <stddef.h>
#include <sys/socket.h>

#define TCPD_ACCESS_KEY_MAX 64	 /* ":hhhh" x 8 + ".65535" fits easily */
#define TCPD_ACCESS_MAX_VARS 64	 /* variables one entry may set */
#define TCPD_ACCESS_VALUE_MAX 4096 /* longer values are refused as a whole */

/* Fetch the value stored under key: a malloc'd NUL-terminated string, or NULL if absent. */
typedef char *tcpd_access_fetch_fn(const char *key, void *ctx);

enum tcpd_access_verdict {
	TCPD_ACCESS_ALLOW,
	TCPD_ACCESS_DENY,
};

struct tcpd_access_vars {
	char *vars[TCPD_ACCESS_MAX_VARS]; /* malloc'd "NAME=value" */
	unsigned int count;
};

/* Courier's key for an address: IPv4 and IPv4-mapped IPv6 as dotted quad, other IPv6 as
 * ":hhhh" eight times (lowercase, zero-padded). Returns 0, or -1 for an unknown family. */
int tcpd_access_key(const struct sockaddr *sa, char *buf, size_t size);

/* The single most specific entry for key (with ".port" appended when port > 0): the key, then
 * the key with its last "."- or ":"-component removed, repeatedly; then "*.port" (when port > 0),
 * then "*". Returns the malloc'd value, or NULL when nothing matches (= allow). */
char *tcpd_access_lookup(const char *key, int port, tcpd_access_fetch_fn *fetch, void *ctx);

/* Interpret a value: "deny..." denies; otherwise an optional "allow" (and ",") is followed by
 * comma-separated NAME or NAME=value items, with '...' or "..." quoting commas; quotes are
 * removed, surrounding white space trimmed, a bare NAME becomes "NAME=". Items whose name is
 * not [A-Za-z_][A-Za-z0-9_]* are skipped. vars must be zeroed; free with _vars_free. */
enum tcpd_access_verdict tcpd_access_parse(const char *value, struct tcpd_access_vars *vars);
void tcpd_access_vars_free(struct tcpd_access_vars *vars);
/* The value of NAME among vars, or NULL. */
const char *tcpd_access_vars_get(const struct tcpd_access_vars *vars, const char *name);

#endif
