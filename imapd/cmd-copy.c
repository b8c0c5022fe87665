/* COPY, UID COPY (RFC 3501 §6.4.7) with COPYUID (RFC 4315, which Courier 5 does not send),
 * and MOVE, UID MOVE (RFC 6851): flags and keywords go along, hard links where possible
 * (maildir_deliver_copy). All or nothing: when one message cannot be copied, the copies made
 * so far are removed and the command answers NO. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "imap-target.h"
#include "log.h"
#include "maildir-deliver.h"
#include "maildir-name.h"
#include "maildir-scan.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct copy_job {
	size_t n;
	uint32_t *seqs;     /* source sequence numbers, ascending */
	uint32_t *src_uids; /* their UIDs (ascending) */
	uint32_t *dst_uids;
	char **names;       /* the new files in the target's cur/ */
};

static void job_free(struct copy_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		free(job->names != NULL ? job->names[i] : NULL);
	free(job->seqs);
	free(job->src_uids);
	free(job->dst_uids);
	free(job->names);
}

/* Undo the copies made so far. */
static void remove_copies(const char *dir, struct copy_job *job, size_t made)
{
	const char *error;

	for (size_t i = 0; i < made; i++) {
		if (maildir_deliver_expunge(dir, job->names[i], &error) < 0)
			log_warnx("COPY: removing %s/cur/%s: %s", dir, job->names[i], error);
	}
}

/* Copy the messages of job into t; -1 with resp_r (a complete response). */
static int copy_messages(struct imap_cmd *cmd, const struct imap_target *t, struct copy_job *job,
			 const char **resp_r)
{
	struct imap_mailbox *box = cmd->client->mailbox;
	const char *dst = buf_cstr(&t->dir), *error;
	uint64_t bytes = 0;
	int over;

	for (size_t i = 0; i < job->n; i++) {
		struct imap_msg *msg = imap_mailbox_msg(box, job->seqs[i]);
		struct maildir_entry *e = imap_mailbox_entry(box, msg);

		if (e == NULL || maildir_scan_entry_size(box->idx.dir, e) < 0) {
			*resp_r = "NO Some of the requested messages no longer exist.";
			return -1;
		}
		bytes += e->size;
	}
	over = imap_target_over_quota(bytes, job->n, &error);
	if (over != 0) {
		if (over < 0)
			log_warnx("%s: quota: %s", cmd->name, error);
		*resp_r = over > 0 ? "NO [OVERQUOTA] Mail quota exceeded."
				   : "NO Cannot read the mail quota.";
		return -1;
	}
	for (size_t i = 0; i < job->n; i++) {
		struct imap_msg *msg = imap_mailbox_msg(box, job->seqs[i]);
		struct maildir_entry *e = imap_mailbox_entry(box, msg);

		if (maildir_deliver_copy(box->idx.dir, e->name, dst, msg->flags, &job->names[i],
					 &error) < 0) {
			int saved = errno;

			job->names[i] = NULL;
			log_warnx("%s %s/cur/%s: %s", cmd->name, box->idx.dir, e->name, error);
			remove_copies(dst, job, i);
			*resp_r = saved == ENOENT ? "NO Some of the requested messages no longer exist."
				: saved == ENOSPC || saved == EDQUOT
				? "NO [OVERQUOTA] Mail quota exceeded." : "NO Cannot copy the messages.";
			return -1;
		}
		if (msg->keywords != NULL)
			imap_target_copy_keywords(dst, job->names[i], msg->keywords);
	}
	imap_target_quota_add((int64_t)bytes, (int64_t)job->n);
	return 0;
}

/* COPY or MOVE. */
static void copy_or_move(struct imap_cmd *cmd, bool move)
{
	struct imap_client *client = cmd->client;
	struct imap_mailbox *box = client->mailbox;
	struct copy_job job;
	struct imap_seqset set;
	struct imap_target t;
	struct buf code = BUF_INIT;
	const char *str, *name, *resp, *error;
	uint32_t uidv = 0;
	bool have_uids = false;

	memset(&job, 0, sizeof(job));
	if (cmd->count != 2 || imap_arg_get_atom(&cmd->args[0], &str) < 0 ||
	    imap_arg_get_astring(&cmd->args[1], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a sequence set and a mailbox name.", cmd->name);
		return;
	}
	if (imap_mailbox_seqset(box, str, cmd->uid, &set, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		return;
	}
	if (move && box->readonly) {
		imap_seqset_free(&set);
		imap_cmd_tagged(cmd, "NO [READ-ONLY] The mailbox is read-only.");
		return;
	}
	if (imap_target_open(client, name, &t, &resp) < 0) {
		imap_seqset_free(&set);
		imap_cmd_tagged(cmd, "%s", resp);
		return;
	}
	job.n = (size_t)imap_seqset_count(&set);
	job.seqs = xreallocarray(NULL, job.n + 1, sizeof(uint32_t));
	job.src_uids = xreallocarray(NULL, job.n + 1, sizeof(uint32_t));
	job.dst_uids = xreallocarray(NULL, job.n + 1, sizeof(uint32_t));
	job.names = xcalloc(job.n + 1, sizeof(char *));
	job.n = 0;
	for (uint32_t seq = 0; imap_seqset_next(&set, &seq);) {
		job.seqs[job.n] = seq;
		job.src_uids[job.n++] = imap_mailbox_msg(box, seq)->uid;
	}
	imap_seqset_free(&set);
	if (copy_messages(cmd, &t, &job, &resp) < 0) {
		imap_cmd_tagged(cmd, "%s", resp);
		goto out;
	}
	if (job.n > 0) {
		if (imap_target_assign_uids(buf_cstr(&t.dir), job.names, job.n, &uidv,
					    job.dst_uids, &error) < 0)
			log_warnx("%s: UIDs in %s: %s", cmd->name, buf_cstr(&t.dir), error);
		else
			have_uids = true;
	}
	if (have_uids) {
		buf_printf(&code, "[COPYUID %u ", uidv);
		imap_target_write_uids(&code, job.src_uids, job.n);
		buf_putc(&code, ' ');
		imap_target_write_uids(&code, job.dst_uids, job.n);
		buf_puts(&code, "] ");
		if (t.selected)
			imap_target_mark_recent(client, job.dst_uids, job.n);
	}
	if (!move) {
		imap_cmd_tagged(cmd, "OK %s%s completed.", buf_cstr(&code), cmd->uid ? "UID COPY"
										      : "COPY");
		goto out;
	}
	/* RFC 6851 §4.3: COPYUID in an untagged OK before the EXPUNGEs, which the sync before the
	 * tagged OK sends. */
	if (have_uids)
		imap_client_untagged(client, "OK %sMoved.", buf_cstr(&code));
	for (size_t i = 0; i < job.n; i++) {
		struct maildir_entry *e = imap_mailbox_entry(box, imap_mailbox_msg(box, job.seqs[i]));

		if (e == NULL)
			continue;
		if (maildir_deliver_expunge(box->idx.dir, e->name, &error) < 0) {
			log_warnx("MOVE: removing %s/cur/%s: %s", box->idx.dir, e->name, error);
			continue;
		}
		/* copy_messages() counted the copy; the source no longer counts. */
		imap_target_quota_add(-(int64_t)e->size, -1);
	}
	imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID MOVE" : "MOVE");
out:
	buf_free(&code);
	imap_target_free(&t);
	job_free(&job);
}

void cmd_copy(struct imap_cmd *cmd)
{
	copy_or_move(cmd, false);
}

void cmd_move(struct imap_cmd *cmd)
{
	copy_or_move(cmd, true);
}
