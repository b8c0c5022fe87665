/* Logging: to stderr or syslog (facility mail). A tiny vocabulary, after OpenSMTPD:
 * log_warn appends strerror(errno), log_warnx does not; fatal/fatalx log and exit(1).
 * Courier's line formats for login/logout/failure live in log-courier.h. */
#ifndef HATO_LOG_H
#define HATO_LOG_H

#include <stdarg.h>

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
};

/* ident is kept by pointer (as openlog does): pass a string that lives forever. */
void log_init(const char *ident, enum log_target target);
/* 0 = info and above (default), 1 = also debug. */
void log_set_verbose(int level);
const char *log_ident(void);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vinfo(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
