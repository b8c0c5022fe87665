/* Canonical login names: "user@domain" with the domain in A-labels and lower case (libidn2,
 * IDNA2008 non-transitional), so info@bücher.example and info@xn--bcher-kva.example are one
 * account in every backend, log line and tool. */
#ifndef HATO_AUTHNAME_H
#define HATO_AUTHNAME_H

/* Returns the malloc'd canonical form of name, or NULL with *error_r for an invalid domain,
 * an empty name, or control characters. Names without '@' are returned unchanged. */
char *authname_canonical(const char *name, const char **error_r);

#endif
