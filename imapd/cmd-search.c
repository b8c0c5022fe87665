/* SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8), with RETURN (MIN MAX COUNT ALL) answered by
 * ESEARCH (RFC 4731). Each message is first judged on its flags; its file is stat'ed or read,
 * once, only when the keys need it. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-search.h"
#include "imap-seqset.h"
#include "log.h"
#include "safe-io.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest message SEARCH reads into memory (as FETCH). */
#define SEARCH_MAX_MESSAGE (256u * 1024 * 1024)

/* Give msg what prog->need asks for: the mtime, and the bytes into data. 0, 1 when the file is
 * gone, -1 when it cannot be read. */
static int load(const struct imap_mailbox *box, const struct maildir_entry *e, unsigned need,
		struct buf *data, struct imap_search_msg *sm)
{
	struct stat st;
	int fd;

	fd = maildir_scan_open(box->idx.dir, e->name);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > SEARCH_MAX_MESSAGE) {
		close(fd);
		return -1;
	}
	if (!(need & IMAP_SEARCH_NEED_DATA)) {
		close(fd);
		sm->have_time = true;
		sm->internaldate = st.st_mtime;
		return 0;
	}
	buf_reset(data);
	buf_reserve(data, (size_t)st.st_size);
	ssize_t n = read_full(fd, data->data, (size_t)st.st_size);

	close(fd);
	if (n < 0)
		return -1;
	data->len = (size_t)n;
	data->data[n] = '\0';
	sm->have_time = true;
	sm->internaldate = st.st_mtime;
	sm->data = data->data;
	sm->len = data->len;
	return 0;
}

/* "1:3,5" of the ascending numbers v[0..n). */
static void write_set(struct buf *out, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		buf_printf(out, "%s%u", i > 0 ? "," : "", v[i]);
		if (j > i)
			buf_printf(out, ":%u", v[j]);
		i = j + 1;
	}
}

static void write_result(struct imap_cmd *cmd, const struct imap_search_program *prog,
			 const uint32_t *v, size_t n)
{
	struct buf line = BUF_INIT;

	if (!prog->esearch) {
		buf_puts(&line, "SEARCH");
		for (size_t i = 0; i < n; i++)
			buf_printf(&line, " %u", v[i]);
	} else {
		/* RFC 4731 §3.1: MIN, MAX and ALL are left out when nothing matched. */
		buf_printf(&line, "ESEARCH (TAG \"%s\")%s", cmd->tag, cmd->uid ? " UID" : "");
		if ((prog->ret & IMAP_SEARCH_RETURN_MIN) && n > 0)
			buf_printf(&line, " MIN %u", v[0]);
		if ((prog->ret & IMAP_SEARCH_RETURN_MAX) && n > 0)
			buf_printf(&line, " MAX %u", v[n - 1]);
		if (prog->ret & IMAP_SEARCH_RETURN_COUNT)
			buf_printf(&line, " COUNT %zu", n);
		if ((prog->ret & IMAP_SEARCH_RETURN_ALL) && n > 0) {
			buf_puts(&line, " ALL ");
			write_set(&line, v, n);
		}
	}
	imap_client_untagged(cmd->client, "%s", buf_cstr(&line));
	buf_free(&line);
}

void cmd_search(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_mailbox *box = client->mailbox;
	struct imap_search_program prog;
	struct imap_search_ctx *ctx;
	struct buf data = BUF_INIT;
	uint32_t *found;
	size_t n = 0;
	const char *error;
	bool failed = false;

	if (imap_search_parse(client->arena, cmd->args, cmd->count, &prog, &error) < 0) {
		imap_cmd_tagged(cmd, "%s", error);
		return;
	}
	/* Numbers beyond the mailbox match nothing (Dovecot and Courier do not refuse them). */
	imap_search_program_resolve(&prog, box->count,
				    box->count > 0 ? box->view[box->count - 1].uid : 0);
	ctx = imap_search_ctx_new();
	found = xmalloc(((size_t)box->count + 1) * sizeof(*found));
	for (uint32_t seq = 1; seq <= box->count; seq++) {
		const struct imap_msg *msg = imap_mailbox_msg(box, seq);
		struct imap_search_msg sm = {
			.seq = seq,
			.uid = msg->uid,
			.flags = msg->flags,
			.recent = msg->recent,
			.keywords = msg->keywords,
		};
		int r;

		if (msg->expunged)
			continue; /* its data is gone; it is reported after the command */
		r = imap_search_match(ctx, &prog, &sm);
		if (r < 0) {
			const struct maildir_entry *e = imap_mailbox_entry(box, msg);
			int ret = e == NULL ? 1 : load(box, e, prog.need, &data, &sm);

			if (ret < 0) {
				log_warnx("SEARCH %u: cannot read %s", seq, e->name);
				failed = true;
			}
			r = ret == 0 ? imap_search_match(ctx, &prog, &sm) : 0;
		}
		if (r > 0)
			found[n++] = cmd->uid ? msg->uid : seq;
	}
	write_result(cmd, &prog, found, n);
	free(found);
	buf_free(&data);
	imap_search_ctx_free(&ctx);
	imap_search_program_free(&prog);
	if (failed)
		imap_cmd_tagged(cmd, "NO Some messages could not be read.");
	else
		imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID SEARCH" : "SEARCH");
}
