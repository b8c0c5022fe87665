/* Courier's log line formats for logins, logouts and failures, so that existing fail2ban
 * filters (courier-auth, courier-smtp) keep matching. See reference courier-formats §4.6:
 *   LOGIN, user=%s, ip=[%s], port=[%s], protocol=%s[, starttls=1]
 *   LOGIN FAILED, user=%s, ip=[%s], port=[%s]      (or method=%s when no user name is known)
 *   LOGOUT|TIMEOUT|DISCONNECTED, user=%s, ip=[%s], headers=%lu, body=%lu, rcvd=%lu, sent=%lu, time=%lu
 * pop3d: LOGOUT, user=%s, ip=[%s], port=[%s], top=%lu, retr=%lu, rcvd=%lu, sent=%lu, time=%lu */
#ifndef HATO_LOG_COURIER_H
#define HATO_LOG_COURIER_H

void log_courier_login(const char *user, const char *ip, const char *port, const char *protocol,
		       int starttls);
void log_courier_login_failed(const char *user, const char *method, const char *ip,
			      const char *port);
/* kind: "LOGOUT", "TIMEOUT" or "DISCONNECTED". */
void log_courier_imap_logout(const char *kind, const char *user, const char *ip,
			     unsigned long headers, unsigned long body, unsigned long rcvd,
			     unsigned long sent, unsigned long seconds);
void log_courier_pop3_logout(const char *kind, const char *user, const char *ip,
			     const char *port, unsigned long top, unsigned long retr, unsigned long rcvd,
			     unsigned long sent, unsigned long seconds);
/* The same line with Courier's ", stls=1" appended when the session ran over TLS. */
void log_courier_pop3_logout_tls(const char *kind, const char *user, const char *ip,
				 const char *port, unsigned long top, unsigned long retr,
				 unsigned long rcvd, unsigned long sent, unsigned long seconds, int stls);
void log_courier_connection(const char *ip, const char *port);

#endif
