/* The per-connection child of hato-tcpd: environment, descriptors, exec. */
#include "config.h"
#include "tcpd-child.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int tcpd_child_format_ip(const struct sockaddr *sa, char *buf, size_t size)
{
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				 (socklen_t)size) != NULL ? 0 : -1;
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
				 (socklen_t)size) != NULL ? 0 : -1;
	return -1;
}

static int sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

static int same_addr(const struct sockaddr *a, const struct addrinfo *ai)
{
	char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];

	if (tcpd_child_format_ip(a, x, sizeof(x)) < 0 ||
	    tcpd_child_format_ip(ai->ai_addr, y, sizeof(y)) < 0)
		return 0;
	/* An IPv4 client on a dual-stack socket is ::ffff:a.b.c.d; its A record is a.b.c.d. */
	if (strncmp(x, "::ffff:", 7) == 0 && strchr(x, '.') != NULL)
		return strcmp(x + 7, y) == 0;
	return strcmp(x, y) == 0;
}

/* Reverse lookup confirmed by a forward lookup, as couriertcpd: unset when there is no
 * name or the names do not lead back, "softdnserr" on a temporary failure. */
static void set_host(const char *var, const struct sockaddr *sa, socklen_t len)
{
	char host[NI_MAXHOST];
	struct addrinfo hints, *res = NULL, *ai;
	int rc = getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NAMEREQD);

	unsetenv(var);
	if (rc == EAI_AGAIN) {
		setenv(var, "softdnserr", 1);
		return;
	}
	if (rc != 0)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc == EAI_AGAIN) {
		setenv(var, "softdnserr", 1);
		return;
	}
	if (rc != 0)
		return;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (same_addr(sa, ai)) {
			setenv(var, host, 1);
			break;
		}
	}
	freeaddrinfo(res);
}

static void set_side(const char *ipvar, const char *portvar, const char *hostvar,
		     const struct sockaddr *sa, socklen_t len, int nodns)
{
	char ip[INET6_ADDRSTRLEN], port[16];

	if (tcpd_child_format_ip(sa, ip, sizeof(ip)) < 0) {
		log_warnx("unknown address family %d", sa->sa_family);
		_exit(1);
	}
	snprintf(port, sizeof(port), "%d", sockaddr_port(sa));
	setenv(ipvar, ip, 1);
	setenv(portvar, port, 1);
	if (nodns)
		unsetenv(hostvar);
	else
		set_host(hostvar, sa, len);
}

_Noreturn void tcpd_child_exec(const struct tcpd_child *c)
{
	struct sockaddr_storage peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	int sock = c->sock;

	if (getpeername(sock, (struct sockaddr *)&peer, &plen) < 0 ||
	    getsockname(sock, (struct sockaddr *)&local, &llen) < 0) {
		log_warn("getpeername/getsockname");
		_exit(1);
	}
	set_side("TCPREMOTEIP", "TCPREMOTEPORT", "TCPREMOTEHOST", (struct sockaddr *)&peer, plen,
		 c->nodnslookup);
	set_side("TCPLOCALIP", "TCPLOCALPORT", "TCPLOCALHOST", (struct sockaddr *)&local, llen,
		 c->nodnslookup);
	unsetenv("TCPREMOTEINFO");
	if (c->tls)
		setenv("HATO_TLS", "1", 1);
	else
		unsetenv("HATO_TLS");
	for (unsigned int i = 0; c->vars != NULL && i < c->vars->count; i++) {
		const char *v = c->vars->vars[i];
		const char *eq = strchr(v, '=');
		char name[256];

		if (eq == NULL || (size_t)(eq - v) >= sizeof(name))
			continue;
		memcpy(name, v, (size_t)(eq - v));
		name[eq - v] = '\0';
		setenv(name, eq + 1, 1);
	}
	if (dup2(sock, 0) < 0 || dup2(sock, 1) < 0 ||
	    (c->stderr_to_socket && dup2(sock, 2) < 0)) {
		log_warn("dup2");
		_exit(1);
	}
	if (sock > 2)
		close(sock);
	execv(c->argv[0], c->argv);
	log_warn("%s", c->argv[0]);
	_exit(1);
}
