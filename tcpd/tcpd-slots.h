/* The table of running children: pid and peer address per slot, so tcpd can enforce
 * -maxprocs, -maxperip and -maxperc and forget a child when it is reaped. No I/O. */
#ifndef HATO_TCPD_SLOTS_H
#define HATO_TCPD_SLOTS_H

#include <sys/socket.h>
#include <sys/types.h>

struct tcpd_slots;

/* Peer addresses are kept as 16 bytes, IPv4 as IPv4-mapped IPv6, so one client counts the
 * same whichever socket it came in on. */
struct tcpd_addr {
	unsigned char a[16];
};

struct tcpd_slots *tcpd_slots_new(unsigned int max);
void tcpd_slots_free(struct tcpd_slots *s);
/* 0, or -1 for a family other than AF_INET/AF_INET6. */
int tcpd_addr_from_sockaddr(const struct sockaddr *sa, struct tcpd_addr *addr_r);

unsigned int tcpd_slots_used(const struct tcpd_slots *s);
unsigned int tcpd_slots_max(const struct tcpd_slots *s);
/* Children from exactly this address. */
unsigned int tcpd_slots_count_ip(const struct tcpd_slots *s, const struct tcpd_addr *addr);
/* Children from the same "C block": all but the last byte equal (IPv4 /24, IPv6 /120). */
unsigned int tcpd_slots_count_c(const struct tcpd_slots *s, const struct tcpd_addr *addr);
/* Record a child. Returns 0, or -1 if the table is full. */
int tcpd_slots_add(struct tcpd_slots *s, pid_t pid, const struct tcpd_addr *addr);
/* Forget a reaped child. Returns 0, or -1 if pid was not in the table. */
int tcpd_slots_remove(struct tcpd_slots *s, pid_t pid);
/* Call fn for every running child. */
void tcpd_slots_foreach(const struct tcpd_slots *s, void (*fn)(pid_t pid, void *ctx), void *ctx);

#endif
