/* Server-side SASL mechanisms as pure state machines: bytes in (already base64-decoded), challenge
 * bytes out, no I/O. Credentials come from a callback table the caller supplies, so the same
 * mechanisms serve authdaemond, tests and fuzzers. One mechanism per file (sasl-plain.c, ...). */
#ifndef HATO_SASL_MECH_H
#define HATO_SASL_MECH_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Longest client message a mechanism accepts (decoded bytes). */
#define SASL_MAX_INPUT 8192

enum sasl_result {
	SASL_CONTINUE, /* send *out as a challenge, then call sasl_session_input() */
	SASL_OK,       /* authenticated; *out, if not empty, is additional data with success */
	SASL_FAIL,     /* rejected; sasl_session_reason() says why (for the log, not the client) */
	SASL_TEMPFAIL, /* the credential store failed; try again later */
};

struct sasl_creds {
	void *ctx;
	/* Check a cleartext password. 1 = right, 0 = wrong password or no such user, -1 = temporary
	 * failure (*error_r). */
	int (*verify_plain)(void *ctx, const char *user, const char *password,
			    const char **error_r);
	/* Fetch a stored secret field for user ("hmac-md5pw", "scram-sha256pw", "apoppw"); the
	 * callback applies service-specific fallbacks. 1 = found (*secret_r malloc'd, the
	 * mechanism zeroes and frees it), 0 = no such user or field, -1 = temporary failure. */
	int (*get_secret)(void *ctx, const char *user, const char *field, char **secret_r,
			  const char **error_r);
};

struct sasl_session;

enum sasl_mech_flags {
	SASL_MECH_PLAINTEXT = 1 << 0, /* the password crosses the wire: TLS-only unless allowed */
	SASL_MECH_NO_INITIAL = 1 << 1, /* an initial response is a protocol error (CRAM-*) */
};

struct sasl_mech {
	const char *name;
	unsigned flags;
	size_t session_size; /* the mechanism's session struct, which starts with sasl_session */
	/* First step; have_input says whether the client sent an initial response. */
	enum sasl_result (*start)(struct sasl_session *s, const uint8_t *in, size_t len,
				  int have_input, struct buf *out);
	enum sasl_result (*input)(struct sasl_session *s, const uint8_t *in, size_t len,
				  struct buf *out);
	/* Zero and free mechanism state (may be NULL). */
	void (*deinit)(struct sasl_session *s);
};

/* Common session state; mechanisms embed it as their first member. */
struct sasl_session {
	const struct sasl_mech *mech;
	const struct sasl_creds *creds;
	char *hostname;   /* for CRAM challenges */
	char *nonce;      /* injected nonce/challenge for tests; NULL = random */
	char *authcid;
	char *authzid;
	const char *reason;
	int started, finished;
};

extern const struct sasl_mech sasl_mech_plain, sasl_mech_login, sasl_mech_cram_md5,
	sasl_mech_cram_sha1, sasl_mech_cram_sha256, sasl_mech_scram_sha1, sasl_mech_scram_sha256,
	sasl_mech_apop;

/* Mechanism by name, case-insensitive; NULL if unknown. */
const struct sasl_mech *sasl_mech_find(const char *name);
/* The mechanism table, strongest first, NULL-terminated. */
extern const struct sasl_mech *const sasl_mech_all[];

/* hostname goes into CRAM challenges (NULL = "localhost"). creds must outlive the session. */
struct sasl_session *sasl_session_new(const struct sasl_mech *mech, const struct sasl_creds *creds,
				      const char *hostname);
/* For tests: CRAM uses nonce as the whole challenge; SCRAM as the server nonce part. */
void sasl_session_set_nonce(struct sasl_session *s, const char *nonce);
enum sasl_result sasl_session_start(struct sasl_session *s, const void *in, size_t len,
				    int have_input, struct buf *out);
enum sasl_result sasl_session_input(struct sasl_session *s, const void *in, size_t len,
				    struct buf *out);
/* After SASL_OK: the authentication identity and the authorization identity ("" if none). */
const char *sasl_session_authcid(const struct sasl_session *s);
const char *sasl_session_authzid(const struct sasl_session *s);
/* After SASL_FAIL / SASL_TEMPFAIL: why, for the log. */
const char *sasl_session_reason(const struct sasl_session *s);
void sasl_session_free(struct sasl_session *s);

/* For mechanisms: record the outcome. */
enum sasl_result sasl_session_fail(struct sasl_session *s, const char *reason);
enum sasl_result sasl_session_ok(struct sasl_session *s, const char *authcid, const char *authzid);
/* Map a creds return value (-1/0/1) to a result; 1 -> SASL_CONTINUE meaning "go on". */
enum sasl_result sasl_session_creds_result(struct sasl_session *s, int r, const char *error);

#endif
