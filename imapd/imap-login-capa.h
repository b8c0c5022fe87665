/* The capability list imap-login advertises (greeting and CAPABILITY before login): the
 * administrator's IMAP_CAPABILITY / IMAP_CAPABILITY_TLS in the configured order, minus what
 * Hato's imapd does not implement yet, plus what the login state adds (courier-formats §4.1). */
#ifndef HATO_IMAP_LOGIN_CAPA_H
#define HATO_IMAP_LOGIN_CAPA_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

/* The one table of the capabilities Hato's IMAP service implements (AUTH=... excepted: the
 * mechanisms are the login's business and pass as configured). imapd's CAPABILITY after login
 * is meant to be built from the same table. Case-insensitive; name need not be NUL-terminated. */
bool imap_login_capa_implemented(const char *name, size_t len);

struct imap_login_capa_state {
	bool tls_active;    /* use the TLS list (if non-empty) */
	bool starttls;	    /* add STARTTLS */
	bool logindisabled; /* add LOGINDISABLED and drop every AUTH= (no login of any kind) */
};

/* Append the space-separated list (no leading or trailing space) for the state. The configured
 * list used is capability_tls when tls_active and it is non-empty, else capability, else
 * "IMAP4rev1". Unimplemented and duplicate names are dropped; IMAP4rev1 always comes first;
 * SASL-IR and LITERAL+ (implemented by the login and imapd parsers) are appended when missing,
 * then STARTTLS and LOGINDISABLED. */
void imap_login_capa_build(struct buf *out, const char *capability, const char *capability_tls,
			   const struct imap_login_capa_state *state);

/* The configured names that imap_login_capa_build() drops because they are not implemented,
 * space-separated, for the log line at start ("" when none). */
void imap_login_capa_dropped(struct buf *out, const char *configured);

/* True when "AUTH=<mech>" (mech case-insensitive) is in the list built for the state, i.e. the
 * mechanism is advertised and therefore accepted now. */
bool imap_login_capa_has_mech(const char *capability, const char *capability_tls,
			      const struct imap_login_capa_state *state, const char *mech);

#endif
