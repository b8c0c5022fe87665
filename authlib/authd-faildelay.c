/* A small fixed table of recently failing addresses; the oldest entry is reused when full. */
#include "config.h"
#include "authd-faildelay.h"

#include <string.h>

#define SLOTS 256
#define FORGET_MS (10 * 60 * 1000)

static struct slot {
	char ip[64];
	unsigned count;
	uint64_t last;
} slots[SLOTS];

uint64_t authd_faildelay_fail(const char *ip, uint64_t now_ms, uint64_t base_ms)
{
	struct slot *s = NULL, *oldest = &slots[0];
	unsigned shift;

	if (ip == NULL)
		ip = "";
	for (size_t i = 0; i < SLOTS; i++) {
		if (slots[i].count > 0 && strncmp(slots[i].ip, ip, sizeof(slots[i].ip) - 1) == 0) {
			s = &slots[i];
			break;
		}
		if (slots[i].last < oldest->last)
			oldest = &slots[i];
	}
	if (s == NULL || now_ms - s->last > FORGET_MS) {
		if (s == NULL)
			s = oldest;
		memset(s, 0, sizeof(*s));
		strncpy(s->ip, ip, sizeof(s->ip) - 1);
	}
	shift = s->count < 3 ? s->count : 3;
	s->count++;
	s->last = now_ms;
	return base_ms << shift;
}
