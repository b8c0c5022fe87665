/* courierpasswd: a checkpassword program (cr.yp.to/checkpwd/interface.html) over authdaemond,
 * command-line compatible with Andrew St. Jean's courierpasswd: tokens from fd 3 (or stdin),
 * exit 0 or exec prog on success, 1 rejected, 2 misuse, 111 temporary failure. -C md5|sha1|
 * sha256 takes user, challenge, response (CRAM); -C apop takes user, timestamp, digest. */
#include "config.h"
#include "auth-client.h"
#include "xalloc.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define CP_MAX_INPUT 512 /* the checkpassword interface's bound */

enum { CP_OK = 0, CP_BAD = 1, CP_MISUSE = 2, CP_TEMP = 111 };

struct cp_opts {
	const char *service;
	const char *cramtype; /* NULL, "md5", "sha1", "sha256", "apop" */
	const char *dir;
	int use_stdin, to_stderr, verbose, changepwd;
};

/* Long options by name; each takes no argument unless has_arg. */
static const struct cp_option {
	const char *name;
	char shortopt;
	int has_arg;
	const char *help;
} cp_options[] = {
	{ "service", 's', 1, "-s, --service=SERVICE  service name (default: login)" },
	{ "cramtype", 'C', 1, "-C, --cramtype=TYPE    md5, sha1, sha256 (CRAM) or apop" },
	{ "changepwd", 'c', 0, "-c, --changepwd        tokens are user, old and new password" },
	{ "stdin", 0, 0, "    --stdin            read the tokens from standard input, not fd 3" },
	{ "stderr", 0, 0, "    --stderr           log to standard error, not syslog" },
	{ "verbose", 'v', 0, "-v, --verbose          log successes too" },
	{ "authdaemonvar", 'd', 1, "-d, --authdaemonvar=DIR authdaemond socket directory" },
	{ "help", 'h', 0, "-h, --help             this text" },
	{ "version", 'V', 0, "-V, --version          the version" },
};
#define CP_NOPTS (sizeof(cp_options) / sizeof(cp_options[0]))

static struct cp_opts *cp_log_opts;

static void cp_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cp_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (cp_log_opts != NULL && cp_log_opts->to_stderr) {
		fprintf(stderr, "courierpasswd: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

static void cp_usage(int code)
{
	fprintf(stderr, "Usage: courierpasswd [-chvV] [-s SERVICE] [-C CRAMTYPE] [--stdin] "
			"[--stderr] [prog...]\n");
	for (size_t i = 0; i < CP_NOPTS; i++)
		fprintf(stderr, "  %s\n", cp_options[i].help);
	exit(code);
}

static void cp_apply(struct cp_opts *o, const struct cp_option *opt, const char *arg)
{
	switch (opt->shortopt) {
	case 's':
		o->service = arg;
		return;
	case 'C':
		if (strcmp(arg, "md5") != 0 && strcmp(arg, "sha1") != 0 &&
		    strcmp(arg, "sha256") != 0 && strcmp(arg, "apop") != 0) {
			fprintf(stderr, "courierpasswd: unknown CRAM type %s\n", arg);
			exit(CP_MISUSE);
		}
		o->cramtype = arg;
		return;
	case 'c':
		o->changepwd = 1;
		return;
	case 'v':
		o->verbose = 1;
		return;
	case 'd':
		o->dir = arg;
		return;
	case 'h':
		cp_usage(0);
		return;
	case 'V':
		printf("courierpasswd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		exit(0);
	default:
		if (strcmp(opt->name, "stdin") == 0)
			o->use_stdin = 1;
		else
			o->to_stderr = 1;
	}
}

/* Options up to the first non-option (prog...) or "--". Returns the index of prog. */
static int cp_parse(struct cp_opts *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *arg = NULL;
		const struct cp_option *opt = NULL;

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (a[1] == '-') {
			size_t n = strcspn(a + 2, "=");
			for (size_t k = 0; k < CP_NOPTS && opt == NULL; k++)
				if (strlen(cp_options[k].name) == n &&
				    strncmp(cp_options[k].name, a + 2, n) == 0)
					opt = &cp_options[k];
			if (opt != NULL && opt->has_arg)
				arg = a[2 + n] == '=' ? a + 3 + n : (i + 1 < argc ? argv[++i] : NULL);
			else if (opt != NULL && a[2 + n] == '=')
				opt = NULL;
		} else if (a[2] == '\0' || strchr("sCd", a[1]) != NULL) {
			for (size_t k = 0; k < CP_NOPTS && opt == NULL; k++)
				if (cp_options[k].shortopt == a[1])
					opt = &cp_options[k];
			if (opt != NULL && opt->has_arg)
				arg = a[2] != '\0' ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
		}
		if (opt == NULL || (opt->has_arg && arg == NULL)) {
			fprintf(stderr, "courierpasswd: bad option %s\n", a);
			cp_usage(CP_MISUSE);
		}
		cp_apply(o, opt, arg);
	}
	return i;
}

/* Read up to CP_MAX_INPUT bytes and split them into NUL-terminated tokens. Returns the number
 * of tokens, or -1 (unreadable or oversized input). */
static int cp_read_tokens(int fd, char *data, const char *tok[3])
{
	size_t len = 0;
	int n = 0;

	for (;;) {
		ssize_t k = read(fd, data + len, CP_MAX_INPUT + 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > CP_MAX_INPUT)
			return -1;
	}
	for (size_t p = 0; p < len && n < 3;) {
		char *z = memchr(data + p, '\0', len - p);
		if (z == NULL)
			break;
		tok[n++] = data + p;
		p = (size_t)(z - data) + 1;
	}
	return n;
}

/* checkpassword's contract for prog: the user's identity, home and environment. */
static int cp_exec(const struct account *a, const char *user, char **prog)
{
	setenv("USER", a->sysusername != NULL ? a->sysusername : user, 1);
	setenv("HOME", a->home, 1);
	if (a->maildir != NULL)
		setenv("MAILDIR", a->maildir, 1);
	setenv("AUTHENTICATED", a->address != NULL ? a->address : user, 1);
	if (geteuid() == 0 && a->sysusername == NULL &&
	    (setgroups(1, &a->gid) < 0 || setgid(a->gid) < 0 || setuid(a->uid) < 0)) {
		cp_log(LOG_ERR, "cannot switch to the account of %s", user);
		return CP_TEMP;
	}
	if (chdir(a->home) < 0) {
		cp_log(LOG_ERR, "cannot enter the home directory of %s", user);
		return CP_TEMP;
	}
	execvp(prog[0], prog);
	cp_log(LOG_ERR, "cannot run %s: %s", prog[0], strerror(errno));
	return CP_TEMP;
}

int main(int argc, char **argv)
{
	struct cp_opts o = { .service = "login" };
	char data[CP_MAX_INPUT + 1];
	const char *tok[3] = { NULL, NULL, NULL }, *error = "";
	struct account *a = NULL;
	struct auth_client *ac;
	enum auth_client_status st;
	int prog, ntok, ret;

	cp_log_opts = &o;
	prog = cp_parse(&o, argc, argv);
	openlog("courierpasswd", LOG_PID, LOG_AUTH);
	if (o.changepwd && o.cramtype != NULL) {
		fprintf(stderr, "courierpasswd: password change is not available with CRAM\n");
		return CP_MISUSE;
	}
	ntok = cp_read_tokens(o.use_stdin ? 0 : 3, data, tok);
	if (ntok < 2 || *tok[0] == '\0' || (ntok < 3 && (o.cramtype != NULL || o.changepwd))) {
		secure_zero(data, sizeof(data));
		cp_log(LOG_ERR, "%s", ntok < 0 ? "cannot read the input" : "malformed input");
		return CP_MISUSE;
	}
	ac = auth_client_new(o.dir, NULL);
	if (o.changepwd) {
		st = auth_client_passwd(ac, o.service, tok[0], tok[1], tok[2], &error);
	} else if (o.cramtype == NULL) {
		st = auth_client_login(ac, o.service, tok[0], tok[1], &a, &error);
	} else if (strcmp(o.cramtype, "apop") == 0) {
		st = auth_client_apop(ac, o.service, tok[0], tok[1], tok[2], &a, &error);
	} else {
		struct buf resp = BUF_INIT, authtype = BUF_INIT;
		buf_printf(&resp, "%s %s", tok[0], tok[2]);
		buf_printf(&authtype, "cram-%s", o.cramtype);
		st = auth_client_cram(ac, o.service, buf_cstr(&authtype), tok[1], buf_cstr(&resp),
				      &a, &error);
		buf_free(&resp);
		buf_free(&authtype);
	}
	auth_client_free(ac);
	switch (st) {
	case AUTH_CLIENT_OK:
		if (o.verbose)
			cp_log(LOG_INFO, "authenticated %s, service %s", tok[0], o.service);
		ret = CP_OK;
		if (prog < argc && a != NULL)
			ret = cp_exec(a, tok[0], argv + prog);
		break;
	case AUTH_CLIENT_FAIL:
		cp_log(LOG_NOTICE, "authentication failed for %s, service %s", tok[0], o.service);
		ret = CP_BAD;
		break;
	default:
		cp_log(LOG_ERR, "temporary failure for %s: %s", tok[0], error);
		ret = CP_TEMP;
		break;
	}
	account_free(a);
	secure_zero(data, sizeof(data));
	return ret;
}
