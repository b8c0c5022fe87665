/* Growing failure delay per remote IP for authdaemond: each failure from an address doubles the
 * delay of its next failure reply (up to 8x), forgotten after 10 idle minutes. */
#ifndef HATO_AUTHD_FAILDELAY_H
#define HATO_AUTHD_FAILDELAY_H

#include <stdint.h>

/* Record a failure from ip (NULL or "" = unknown, shared bucket) at now_ms; returns the delay
 * in ms to apply before answering, base_ms * 2^min(previous failures, 3). */
uint64_t authd_faildelay_fail(const char *ip, uint64_t now_ms, uint64_t base_ms);

#endif
