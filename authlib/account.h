/* An authenticated account as backends return it and authdaemond reports it (Courier's
 * authinfo: courier-formats §1.4, §2.3), plus the account-option helpers the servers use. */
#ifndef HATO_ACCOUNT_H
#define HATO_ACCOUNT_H

#include <sys/types.h>

struct account {
	char *address;     /* the login name, canonical (ADDRESS=) */
	char *sysusername; /* system account name (USERNAME=), or NULL when uid is given */
	uid_t uid;
	gid_t gid;
	char *home;
	char *maildir;     /* NULL = none */
	char *quota;       /* NULL = none */
	char *fullname;    /* NULL = none */
	char *options;     /* NULL = none; not yet merged with DEFAULTOPTIONS */
	char *passwd;      /* the stored hash, NULL = none */
	char *clearpasswd; /* the cleartext, when a login supplied it */
};

struct account *account_new(void);
/* Zeroes the password fields. NULL is allowed. */
void account_free(struct account *a);

/* options merged with defaults (both "name=value,name" lists, either may be NULL): every
 * default whose name the account does not set is appended, as Courier's mergeoptions() does.
 * Returns a malloc'd string, "" if both are empty. */
char *account_options_merge(const char *options, const char *defaults);

/* The value of option name in a list: malloc'd ("" for a bare name), or NULL if absent. */
char *account_option_get(const char *options, const char *name);

/* 1 if option name is set true ("name", "name=1", "name=y...", "name=true"), else 0. For
 * disableimap, disablepop3, disableinsecureimap, disableinsecurepop3, ... */
int account_option_enabled(const char *options, const char *name);

#endif
