/* Shared body of the fuzz-sasl-<mech> targets: input = flag byte (bit 0: first message is an
 * initial response) then client messages separated by 0xFF bytes, fed to one session against
 * the fixed test credentials with a fixed server nonce. */
#ifndef HATO_FUZZ_SASL_RUN_H
#define HATO_FUZZ_SASL_RUN_H

#include "sasl-mech.h"
#include "sasl-test-creds.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_sasl_run(const char *mech, const char *nonce, const uint8_t *data, size_t size)
{
	struct sasl_session *s;
	struct buf out = BUF_INIT;
	enum sasl_result r;
	const uint8_t *p, *end = data + size;

	if (size == 0)
		return 0;
	s = sasl_session_new(sasl_mech_find(mech), &sasl_test_creds, "fuzz.example");
	if (nonce != NULL)
		sasl_session_set_nonce(s, nonce);
	p = data + 1;
	const uint8_t *sep = memchr(p, 0xff, (size_t)(end - p));
	const uint8_t *mend = sep != NULL ? sep : end;
	int initial = data[0] & 1;
	r = sasl_session_start(s, initial ? p : NULL, initial ? (size_t)(mend - p) : 0, initial,
			       &out);
	if (initial)
		p = sep != NULL ? sep + 1 : end;
	while (r == SASL_CONTINUE && p <= end) {
		sep = memchr(p, 0xff, (size_t)(end - p));
		mend = sep != NULL ? sep : end;
		buf_reset(&out);
		r = sasl_session_input(s, p, (size_t)(mend - p), &out);
		if (sep == NULL)
			break;
		p = sep + 1;
	}
	if (r == SASL_OK && sasl_session_authcid(s)[0] == '\0')
		abort(); /* success always names a user */
	sasl_session_free(s);
	buf_free(&out);
	return 0;
}

#endif
