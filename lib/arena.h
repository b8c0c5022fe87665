/* A per-session arena: many small allocations freed at once (after each command).
 * arena_reset() keeps the first block so a steady-state session does not touch malloc. */
#ifndef HATO_ARENA_H
#define HATO_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(size_t block_size);
void arena_free(struct arena *a);
/* Aligned for any type; never NULL (fatal on out-of-memory); n == 0 is allowed. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free everything allocated since arena_new; keeps one block for reuse. */
void arena_reset(struct arena *a);
/* Bytes handed out since the last reset (for per-session memory limits). */
size_t arena_used(const struct arena *a);

#endif
