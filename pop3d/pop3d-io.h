/* pop3d's client loop: bytes from the login program's pipe, then the client fd, through the
 * POP3 parser into the TRANSACTION state machine; buffered output; idle timeout. */
#ifndef HATO_POP3D_IO_H
#define HATO_POP3D_IO_H

#include "pop3-mailbox.h"
#include "pop3-session.h"

enum pop3d_io_end {
	POP3D_IO_LOGOUT,       /* QUIT: deletions done */
	POP3D_IO_TIMEOUT,      /* idle too long: nothing deleted */
	POP3D_IO_DISCONNECTED, /* EOF, error, or too many bad commands: nothing deleted */
};

struct pop3d_io_settings {
	int in_fd, out_fd;
	int pipelined_fd;    /* -1, or a pipe read to EOF before in_fd (bytes sent after login) */
	int idle_timeout_ms; /* per read and per write */
};

/* Remove the messages with these 0-based indexes; returns how many could not be removed. */
typedef unsigned int pop3d_io_delete_fn(void *ctx, const unsigned int *idx, unsigned int n);

/* Run a whole session: "+OK logged in.", commands until QUIT / EOF / timeout. On QUIT the
 * marked messages go to del before the final answer. counters_r gets the logout counters. */
enum pop3d_io_end pop3d_io_run(const struct pop3d_io_settings *set, const struct pop3_mailbox *mbox,
			       pop3d_io_delete_fn *del, void *del_ctx,
			       struct pop3_session_counters *counters_r);

#endif
