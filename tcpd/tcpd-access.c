/* couriertcpd-compatible access-file lookup and value parsing (courier-formats §3.3). */
#include "config.h"
#include "tcpd-access.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

int tcpd_access_key(const struct sockaddr *sa, char *buf, size_t size)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		return inet_ntop(AF_INET, &sin->sin_addr, buf, size) ? 0 : -1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		const unsigned char *a = sin6->sin6_addr.s6_addr;
		size_t off = 0;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			return inet_ntop(AF_INET, a + 12, buf, size) ? 0 : -1;
		if (size < 8 * 5 + 1)
			return -1;
		for (int i = 0; i < 16; i += 2)
			off += (size_t)snprintf(buf + off, size - off, ":%02x%02x", a[i], a[i + 1]);
		return 0;
	}
	return -1;
}

char *tcpd_access_lookup(const char *key, int port, tcpd_access_fetch_fn *fetch, void *ctx)
{
	char buf[TCPD_ACCESS_KEY_MAX + 8];
	char *value;

	if (port > 0)
		snprintf(buf, sizeof(buf), "%s.%d", key, port);
	else
		snprintf(buf, sizeof(buf), "%s", key);
	for (;;) {
		char *cut;

		if (buf[0] != '\0' && (value = fetch(buf, ctx)) != NULL)
			return value;
		/* Strip one component: a '.' first (IPv4, or the port), then a ':' (IPv6). */
		cut = strrchr(buf, '.');
		if (cut == NULL)
			cut = strrchr(buf, ':');
		if (cut == NULL)
			break;
		*cut = '\0';
	}
	if (port > 0) {
		snprintf(buf, sizeof(buf), "*.%d", port);
		if ((value = fetch(buf, ctx)) != NULL)
			return value;
	}
	return fetch("*", ctx);
}

static int valid_name(const char *s, size_t len)
{
	if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	}
	return 1;
}

static void add_item(struct tcpd_access_vars *vars, const char *item, size_t len)
{
	const char *eq;
	size_t namelen;

	while (len > 0 && isspace((unsigned char)*item)) {
		item++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)item[len - 1]))
		len--;
	eq = memchr(item, '=', len);
	namelen = eq != NULL ? (size_t)(eq - item) : len;
	if (!valid_name(item, namelen) || vars->count >= TCPD_ACCESS_MAX_VARS)
		return;
	if (eq != NULL)
		vars->vars[vars->count++] = xstrndup(item, len);
	else
		vars->vars[vars->count++] = xasprintf("%.*s=", (int)len, item);
}

enum tcpd_access_verdict tcpd_access_parse(const char *value, struct tcpd_access_vars *vars)
{
	struct buf item = BUF_INIT;
	const char *p = value;
	char quote = 0;

	if (strncmp(value, "deny", 4) == 0)
		return TCPD_ACCESS_DENY;
	if (strlen(value) > TCPD_ACCESS_VALUE_MAX)
		return TCPD_ACCESS_ALLOW; /* an absurd entry sets nothing rather than half */
	if (strncmp(p, "allow", 5) == 0) {
		p += 5;
		if (*p == ',')
			p++;
	}
	while (*p != '\0') {
		buf_reset(&item);
		for (; *p != '\0'; p++) {
			if (quote == 0 && *p == ',') {
				p++;
				break;
			}
			if (quote == 0 && (*p == '"' || *p == '\'')) {
				quote = *p;
				continue;
			}
			if (quote != 0 && *p == quote) {
				quote = 0;
				continue;
			}
			buf_putc(&item, *p);
		}
		add_item(vars, buf_cstr(&item), item.len);
	}
	buf_free(&item);
	return TCPD_ACCESS_ALLOW;
}

void tcpd_access_vars_free(struct tcpd_access_vars *vars)
{
	for (unsigned int i = 0; i < vars->count; i++)
		free(vars->vars[i]);
	vars->count = 0;
}

const char *tcpd_access_vars_get(const struct tcpd_access_vars *vars, const char *name)
{
	size_t n = strlen(name);

	for (unsigned int i = 0; i < vars->count; i++) {
		if (strncmp(vars->vars[i], name, n) == 0 && vars->vars[i][n] == '=')
			return vars->vars[i] + n + 1;
	}
	return NULL;
}
