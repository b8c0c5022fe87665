/* Dovecot-protocol SASL sessions for authdaemond: AUTH starts a mechanism, CONT feeds it, OK /
 * CONT / FAIL carry the results. At most 16 exchanges in flight per connection. */
#include "config.h"
#include "authd-dovecot.h"
#include "auth-base64.h"
#include "auth-random.h"
#include "authname.h"
#include "proto-dovecot.h"
#include "sasl-mech.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SESSIONS 16

struct dsession {
	unsigned long id;
	struct sasl_session *s;
	struct auth_chain_creds creds;
	char *service;
	char *rip;
};

struct authd_dovecot_conn {
	struct auth_chain *chain;
	char *hostname;
	int got_version;
	struct dsession sessions[MAX_SESSIONS];
};

static const char *const mechs[] = { "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-SHA256",
				     "CRAM-SHA1", "CRAM-MD5", "PLAIN", "LOGIN" };
static const unsigned plaintext[] = { 0, 0, 0, 0, 0, 1, 1 };

struct authd_dovecot_conn *authd_dovecot_conn_new(struct auth_chain *chain, const char *hostname)
{
	struct authd_dovecot_conn *dc = xcalloc(1, sizeof(*dc));

	dc->chain = chain;
	dc->hostname = xstrdup(hostname);
	return dc;
}

static void dsession_end(struct dsession *ds)
{
	sasl_session_free(ds->s);
	free(ds->service);
	free(ds->rip);
	memset(ds, 0, sizeof(*ds));
}

void authd_dovecot_conn_free(struct authd_dovecot_conn *dc)
{
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (dc->sessions[i].s != NULL)
			dsession_end(&dc->sessions[i]);
	free(dc->hostname);
	free(dc);
}

void authd_dovecot_handshake(struct buf *out, unsigned long pid, unsigned long cuid)
{
	uint8_t rnd[16];
	char cookie[33];
	const char *error;

	if (auth_random_fill(rnd, sizeof(rnd), &error) < 0)
		memset(rnd, 0, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(cookie + 2 * i, 3, "%02x", rnd[i]);
	proto_dovecot_handshake(out, mechs, plaintext, sizeof(mechs) / sizeof(mechs[0]), pid, cuid,
				cookie);
}

static struct dsession *find(struct authd_dovecot_conn *dc, unsigned long id)
{
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (dc->sessions[i].s != NULL && dc->sessions[i].id == id)
			return &dc->sessions[i];
	return NULL;
}

/* Turn a mechanism result into a reply line; ends the session unless it continues. */
static void reply(struct dsession *ds, enum sasl_result r, const struct buf *data,
		  struct buf *out, int *failed_r, char **rip_r)
{
	const char *error;
	char *canon;

	switch (r) {
	case SASL_CONTINUE:
		buf_printf(out, "CONT\t%lu\t", ds->id);
		auth_base64_encode(out, data->data, data->len);
		buf_putc(out, '\n');
		return;
	case SASL_OK:
		canon = authname_canonical(sasl_session_authcid(ds->s), &error);
		buf_printf(out, "OK\t%lu\tuser=", ds->id);
		proto_dovecot_escape(out, canon != NULL ? canon : sasl_session_authcid(ds->s));
		free(canon);
		if (data->len > 0) {
			buf_puts(out, "\tresp=");
			auth_base64_encode(out, data->data, data->len);
		}
		buf_putc(out, '\n');
		break;
	case SASL_TEMPFAIL:
		buf_printf(out, "FAIL\t%lu\ttemp\n", ds->id);
		break;
	case SASL_FAIL:
		buf_printf(out, "FAIL\t%lu\n", ds->id);
		*failed_r = 1;
		free(*rip_r);
		*rip_r = ds->rip != NULL ? xstrdup(ds->rip) : NULL;
		break;
	}
	dsession_end(ds);
}

static int decode(const char *b64, struct buf *raw)
{
	const char *error;

	return auth_base64_decode(raw, b64, strlen(b64), &error);
}

static void do_auth(struct authd_dovecot_conn *dc, struct proto_dovecot_cmd *cmd, struct buf *out,
		    int *failed_r, char **rip_r)
{
	const struct sasl_mech *m = sasl_mech_find(cmd->mech);
	struct dsession *ds = NULL;
	struct buf in = BUF_INIT, data = BUF_INIT;

	for (size_t i = 0; i < MAX_SESSIONS && ds == NULL; i++)
		if (dc->sessions[i].s == NULL)
			ds = &dc->sessions[i];
	if (m == NULL || m == &sasl_mech_apop || ds == NULL || find(dc, cmd->id) != NULL ||
	    (cmd->has_resp && decode(cmd->data, &in) < 0)) {
		buf_printf(out, "FAIL\t%lu\treason=", cmd->id);
		buf_puts(out, m == NULL ? "Unsupported authentication mechanism"
					: "Invalid request");
		buf_putc(out, '\n');
		buf_free_secure(&in);
		return;
	}
	ds->id = cmd->id;
	ds->service = xstrdup(cmd->service);
	ds->rip = cmd->rip != NULL ? xstrdup(cmd->rip) : NULL;
	ds->s = sasl_session_new(m, auth_chain_creds_init(&ds->creds, dc->chain, ds->service),
				 dc->hostname);
	reply(ds, sasl_session_start(ds->s, in.data, in.len, cmd->has_resp, &data), &data, out,
	      failed_r, rip_r);
	buf_free_secure(&in);
	buf_free(&data);
}

int authd_dovecot_line(struct authd_dovecot_conn *dc, const char *line, size_t len,
		       struct buf *out, int *failed_r, char **rip_r)
{
	struct proto_dovecot_cmd cmd;
	const char *error;
	struct dsession *ds;
	struct buf in = BUF_INIT, data = BUF_INIT;

	if (proto_dovecot_parse(line, len, &cmd, &error) < 0)
		return -1;
	switch (cmd.type) {
	case PROTO_DOVECOT_VERSION:
		dc->got_version = 1;
		break;
	case PROTO_DOVECOT_CPID:
		break;
	case PROTO_DOVECOT_AUTH:
		if (!dc->got_version) {
			proto_dovecot_cmd_clear(&cmd);
			return -1;
		}
		do_auth(dc, &cmd, out, failed_r, rip_r);
		break;
	case PROTO_DOVECOT_CONT:
		ds = find(dc, cmd.id);
		if (ds == NULL) {
			buf_printf(out, "FAIL\t%lu\treason=Unknown request\n", cmd.id);
		} else if (decode(cmd.data, &in) < 0) {
			buf_printf(out, "FAIL\t%lu\treason=Invalid base64\n", cmd.id);
			dsession_end(ds);
		} else {
			reply(ds, sasl_session_input(ds->s, in.data, in.len, &data), &data, out,
			      failed_r, rip_r);
		}
		break;
	}
	proto_dovecot_cmd_clear(&cmd);
	buf_free_secure(&in);
	buf_free(&data);
	return 0;
}
