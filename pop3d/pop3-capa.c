/* The CAPA response (RFC 2449), shared by the login and the transaction state machines. */
#include "config.h"
#include "pop3-capa.h"

void pop3_capa_build(struct buf *out, const char *sasl_mechs, int stls, int user)
{
	buf_puts(out, "+OK Here's what I can do:\r\n");
	if (sasl_mechs != NULL && *sasl_mechs != '\0')
		buf_printf(out, "SASL %s\r\n", sasl_mechs);
	if (stls)
		buf_puts(out, "STLS\r\n");
	buf_puts(out, "TOP\r\n");
	if (user)
		buf_puts(out, "USER\r\n");
	/* LOGIN-DELAY is advertised as Courier does (RFC 2449 §6.5); it is not enforced. */
	buf_puts(out, "LOGIN-DELAY 10\r\n"
		      "PIPELINING\r\n"
		      "UIDL\r\n"
		      "RESP-CODES\r\n"
		      "AUTH-RESP-CODE\r\n"
		      "UTF8 USER\r\n"
		      "IMPLEMENTATION Hato\r\n"
		      ".\r\n");
}
