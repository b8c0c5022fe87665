/* Allocators that stop the process on out-of-memory: callers never check for NULL. */
#ifndef HATO_XALLOC_H
#define HATO_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Overflow-checked nmemb*size reallocation. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Zero memory that held a secret, in a way the compiler may not remove. */
void secure_zero(void *p, size_t n);
/* Constant-time comparison of two equal-length secrets: 1 if equal, 0 if not. */
int secure_memeq(const void *a, const void *b, size_t n);

#endif
