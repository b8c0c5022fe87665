/* hato-tcpd's settings from its command line (and -config files): options, port list,
 * program argv, limits and refusal lines, all resolved before any socket is made. */
#ifndef HATO_TCPD_SETUP_H
#define HATO_TCPD_SETUP_H

#include "conffile.h"
#include "tcpd-options.h"
#include "tcpd-ports.h"

struct tcpd_setup {
	struct tcpd_options opt;
	struct tcpd_portlist ports;
	char **argv; /* program and its arguments (points into main's argv) */
	long maxprocs, maxperip, maxperc, warn;
	const char *denymsg, *overlimit; /* one line each, without CRLF; NULL = close silently */
	struct conffile *config;	 /* -config files, NULL without */
	char *tcpdopts_copy, *access_dat;
};

/* Parse argv into s. -stop / -restart need only -pid.
 * With -config=file[,file2] the files (Courier's pop3d, pop3d-ssl, imapd, imapd-ssl) are read
 * first: every variable is exported to the environment, TCPDOPTS is parsed as options, ADDRESS,
 * MAXDAEMONS, MAXPERIP and POP3ACCESSFILE/IMAPACCESSFILE (+".dat", when it exists) set the
 * matching options, and when the first positional argument is the program (an absolute path)
 * the ports are PORT (plain) and SSLPORT (implicit TLS). Options on the command line override
 * all of these. Returns 0, or -1 with *error_r. */
int tcpd_setup(struct tcpd_setup *s, int argc, char **argv, const char **error_r);
void tcpd_setup_deinit(struct tcpd_setup *s);

/* The refusal lines tcpd uses when neither -overlimit/-denymsg nor -refuse is given, chosen
 * by the protocol named in the program's argv ("pop3" or "imap" in a file name); NULL when
 * neither appears. */
const char *tcpd_setup_default_overlimit(char **argv);
const char *tcpd_setup_default_denymsg(char **argv);

/* -user (and -group, which needs -user) after binding, through privs_drop. Returns 0, or -1
 * with *error_r. */
int tcpd_setup_drop_privileges(const struct tcpd_setup *s, const char **error_r);

#endif
