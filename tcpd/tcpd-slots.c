/* Child table for tcpd's connection limits. Linear scans: maxprocs is a few hundred, and a
 * scan of a few KB per accept costs far less than the fork that follows. */
#include "config.h"
#include "tcpd-slots.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct tcpd_slot {
	pid_t pid; /* 0 = free */
	struct tcpd_addr addr;
};

struct tcpd_slots {
	unsigned int max, used;
	struct tcpd_slot *slot;
};

struct tcpd_slots *tcpd_slots_new(unsigned int max)
{
	struct tcpd_slots *s = xcalloc(1, sizeof(*s));

	s->max = max;
	s->slot = xcalloc(max, sizeof(*s->slot));
	return s;
}

void tcpd_slots_free(struct tcpd_slots *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s);
}

int tcpd_addr_from_sockaddr(const struct sockaddr *sa, struct tcpd_addr *addr_r)
{
	memset(addr_r, 0, sizeof(*addr_r));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		addr_r->a[10] = 0xff;
		addr_r->a[11] = 0xff;
		memcpy(addr_r->a + 12, &sin->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(addr_r->a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

unsigned int tcpd_slots_used(const struct tcpd_slots *s)
{
	return s->used;
}

unsigned int tcpd_slots_max(const struct tcpd_slots *s)
{
	return s->max;
}

static unsigned int count_prefix(const struct tcpd_slots *s, const struct tcpd_addr *addr,
				 size_t n)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < s->max; i++) {
		if (s->slot[i].pid != 0 && memcmp(s->slot[i].addr.a, addr->a, n) == 0)
			count++;
	}
	return count;
}

unsigned int tcpd_slots_count_ip(const struct tcpd_slots *s, const struct tcpd_addr *addr)
{
	return count_prefix(s, addr, sizeof(addr->a));
}

unsigned int tcpd_slots_count_c(const struct tcpd_slots *s, const struct tcpd_addr *addr)
{
	return count_prefix(s, addr, sizeof(addr->a) - 1);
}

int tcpd_slots_add(struct tcpd_slots *s, pid_t pid, const struct tcpd_addr *addr)
{
	for (unsigned int i = 0; i < s->max; i++) {
		if (s->slot[i].pid == 0) {
			s->slot[i].pid = pid;
			s->slot[i].addr = *addr;
			s->used++;
			return 0;
		}
	}
	return -1;
}

int tcpd_slots_remove(struct tcpd_slots *s, pid_t pid)
{
	for (unsigned int i = 0; i < s->max; i++) {
		if (s->slot[i].pid == pid) {
			s->slot[i].pid = 0;
			s->used--;
			return 0;
		}
	}
	return -1;
}

void tcpd_slots_foreach(const struct tcpd_slots *s, void (*fn)(pid_t pid, void *ctx), void *ctx)
{
	for (unsigned int i = 0; i < s->max; i++) {
		if (s->slot[i].pid != 0)
			fn(s->slot[i].pid, ctx);
	}
}
