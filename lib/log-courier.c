/* Courier-format login/logout lines (see log-courier.h). */
#include "config.h"
#include "log-courier.h"
#include "log.h"

#include <stddef.h>

static const char *nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : "N/A";
}

void log_courier_login(const char *user, const char *ip, const char *port, const char *protocol,
		       int starttls)
{
	log_info("LOGIN, user=%s, ip=[%s], port=[%s], protocol=%s%s", nz(user), nz(ip), nz(port),
		 nz(protocol), starttls ? ", starttls=1" : "");
}

void log_courier_login_failed(const char *user, const char *method, const char *ip,
			      const char *port)
{
	if (user != NULL && *user != '\0')
		log_info("LOGIN FAILED, user=%s, ip=[%s], port=[%s]", user, nz(ip), nz(port));
	else
		log_info("LOGIN FAILED, method=%s, ip=[%s], port=[%s]", nz(method), nz(ip), nz(port));
}

void log_courier_imap_logout(const char *kind, const char *user, const char *ip,
			     unsigned long headers, unsigned long body, unsigned long rcvd,
			     unsigned long sent, unsigned long seconds)
{
	log_info("%s, user=%s, ip=[%s], headers=%lu, body=%lu, rcvd=%lu, sent=%lu, time=%lu",
		 kind, nz(user), nz(ip), headers, body, rcvd, sent, seconds);
}

void log_courier_pop3_logout(const char *kind, const char *user, const char *ip,
			     const char *port, unsigned long top, unsigned long retr, unsigned long rcvd,
			     unsigned long sent, unsigned long seconds)
{
	log_info("%s, user=%s, ip=[%s], port=[%s], top=%lu, retr=%lu, rcvd=%lu, sent=%lu, time=%lu",
		 kind, nz(user), nz(ip), nz(port), top, retr, rcvd, sent, seconds);
}

void log_courier_pop3_logout_tls(const char *kind, const char *user, const char *ip,
				 const char *port, unsigned long top, unsigned long retr,
				 unsigned long rcvd, unsigned long sent, unsigned long seconds, int stls)
{
	log_info("%s, user=%s, ip=[%s], port=[%s], top=%lu, retr=%lu, rcvd=%lu, sent=%lu, "
		 "time=%lu%s",
		 kind, nz(user), nz(ip), nz(port), top, retr, rcvd, sent, seconds,
		 stls ? ", stls=1" : "");
}

void log_courier_connection(const char *ip, const char *port)
{
	log_debug("Connection, ip=[%s], port=[%s]", nz(ip), nz(port));
}
