/* IDLE (RFC 2177): the session's waiting state between "+ idling" and DONE, woken by
 * maildir-notify (deliveries, other sessions' renames) and by the IMAP_IDLE_TIMEOUT poll. */
#ifndef HATO_IMAP_IDLE_H
#define HATO_IMAP_IDLE_H

#include <stddef.h>

struct imap_client;

/* An IDLE that lasts at least this long is never cut by the normal idle timeout: clients
 * re-issue IDLE every 29 minutes (RFC 2177 §3). */
#define IMAP_IDLE_MIN_MS (31 * 60 * 1000)

/* Enter IDLE for the command tagged tag: watch the selected folder (if any), send pending
 * updates and "+ idling". The tagged response comes from imap_idle_input at DONE. */
void imap_idle_start(struct imap_client *client, const char *tag);

/* Consume client input while idling: bytes up to and including the DONE line. Ends the IDLE
 * (tagged OK, or BAD for any other line) and returns how many bytes of in it used. */
size_t imap_idle_input(struct imap_client *client, const char *in, size_t len);

/* Wait while idling until fd is readable, sending updates on folder changes. 1 when fd is
 * readable, 0 on the IDLE time limit, -1 when the connection failed. */
int imap_idle_wait(struct imap_client *client, int fd);

/* Free the IDLE state (end of session). */
void imap_idle_free(struct imap_client *client);

#endif
