/* Small string helpers the protocol code keeps needing: lowercase hex, ASCII case folding that
 * ignores the locale, and splitting space-separated lists (capabilities, SASL mechanisms). */
#ifndef HATO_STRUTIL_H
#define HATO_STRUTIL_H

#include <stddef.h>

/* Write 2*len lowercase hex digits and a NUL to out (which holds 2*len+1 bytes). */
void str_hex_encode(const void *data, size_t len, char *out);
/* Decode hex (either case) of even length hex_len into out (room for hex_len/2 bytes).
 * Returns the number of bytes written, or -1 for odd length or a non-hex character. */
long str_hex_decode(const char *hex, size_t hex_len, void *out);

/* Lowercase A-Z in place (bytes >= 0x80 untouched, whatever the locale); returns s. */
char *str_ascii_lower(char *s);
/* Uppercase a-z in place; returns s. */
char *str_ascii_upper(char *s);
/* 1 if s starts with prefix, ASCII letters compared without case. */
int str_has_prefix_ci(const char *s, const char *prefix);
/* ASCII case-insensitive equality (locale-independent strcasecmp(a, b) == 0). */
int str_eq_ci(const char *a, const char *b);

/* Split s on runs of spaces and tabs into a NULL-terminated array of malloc'd words.
 * Leading/trailing blanks give no empty words; *count_r (if not NULL) gets the number.
 * Free with str_free_words(). */
char **str_split_words(const char *s, size_t *count_r);
void str_free_words(char **words);
/* 1 if word occurs in the space-separated list, compared without ASCII case
 * (is "IDLE" in IMAP_CAPABILITY, is "CRAM-MD5" in POP3AUTH). */
int str_list_has_word_ci(const char *list, const char *word);

/* The value of one hex digit (either case), or -1. */
int str_hex_digit(char c);

#endif
