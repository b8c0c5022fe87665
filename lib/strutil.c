/* Small string helpers: lowercase hex, locale-free ASCII case folding, word lists. */
#include "config.h"
#include "strutil.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

void str_hex_encode(const void *data, size_t len, char *out)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[p[i] >> 4];
		out[2 * i + 1] = hex_digits[p[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

int str_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long str_hex_decode(const char *hex, size_t hex_len, void *out)
{
	unsigned char *o = out;

	if (hex_len % 2 != 0)
		return -1;
	for (size_t i = 0; i < hex_len; i += 2) {
		int hi = str_hex_digit(hex[i]), lo = str_hex_digit(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		o[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(hex_len / 2);
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

char *str_ascii_lower(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		*p = ascii_lower(*p);
	return s;
}

char *str_ascii_upper(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

int str_has_prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (ascii_lower(*s) != ascii_lower(*prefix))
			return 0; /* also when s ends first: its NUL differs from *prefix */
	return 1;
}

int str_eq_ci(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (ascii_lower(*a) != ascii_lower(*b))
			return 0;
	return *a == *b;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

char **str_split_words(const char *s, size_t *count_r)
{
	size_t n = 0, i = 0;
	char **words;
	const char *p;

	for (p = s; *p != '\0';) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		n++;
		while (*p != '\0' && !is_blank(*p))
			p++;
	}
	words = xreallocarray(NULL, n + 1, sizeof(*words));
	for (p = s; *p != '\0';) {
		const char *start;
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		words[i++] = xstrndup(start, (size_t)(p - start));
	}
	words[i] = NULL;
	if (count_r != NULL)
		*count_r = n;
	return words;
}

void str_free_words(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		free(*w);
	free(words);
}

int str_list_has_word_ci(const char *list, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = list;

	if (wlen == 0)
		return 0;
	while (*p != '\0') {
		while (is_blank(*p))
			p++;
		const char *start = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if ((size_t)(p - start) == wlen && str_has_prefix_ci(start, word))
			return 1;
	}
	return 0;
}
