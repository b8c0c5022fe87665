/* hato-tcpd command-line options: couriertcpd's (courier-formats §3.1) plus Hato's -tls,
 * -overlimit, -refuse and -config. Parsing only; no side effects. */
#ifndef HATO_TCPD_OPTIONS_H
#define HATO_TCPD_OPTIONS_H

#define TCPD_DEFAULT_MAXPROCS 400 /* Courier: 40; DESIGN.md §5 */
#define TCPD_DEFAULT_MAXPERIP 20  /* Courier: 4, which breaks Thunderbird */

struct tcpd_options {
	const char *access, *address, *denymsg, *overlimit, *refuse;
	const char *pid, *user, *group, *stderr_to, *stderrlogger, *stderrloggername;
	const char *tls, *config;
	long maxprocs, maxperip, maxperc, warn, listen; /* 0 = not given */
	int accesslocal, nodnslookup, noidentlookup, stop, restart;
};

/* Parse options from argv[*argn] on, stopping at the first non-option or after "--";
 * *argn is left at the first positional argument. Later options override earlier ones, so
 * options from a config file (TCPDOPTS) can be parsed first and the command line after.
 * Returns 0, or -1 with *error_r ("Invalid option: -x", valid until the next call). */
int tcpd_options_parse(struct tcpd_options *o, int argc, char **argv, int *argn,
		       const char **error_r);

#endif
