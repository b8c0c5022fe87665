/* APPEND (RFC 3501 §6.3.11) with UIDPLUS's APPENDUID (RFC 4315) and LITERAL+ (the parser):
 * the message is written to tmp/ with CRLF turned into LF (the store keeps LF, FETCH sends
 * CRLF again, so APPEND then FETCH BODY[] gives back the client's bytes), the date-time becomes
 * the file's mtime (INTERNALDATE), then it is renamed into cur/ with its flags in the name. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-date.h"
#include "imap-target.h"
#include "log.h"
#include "maildir-deliver.h"
#include "maildir-keywords.h"
#include "maildir-name.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Write msg with every CRLF stored as LF (a lone CR or LF is kept as it is). */
static int write_lf(struct maildir_deliver *d, const char *msg, size_t len, const char **error_r)
{
	size_t start = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		if (msg[i] == '\r' && msg[i + 1] == '\n') {
			if (maildir_deliver_write(d, msg + start, i - start, error_r) < 0)
				return -1;
			start = i + 1;
		}
	}
	return maildir_deliver_write(d, msg + start, len - start, error_r);
}

/* Deliver into dir/cur/; name_r gets the file name. Returns 0, or -1 with resp_r. */
static int deliver(const char *dir, const char *msg, size_t len, unsigned flags, bool have_date,
		   time_t date, char **name_r, uint64_t *size_r, const char **resp_r)
{
	struct maildir_deliver d;
	const char *error;

	if (maildir_deliver_begin(&d, dir, &error) < 0) {
		log_warnx("APPEND %s: %s: %s", dir, error, strerror(errno));
		*resp_r = "NO Cannot write the message.";
		return -1;
	}
	if (write_lf(&d, msg, len, &error) < 0) {
		int saved = errno;

		log_warnx("APPEND %s: %s: %s", dir, error, strerror(saved));
		maildir_deliver_abort(&d);
		*resp_r = saved == ENOSPC || saved == EDQUOT
			? "NO [OVERQUOTA] Mail quota exceeded." : "NO Cannot write the message.";
		return -1;
	}
	if (have_date) {
		struct timespec ts[2] = { { .tv_sec = date }, { .tv_sec = date } };

		/* The rename and the link keep the inode, so the mtime set now is INTERNALDATE. */
		if (futimens(d.fd, ts) < 0)
			log_warn("APPEND %s: setting the date failed", dir);
	}
	*size_r = d.size;
	if (maildir_deliver_commit(&d, 1, flags, name_r, &error) < 0) {
		log_warnx("APPEND %s: %s", dir, error);
		*resp_r = "NO Cannot write the message.";
		return -1;
	}
	return 0;
}

void cmd_append(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_target_flags tf;
	struct imap_target t;
	const struct imap_arg *arg;
	const char *name, *date_str = NULL, *resp, *error;
	char *file = NULL;
	uint32_t uidv, uid;
	uint64_t size;
	time_t date = 0;
	int tz, over;

	memset(&tf, 0, sizeof(tf));
	if (cmd->count < 2 || imap_arg_get_astring(&cmd->args[0], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD APPEND needs a mailbox name and a message literal.");
		return;
	}
	arg = &cmd->args[1];
	if (arg->type == IMAP_ARG_LIST) {
		if (imap_target_parse_flags(arg, client->set->keywords, &tf, &resp) < 0) {
			imap_cmd_tagged(cmd, "%s", resp);
			return;
		}
		arg++;
	}
	if (arg->type == IMAP_ARG_QUOTED) {
		date_str = arg->str;
		arg++;
	}
	if (arg->type != IMAP_ARG_LITERAL || arg[1].type != IMAP_ARG_EOL) {
		imap_cmd_tagged(cmd, "BAD APPEND needs a mailbox name, optional flags and "
				     "date-time, and a message literal.");
		return;
	}
	if (date_str != NULL && imap_date_parse_datetime(date_str, &date, &tz) < 0) {
		imap_cmd_tagged(cmd, "BAD Invalid date-time.");
		return;
	}
	if (arg->len == 0) {
		imap_cmd_tagged(cmd, "NO Cannot append an empty message.");
		return;
	}
	if (imap_target_open(client, name, &t, &resp) < 0) {
		imap_cmd_tagged(cmd, "%s", resp);
		return;
	}
	over = imap_target_over_quota(arg->len, 1, &error);
	if (over != 0) {
		if (over < 0)
			log_warnx("APPEND: quota: %s", error);
		imap_target_free(&t);
		imap_cmd_tagged(cmd, "%s", over > 0 ? "NO [OVERQUOTA] Mail quota exceeded."
						     : "NO Cannot read the mail quota.");
		return;
	}
	if (deliver(buf_cstr(&t.dir), arg->str, arg->len, tf.flags, date_str != NULL, date, &file,
		    &size, &resp) < 0) {
		imap_target_free(&t);
		imap_cmd_tagged(cmd, "%s", resp);
		return;
	}
	imap_target_quota_add((int64_t)size, 1);
	if (tf.nkw > 0) {
		size_t base_len = strcspn(file, ":");
		char *base = xstrndup(file, base_len);

		if (maildir_keywords_save_msg(buf_cstr(&t.dir), base, tf.kw, &error) < 0)
			log_warnx("APPEND: keywords of %s not saved: %s", file, error);
		free(base);
	}
	if (imap_target_assign_uids(buf_cstr(&t.dir), &file, 1, &uidv, &uid, &error) < 0) {
		/* The message is there; the next sync numbers it. Only APPENDUID is lost. */
		log_warnx("APPEND: UID of %s: %s", file, error);
		free(file);
		imap_target_free(&t);
		imap_cmd_tagged(cmd, "OK APPEND completed.");
		return;
	}
	if (t.selected)
		imap_target_mark_recent(client, &uid, 1);
	free(file);
	imap_target_free(&t);
	imap_cmd_tagged(cmd, "OK [APPENDUID %u %u] APPEND completed.", uidv, uid);
}
