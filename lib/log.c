/* stderr/syslog logging. Messages are single lines: control bytes are escaped so a client
 * cannot forge extra log lines (fail2ban reads these). */
#include "config.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_name = "hato";
static enum log_target log_to = LOG_TARGET_STDERR;
static int log_verbose;

void log_init(const char *ident, enum log_target target)
{
	log_name = ident;
	log_to = target;
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_set_verbose(int level)
{
	log_verbose = level;
}

const char *log_ident(void)
{
	return log_name;
}

static void sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

static void vlog(int prio, const char *prefix, const char *fmt, va_list ap, const char *suffix)
	__attribute__((format(printf, 3, 0)));

static void vlog(int prio, const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char msg[2048];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sanitize(msg);
	if (log_to == LOG_TARGET_SYSLOG) {
		syslog(prio, "%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "");
	} else {
		fprintf(stderr, "%s[%ld]: %s%s%s%s\n", log_name, (long)getpid(), prefix, msg,
			suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	}
	errno = saved;
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "DEBUG: ", fmt, ap, NULL);
	va_end(ap);
}

void log_vinfo(const char *fmt, va_list ap)
{
	vlog(LOG_INFO, "INFO: ", fmt, ap, NULL);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vinfo(fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, "WARN: ", fmt, ap, err);
	va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "WARN: ", fmt, ap, NULL);
	va_end(ap);
}

_Noreturn void fatal(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, "ERR: ", fmt, ap, err);
	va_end(ap);
	exit(1);
}

_Noreturn void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, "ERR: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
