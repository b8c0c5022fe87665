/* IDLE (RFC 2177): "+ idling", untagged updates as the folder changes, DONE ends it. */
#include "config.h"
#include "imap-idle.h"
#include "imap-client.h"
#include "imap-mailbox.h"
#include "log.h"
#include "maildir-notify.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* "DONE" plus CRLF and some slack; a longer line cannot be DONE. */
#define IMAP_IDLE_LINE_MAX 64

struct imap_idle {
	char *tag;
	bool watching; /* notify is initialised (a folder is selected) */
	struct maildir_notify notify;
	char line[IMAP_IDLE_LINE_MAX];
	size_t line_len;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Re-read the folder and send what changed (EXPUNGE allowed: no command is running). */
static void idle_sync(struct imap_client *client)
{
	const char *error;

	if (client->mailbox != NULL &&
	    imap_mailbox_sync(client->mailbox, client, true, &error) < 0)
		log_warnx("mailbox sync failed: %s", error);
	(void)imap_client_flush(client);
}

void imap_idle_start(struct imap_client *client, const char *tag)
{
	struct imap_idle *idle = xcalloc(1, sizeof(*idle));
	const char *error;

	idle->tag = xstrdup(tag);
	if (client->mailbox != NULL) {
		if (maildir_notify_init(&idle->notify, client->mailbox->idx.dir,
					client->set->notify_poll ? MAILDIR_NOTIFY_FORCE_POLL : 0,
					&error) < 0)
			log_warnx("IDLE: %s; polling every %d ms", error, client->set->idle_poll_ms);
		else
			idle->watching = true;
	}
	client->idle = idle;
	/* Changes made before IDLE are reported at once, not at the first wake-up. */
	idle_sync(client);
	imap_client_write(client, "+ idling\r\n", 10);
	(void)imap_client_flush(client);
}

void imap_idle_free(struct imap_client *client)
{
	struct imap_idle *idle = client->idle;

	if (idle == NULL)
		return;
	if (idle->watching)
		maildir_notify_deinit(&idle->notify);
	free(idle->tag);
	free(idle);
	client->idle = NULL;
}

static void idle_end(struct imap_client *client, bool done)
{
	struct imap_idle *idle = client->idle;

	if (done) {
		idle_sync(client);
		imap_client_tagged(client, idle->tag, "OK IDLE completed.");
	} else {
		imap_client_tagged(client, idle->tag, "BAD Expected DONE.");
	}
	imap_idle_free(client);
}

size_t imap_idle_input(struct imap_client *client, const char *in, size_t len)
{
	struct imap_idle *idle = client->idle;
	const char *lf = memchr(in, '\n', len);
	size_t take = lf != NULL ? (size_t)(lf - in) + 1 : len;
	size_t end;

	if (idle->line_len + take > sizeof(idle->line)) {
		/* Not DONE: the rest of this line is fed to the parser, which answers it. */
		idle_end(client, false);
		return 0;
	}
	memcpy(idle->line + idle->line_len, in, take);
	idle->line_len += take;
	if (lf == NULL)
		return take;
	end = idle->line_len - 1; /* without LF */
	if (end > 0 && idle->line[end - 1] == '\r')
		end--;
	idle_end(client, end == 4 && strncasecmp(idle->line, "DONE", 4) == 0);
	return take;
}

int imap_idle_wait(struct imap_client *client, int fd)
{
	struct imap_idle *idle = client->idle;
	int limit = client->set->idle_timeout_ms > IMAP_IDLE_MIN_MS ? client->set->idle_timeout_ms
								     : IMAP_IDLE_MIN_MS;
	long long deadline = now_ms() + limit, next_poll = now_ms() + client->set->idle_poll_ms;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
					 { .fd = -1, .events = POLLIN } };
		long long now = now_ms(), wake = next_poll < deadline ? next_poll : deadline;
		int r;

		if (client->out_failed)
			return -1;
		if (now >= deadline)
			return 0;
		if (idle->watching)
			pfd[1].fd = maildir_notify_fd(&idle->notify);
		r = poll(pfd, 2, wake > now ? (int)(wake - now) : 0);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && pfd[0].revents != 0)
			return 1;
		if (r > 0 && pfd[1].revents != 0) {
			/* inotify: drain, then one sync for however many events came. */
			(void)maildir_notify_changed(&idle->notify);
			idle_sync(client);
		} else if (now_ms() >= next_poll) {
			/* IMAP_IDLE_TIMEOUT: the periodic re-read catches what inotify does not
			 * watch (keywords) and is the only source when polling. */
			if (idle->watching)
				(void)maildir_notify_changed(&idle->notify);
			idle_sync(client);
			next_poll = now_ms() + client->set->idle_poll_ms;
		}
	}
}
