/* Bump allocator over a chain of blocks; oversized requests get a block of their own. */
#include "config.h"
#include "arena.h"
#include "xalloc.h"
#include "log.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN alignof(max_align_t)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct arena_block *head;
	size_t block_size;
	size_t used_total;
};

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		fatalx("arena block size overflow");
	b = xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t block_size)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->block_size = block_size < 256 ? 256 : block_size;
	a->head = block_new(a->block_size);
	a->used_total = 0;
	return a;
}

void arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t off;

	if (n > SIZE_MAX - ARENA_ALIGN)
		fatalx("arena allocation overflow");
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	off = b->used;
	if (b->size - off < n) {
		b = block_new(n > a->block_size ? n : a->block_size);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	b->used = off + n;
	a->used_total += n;
	return b->data + off;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len + 1);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	/* Keep the oldest block (the last in the chain): it has the standard size. */
	while (b->next != NULL) {
		next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
	a->used_total = 0;
}

size_t arena_used(const struct arena *a)
{
	return a->used_total;
}
