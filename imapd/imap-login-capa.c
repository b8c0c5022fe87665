/* imap-login's capability list: configured names filtered by the implemented table. */
#include "config.h"
#include "imap-login-capa.h"
#include "imap-capability.h"

#include <string.h>
#include <strings.h>

bool imap_login_capa_implemented(const char *name, size_t len)
{
	/* SASL-IR is imap-login's own (AUTHENTICATE happens before imapd); the rest is imapd's. */
	if (len == 7 && strncasecmp(name, "SASL-IR", 7) == 0)
		return true;
	return imap_capability_has(name, len);
}

static bool is_auth(const char *name, size_t len)
{
	return len > 5 && strncasecmp(name, "AUTH=", 5) == 0;
}

/* Next space-separated word of *p: its start and length (0 at the end). */
static const char *next_word(const char **p, size_t *len_r)
{
	const char *w = *p;

	while (*w == ' ' || *w == '\t')
		w++;
	*len_r = strcspn(w, " \t");
	*p = w + *len_r;
	return w;
}

static bool listed(const struct buf *out, const char *name, size_t len)
{
	const char *p = buf_cstr(out);
	size_t wlen;

	for (const char *w = next_word(&p, &wlen); wlen > 0; w = next_word(&p, &wlen))
		if (wlen == len && strncasecmp(w, name, len) == 0)
			return true;
	return false;
}

static void add(struct buf *out, const char *name, size_t len)
{
	if (listed(out, name, len))
		return;
	if (out->len > 0)
		buf_putc(out, ' ');
	buf_append(out, name, len);
}

static const char *configured_list(const char *capability, const char *capability_tls,
				   const struct imap_login_capa_state *state)
{
	if (state->tls_active && capability_tls != NULL && *capability_tls != '\0')
		return capability_tls;
	if (capability != NULL && *capability != '\0')
		return capability;
	return "IMAP4rev1";
}

void imap_login_capa_build(struct buf *out, const char *capability, const char *capability_tls,
			   const struct imap_login_capa_state *state)
{
	const char *p = configured_list(capability, capability_tls, state);
	struct buf list = BUF_INIT;
	size_t len;

	add(&list, "IMAP4rev1", 9);
	for (const char *w = next_word(&p, &len); len > 0; w = next_word(&p, &len)) {
		if (is_auth(w, len) ? state->logindisabled : !imap_login_capa_implemented(w, len))
			continue;
		add(&list, w, len);
	}
	add(&list, "SASL-IR", 7);
	add(&list, "LITERAL+", 8);
	/* Answered by imap-login and imapd alike (imapd: ID with its version). */
	add(&list, "ID", 2);
	add(&list, "ENABLE", 6);
	if (state->starttls)
		add(&list, "STARTTLS", 8);
	if (state->logindisabled)
		add(&list, "LOGINDISABLED", 13);
	buf_puts(out, buf_cstr(&list));
	buf_free(&list);
}

void imap_login_capa_dropped(struct buf *out, const char *configured)
{
	const char *p = configured != NULL ? configured : "";
	struct buf list = BUF_INIT;
	size_t len;

	for (const char *w = next_word(&p, &len); len > 0; w = next_word(&p, &len))
		if (!is_auth(w, len) && !imap_login_capa_implemented(w, len))
			add(&list, w, len);
	buf_puts(out, buf_cstr(&list));
	buf_free(&list);
}

bool imap_login_capa_has_mech(const char *capability, const char *capability_tls,
			      const struct imap_login_capa_state *state, const char *mech)
{
	struct buf list = BUF_INIT, want = BUF_INIT;
	bool found;

	imap_login_capa_build(&list, capability, capability_tls, state);
	buf_printf(&want, "AUTH=%s", mech);
	found = listed(&list, buf_cstr(&want), want.len);
	buf_free(&list);
	buf_free(&want);
	return found;
}
