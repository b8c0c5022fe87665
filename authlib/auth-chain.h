/* The configured backends in authmodulelist order, and the operations authdaemond answers:
 * account lookup (PRE), password login (AUTH login), secrets for challenge-response, and
 * enumeration. Names are canonicalised (authname.h) before any backend sees them. */
#ifndef HATO_AUTH_CHAIN_H
#define HATO_AUTH_CHAIN_H

#include "backend.h"
#include "sasl-mech.h"

struct conffile;
struct auth_chain;

/* modulelist: space-separated backend names ("authuserdb authshadow"); unknown names are an
 * error. A backend that fails to start (no userdb.dat yet) is skipped with a warning in
 * *warning_r (NULL if none). Returns NULL with *error_r. */
struct auth_chain *auth_chain_new(const char *modulelist, const struct conffile *conf,
				  const char **warning_r, const char **error_r);
void auth_chain_free(struct auth_chain *c);

/* The account of user, trying backends in order: AUTH_OK (*acct_r), AUTH_NOUSER, or
 * AUTH_TEMPFAIL (*error_r). An invalid name (bad IDN domain) is AUTH_NOUSER with *error_r. */
enum auth_result auth_chain_lookup(struct auth_chain *c, const char *service, const char *user,
				   struct account **acct_r, const char **error_r);

/* Check a password: AUTH_OK (*acct_r, with clearpasswd set), AUTH_BADPASS (unknown users too:
 * the caller cannot tell them apart), or AUTH_TEMPFAIL. */
enum auth_result auth_chain_login(struct auth_chain *c, const char *service, const char *user,
				  const char *password, struct account **acct_r,
				  const char **error_r);

/* PASSWD: change user's password for service. AUTH_OK, AUTH_BADPASS (wrong old password,
 * unknown user, or an account of a backend that cannot change passwords: *error_r says which,
 * for the log only), or AUTH_TEMPFAIL (*error_r). */
enum auth_result auth_chain_passwd(struct auth_chain *c, const char *service, const char *user,
				   const char *oldpw, const char *newpw, const char **error_r);

/* A secret field for user: "<service>-<field>" first for hmac-*pw fields, then field.
 * 1 = found (*secret_r malloc'd), 0 = none, -1 = temporary failure. */
int auth_chain_get_secret(struct auth_chain *c, const char *service, const char *user,
			  const char *field, char **secret_r, const char **error_r);

/* For each backend that can enumerate: module(name) then fn for each of its accounts. */
void auth_chain_enumerate(struct auth_chain *c, void (*module)(const char *name, void *ctx),
			  void (*fn)(const struct account *a, void *ctx), void *ctx);

/* SASL credentials bound to a chain and a service; storage must outlive the SASL session. */
struct auth_chain_creds {
	struct sasl_creds creds;
	struct auth_chain *chain;
	const char *service;
};
const struct sasl_creds *auth_chain_creds_init(struct auth_chain_creds *storage,
					       struct auth_chain *c, const char *service);

/* Backend by authmodulelist name; NULL if unknown. */
const struct auth_backend_ops *backend_find(const char *name);

#endif
