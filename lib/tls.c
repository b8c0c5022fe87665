/* GnuTLS server context and sessions for Hato (RFC 8446, RFC 5246; SNI RFC 6066; session
 * tickets RFC 5077 / RFC 8446 §4.6.1). See tls.h for the settings and the STARTTLS contract. */
#include "config.h"
#include "tls.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe-io.h"
#include "tls-private.h"
#include "xalloc.h"

#define TLS_MAX_NAMED 64
#define TICKET_KEY_SIZE 64

extern char **environ;

struct tls_named {
	char *name;
	gnutls_certificate_credentials_t cred;
};

struct tls_server {
	gnutls_certificate_credentials_t cred; /* default (TLS_CERTFILE, TLS_CERTFILE_<n>) */
	struct tls_named named[TLS_MAX_NAMED]; /* TLS_CERTFILE.<name> */
	unsigned int nnamed;
	gnutls_priority_t priority;
	gnutls_dh_params_t dh;
	gnutls_datum_t ticket_key;
	unsigned int timeout_ms;
};

struct tls_session {
	gnutls_session_t s;
	struct tls_server *server;
	char server_name[256];
};

static char error_buf[512];

/* Files read before the login child's chroot by tls_server_preload_env(), so that the server
 * context can be made later, on STARTTLS, from memory (a plain connection never parses a
 * certificate). Looked up by path; never freed (one process, one connection). */
#define TLS_MAX_PRELOADED (TLS_MAX_NAMED + 8)
static struct {
	char *path;
	gnutls_datum_t data;
} preloaded[TLS_MAX_PRELOADED];
static unsigned int npreloaded;

static const gnutls_datum_t *preloaded_file(const char *path)
{
	for (unsigned int i = 0; path != NULL && i < npreloaded; i++)
		if (strcmp(preloaded[i].path, path) == 0)
			return &preloaded[i].data;
	return NULL;
}

__attribute__((format(printf, 2, 3))) static int fail(const char **error_r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_buf, sizeof(error_buf), fmt, ap);
	va_end(ap);
	*error_r = error_buf;
	return -1;
}

static int load_cred(gnutls_certificate_credentials_t *cred_r, const char *certfile,
		     const char *keyfile, const struct tls_server *srv, const char **error_r)
{
	int rc;

	if (*cred_r == NULL) {
		if (gnutls_certificate_allocate_credentials(cred_r) < 0)
			return fail(error_r, "%s%s", "cannot allocate credentials", "");
		if (srv->dh != NULL)
			gnutls_certificate_set_dh_params(*cred_r, srv->dh);
		else
			(void)gnutls_certificate_set_known_dh_params(*cred_r,
								     GNUTLS_SEC_PARAM_MEDIUM);
	}
	if (preloaded_file(certfile) != NULL &&
	    preloaded_file(keyfile != NULL ? keyfile : certfile) != NULL)
		rc = gnutls_certificate_set_x509_key_mem(
			*cred_r, preloaded_file(certfile),
			preloaded_file(keyfile != NULL ? keyfile : certfile), GNUTLS_X509_FMT_PEM);
	else
		rc = gnutls_certificate_set_x509_key_file(*cred_r, certfile,
							  keyfile != NULL ? keyfile : certfile,
							  GNUTLS_X509_FMT_PEM);
	if (rc < 0)
		return fail(error_r, "%s: %s", certfile, gnutls_strerror(rc));
	return 0;
}

static int load_dhparams(struct tls_server *srv, const char *path, const char **error_r)
{
	gnutls_datum_t data;
	int rc;

	if (path == NULL || *path == '\0')
		return 0;
	if (preloaded_file(path) != NULL) {
		gnutls_dh_params_init(&srv->dh);
		rc = gnutls_dh_params_import_pkcs3(srv->dh, preloaded_file(path),
						   GNUTLS_X509_FMT_PEM);
		if (rc < 0)
			return fail(error_r, "%s: %s", path, gnutls_strerror(rc));
		return 0;
	}
	rc = gnutls_load_file(path, &data);
	if (rc < 0)
		return fail(error_r, "%s: %s", path, gnutls_strerror(rc));
	gnutls_dh_params_init(&srv->dh);
	rc = gnutls_dh_params_import_pkcs3(srv->dh, &data, GNUTLS_X509_FMT_PEM);
	gnutls_free(data.data);
	if (rc < 0)
		return fail(error_r, "%s: %s", path, gnutls_strerror(rc));
	return 0;
}

/* The ticket key shared by all processes of a service: read from path, or created there
 * (O_EXCL, 0600) when missing; per-process when path is unset. */
static int load_ticket_key(struct tls_server *srv, const char *path, const char **error_r)
{
	unsigned char key[TICKET_KEY_SIZE];
	int fd;

	if (path == NULL || *path == '\0')
		return gnutls_session_ticket_key_generate(&srv->ticket_key) < 0
			       ? fail(error_r, "%s%s", "cannot generate a ticket key", "")
			       : 0;
	if (preloaded_file(path) != NULL && preloaded_file(path)->size == TICKET_KEY_SIZE) {
		srv->ticket_key.data = gnutls_malloc(TICKET_KEY_SIZE);
		memcpy(srv->ticket_key.data, preloaded_file(path)->data, TICKET_KEY_SIZE);
		srv->ticket_key.size = TICKET_KEY_SIZE;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		gnutls_datum_t fresh;

		if (gnutls_session_ticket_key_generate(&fresh) < 0 || fresh.size != sizeof(key))
			return fail(error_r, "%s%s", "cannot generate a ticket key", "");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			int ok = write_full(fd, fresh.data, fresh.size) == 0;
			close(fd);
			if (!ok)
				(void)unlink(path);
		}
		gnutls_memset(fresh.data, 0, fresh.size);
		gnutls_free(fresh.data);
		fd = open(path, O_RDONLY | O_CLOEXEC); /* whoever won the race wrote the key */
	}
	if (fd < 0)
		return fail(error_r, "%s: %s", path, strerror(errno));
	if (read_full(fd, key, sizeof(key)) != (ssize_t)sizeof(key)) {
		close(fd);
		return fail(error_r, "%s: %s", path, "short ticket key file");
	}
	close(fd);
	srv->ticket_key.data = gnutls_malloc(sizeof(key));
	memcpy(srv->ticket_key.data, key, sizeof(key));
	srv->ticket_key.size = sizeof(key);
	gnutls_memset(key, 0, sizeof(key));
	return 0;
}

static int load_env_certs(struct tls_server *srv, const char **error_r)
{
	const char *certfile = getenv("TLS_CERTFILE");
	const char *keyfile = getenv("TLS_PRIVATE_KEYFILE");

	if (certfile == NULL || *certfile == '\0')
		return fail(error_r, "%s%s", "TLS_CERTFILE is not set", "");
	if (keyfile != NULL && *keyfile == '\0')
		keyfile = NULL;
	if (load_cred(&srv->cred, certfile, keyfile, srv, error_r) < 0)
		return -1;
	for (int n = 1; n < 100; n++) {
		char var[32];
		const char *extra;

		snprintf(var, sizeof(var), "TLS_CERTFILE_%d", n);
		extra = getenv(var);
		if (extra == NULL)
			break;
		if (load_cred(&srv->cred, extra, NULL, srv, error_r) < 0)
			return -1;
	}
	for (char **e = environ; *e != NULL; e++) {
		const char *name, *eq;
		struct tls_named *nd;

		if (strncmp(*e, "TLS_CERTFILE.", 13) != 0)
			continue;
		name = *e + 13;
		eq = strchr(name, '=');
		if (eq == NULL || eq == name || srv->nnamed >= TLS_MAX_NAMED)
			continue;
		nd = &srv->named[srv->nnamed];
		nd->name = xstrndup(name, (size_t)(eq - name));
		nd->cred = NULL;
		srv->nnamed++;
		if (load_cred(&nd->cred, eq + 1, NULL, srv, error_r) < 0)
			return -1;
	}
	return 0;
}

static int preload(const char *path, const char **error_r)
{
	int rc;

	if (path == NULL || *path == '\0' || preloaded_file(path) != NULL)
		return 0;
	if (npreloaded >= TLS_MAX_PRELOADED)
		return fail(error_r, "%s: %s", path, "too many TLS files");
	rc = gnutls_load_file(path, &preloaded[npreloaded].data);
	if (rc < 0)
		return fail(error_r, "%s: %s", path, gnutls_strerror(rc));
	preloaded[npreloaded++].path = xstrdup(path);
	return 0;
}

int tls_server_preload_env(const char **error_r)
{
	const char *ticket = getenv("TLS_TICKET_KEYFILE");

	if (getenv("TLS_CERTFILE") == NULL || *getenv("TLS_CERTFILE") == '\0')
		return fail(error_r, "%s%s", "TLS_CERTFILE is not set", "");
	if (preload(getenv("TLS_CERTFILE"), error_r) < 0 ||
	    preload(getenv("TLS_PRIVATE_KEYFILE"), error_r) < 0 ||
	    preload(getenv("TLS_DHPARAMS"), error_r) < 0)
		return -1;
	for (int n = 1; n < 100; n++) {
		char var[32];

		snprintf(var, sizeof(var), "TLS_CERTFILE_%d", n);
		if (getenv(var) == NULL)
			break;
		if (preload(getenv(var), error_r) < 0)
			return -1;
	}
	for (char **e = environ; *e != NULL; e++) {
		const char *eq;

		if (strncmp(*e, "TLS_CERTFILE.", 13) != 0 || (eq = strchr(*e + 13, '=')) == NULL)
			continue;
		if (preload(eq + 1, error_r) < 0)
			return -1;
	}
	if (ticket != NULL && *ticket != '\0') {
		/* made here if missing (the same code as without preloading), then kept */
		struct tls_server tmp = { 0 };

		if (load_ticket_key(&tmp, ticket, error_r) < 0)
			return -1;
		if (npreloaded >= TLS_MAX_PRELOADED) {
			gnutls_memset(tmp.ticket_key.data, 0, tmp.ticket_key.size);
			gnutls_free(tmp.ticket_key.data);
			return fail(error_r, "%s: %s", ticket, "too many TLS files");
		}
		preloaded[npreloaded].data = tmp.ticket_key;
		preloaded[npreloaded++].path = xstrdup(ticket);
	}
	return 0;
}

int tls_server_new_from_env(struct tls_server **server_r, const char **error_r)
{
	struct tls_server *srv = xcalloc(1, sizeof(*srv));
	const char *prio = getenv("TLS_PRIORITY");
	const char *timeout = getenv("TLS_TIMEOUT");
	const char *errpos = NULL;
	int rc;

	srv->timeout_ms = TLS_DEFAULT_TIMEOUT_SECS * 1000;
	if (timeout != NULL && atoi(timeout) > 0 && atoi(timeout) < 3600)
		srv->timeout_ms = (unsigned int)atoi(timeout) * 1000;
	if (prio == NULL || *prio == '\0')
		prio = TLS_DEFAULT_PRIORITY;
	rc = gnutls_priority_init(&srv->priority, prio, &errpos);
	if (rc < 0) {
		fail(error_r, "TLS_PRIORITY: %s at \"%.100s\"", gnutls_strerror(rc),
		     errpos != NULL ? errpos : "");
		goto error;
	}
	if (load_dhparams(srv, getenv("TLS_DHPARAMS"), error_r) < 0 ||
	    load_env_certs(srv, error_r) < 0 ||
	    load_ticket_key(srv, getenv("TLS_TICKET_KEYFILE"), error_r) < 0)
		goto error;
	*server_r = srv;
	return 0;
error:
	tls_server_free(srv);
	return -1;
}

void tls_server_free(struct tls_server *srv)
{
	if (srv == NULL)
		return;
	for (unsigned int i = 0; i < srv->nnamed; i++) {
		free(srv->named[i].name);
		if (srv->named[i].cred != NULL)
			gnutls_certificate_free_credentials(srv->named[i].cred);
	}
	if (srv->cred != NULL)
		gnutls_certificate_free_credentials(srv->cred);
	if (srv->priority != NULL)
		gnutls_priority_deinit(srv->priority);
	if (srv->dh != NULL)
		gnutls_dh_params_deinit(srv->dh);
	if (srv->ticket_key.data != NULL) {
		gnutls_memset(srv->ticket_key.data, 0, srv->ticket_key.size);
		gnutls_free(srv->ticket_key.data);
	}
	free(srv);
}

/* After the ClientHello: Courier's TLS_CERTFILE.<servername> picks the credentials. */
static int post_client_hello(gnutls_session_t s)
{
	struct tls_session *ts = gnutls_session_get_ptr(s);
	size_t len = sizeof(ts->server_name) - 1;
	unsigned int type;

	if (gnutls_server_name_get(s, ts->server_name, &len, &type, 0) < 0 ||
	    type != GNUTLS_NAME_DNS) {
		ts->server_name[0] = '\0';
		return 0;
	}
	ts->server_name[len] = '\0';
	for (unsigned int i = 0; i < ts->server->nnamed; i++) {
		if (strcasecmp(ts->server->named[i].name, ts->server_name) == 0) {
			gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE,
					       ts->server->named[i].cred);
			break;
		}
	}
	return 0;
}

int tls_server_start(struct tls_server *srv, int fd_in, int fd_out,
		     struct tls_session **session_r, const char **error_r)
{
	struct tls_session *ts = xcalloc(1, sizeof(*ts));
	int rc;

	ts->server = srv;
	if (gnutls_init(&ts->s, GNUTLS_SERVER) < 0) {
		free(ts);
		return fail(error_r, "%s%s", "gnutls_init failed", "");
	}
	gnutls_session_set_ptr(ts->s, ts);
	gnutls_priority_set(ts->s, srv->priority);
	gnutls_credentials_set(ts->s, GNUTLS_CRD_CERTIFICATE, srv->cred);
	gnutls_certificate_server_set_request(ts->s, GNUTLS_CERT_IGNORE);
	gnutls_session_ticket_enable_server(ts->s, &srv->ticket_key);
	gnutls_handshake_set_post_client_hello_function(ts->s, post_client_hello);
	gnutls_transport_set_int2(ts->s, fd_in, fd_out);
	gnutls_handshake_set_timeout(ts->s, srv->timeout_ms);
	do {
		rc = gnutls_handshake(ts->s);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0) {
		/* Tell the client why (protocol_version for TLS 1.0/1.1 and so on). */
		(void)gnutls_alert_send_appropriate(ts->s, rc);
		fail(error_r, "TLS handshake failed: %s%s", gnutls_strerror(rc), "");
		gnutls_deinit(ts->s);
		free(ts);
		return -1;
	}
	*session_r = ts;
	return 0;
}

void tls_session_free(struct tls_session *ts)
{
	if (ts == NULL)
		return;
	(void)gnutls_bye(ts->s, GNUTLS_SHUT_WR);
	gnutls_deinit(ts->s);
	free(ts);
}

ssize_t tls_read(struct tls_session *ts, void *buf, size_t n)
{
	ssize_t rc;

	do {
		rc = gnutls_record_recv(ts->s, buf, n);
	} while (rc == GNUTLS_E_INTERRUPTED || rc == GNUTLS_E_AGAIN);
	if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		return 0; /* the peer closed without close_notify: treat as EOF */
	return rc < 0 ? -1 : rc;
}

int tls_write(struct tls_session *ts, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t rc = gnutls_record_send(ts->s, p, n);

		if (rc == GNUTLS_E_INTERRUPTED || rc == GNUTLS_E_AGAIN)
			continue;
		if (rc < 0)
			return -1;
		p += rc;
		n -= (size_t)rc;
	}
	return 0;
}

const char *tls_session_server_name(const struct tls_session *ts)
{
	return ts->server_name[0] != '\0' ? ts->server_name : NULL;
}

const char *tls_session_protocol(const struct tls_session *ts)
{
	return gnutls_protocol_get_name(gnutls_protocol_get_version(ts->s));
}

int tls_session_resumed(const struct tls_session *ts)
{
	return gnutls_session_is_resumed(ts->s) != 0;
}

int tls_session_pending(const struct tls_session *ts)
{
	return gnutls_record_check_pending(ts->s) > 0;
}

int tls_session_fd(const struct tls_session *ts)
{
	int in, out;

	gnutls_transport_get_int2(ts->s, &in, &out);
	return in;
}
