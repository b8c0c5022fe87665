/* The last step of a login parent: become the account and exec the mail program. */
#ifndef HATO_LOGIN_EXEC_H
#define HATO_LOGIN_EXEC_H

#include "account.h"
#include "login-common.h"

/* fd becomes the mail program's fd 0 and 1; pipelined bytes reach it through a pipe whose fd
 * number is in HATO_PIPELINED_FD. Sets AUTHENTICATED, AUTHADDR, HOME, MAILDIR, OPTIONS, the
 * service's TLS variable and UTF8, drops to the account (never uid 0), enters home and then the
 * Maildir (the account's, else mail_argv[1], which then becomes ".") and execs. Returns only
 * on failure (exit code). */
int login_exec(const struct login_service *svc, const struct account *acct, int fd,
	       const char *pipelined, size_t len, int tls, int utf8, char **mail_argv);

#endif
