/* authdaemond's answers to Courier-protocol requests, over the backend chain (no I/O). */
#ifndef HATO_AUTHD_COURIER_H
#define HATO_AUTHD_COURIER_H

#include "auth-chain.h"
#include "proto-courier.h"

enum authd_outcome {
	AUTHD_REPLY,    /* send *out */
	AUTHD_AUTHFAIL, /* send *out ("FAIL\n") after the failure delay */
	AUTHD_TEMPFAIL, /* close without a reply: the client reports a temporary error */
};

/* Answer req into out. defoptions = DEFAULTOPTIONS (may be NULL). *log_r gets a line for the
 * log (never a password). */
enum authd_outcome authd_courier_answer(struct auth_chain *chain, const char *defoptions,
					const struct proto_courier_request *req, struct buf *out,
					const char **log_r);

#endif
