/* STATUS (RFC 3501 §6.3.10): MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN. The selected mailbox
 * answers from the session's view after a sync (so STATUS agrees with what the session was
 * told); another folder is read without taking anything from new/, so its \Recent messages
 * stay for the session that selects it: RECENT counts new/, UIDNEXT is the uiddb's next UID
 * plus the messages it does not know yet. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-mailbox-name.h"
#include "imap-quote.h"
#include "log.h"
#include "maildir-file.h"
#include "maildir-index.h"
#include "maildir-name.h"
#include "maildir-scan.h"
#include "maildir-uiddb.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum status_item {
	STATUS_MESSAGES = 1 << 0,
	STATUS_RECENT = 1 << 1,
	STATUS_UIDNEXT = 1 << 2,
	STATUS_UIDVALIDITY = 1 << 3,
	STATUS_UNSEEN = 1 << 4,
};

static const struct {
	const char *name;
	enum status_item item;
} status_items[] = {
	{ "MESSAGES", STATUS_MESSAGES },       { "RECENT", STATUS_RECENT },
	{ "UIDNEXT", STATUS_UIDNEXT },         { "UIDVALIDITY", STATUS_UIDVALIDITY },
	{ "UNSEEN", STATUS_UNSEEN },
};

struct status_values {
	uint32_t v[5]; /* in status_items order */
};

static void status_from_box(struct imap_mailbox *box, struct status_values *r)
{
	uint32_t unseen = 0;

	for (uint32_t i = 0; i < box->count; i++) {
		if (!box->view[i].expunged && !(box->view[i].flags & MAILDIR_FLAG_SEEN))
			unseen++;
	}
	r->v[0] = box->count;
	r->v[1] = box->recent_count;
	r->v[2] = box->idx.nextuid;
	r->v[3] = box->idx.uidvalidity;
	r->v[4] = unseen;
}

/* Read dir's uiddb into data; a folder without one (made by maildirmake, never selected) gets
 * an empty one now, under the uiddb lock, so the UIDVALIDITY reported is the one SELECT will
 * use, without taking new/ into cur/. 0, or -1 (error_r). */
static int status_read_uiddb(const char *dir, struct buf *data, const char **error_r)
{
	struct maildir_uiddb empty;
	struct buf bytes = BUF_INIT;
	int ret, lock;

	ret = maildir_file_read(dir, MAILDIR_UIDDB_FILE, data, error_r);
	if (ret != 1)
		return ret;
	lock = maildir_file_lock(dir, MAILDIR_UIDDB_LOCK, MAILDIR_INDEX_LOCK_TIMEOUT_MS, error_r);
	if (lock < 0)
		return -1;
	ret = maildir_file_read(dir, MAILDIR_UIDDB_FILE, data, error_r);
	if (ret == 1) {
		maildir_uiddb_init(&empty);
		empty.uidvalidity = maildir_uiddb_new_uidvalidity(time(NULL), 0);
		empty.nextuid = 1;
		maildir_uiddb_format(&empty, &bytes);
		maildir_uiddb_free(&empty);
		ret = maildir_file_write_atomic(dir, MAILDIR_UIDDB_FILE, bytes.data, bytes.len,
						error_r);
		if (ret == 0)
			buf_append(data, bytes.data, bytes.len);
		buf_free(&bytes);
	}
	maildir_file_unlock(lock);
	return ret;
}

static int status_from_disk(const char *dir, struct status_values *r, const char **error_r)
{
	struct maildir_scan scan, in_new;
	struct maildir_uiddb db;
	struct buf data = BUF_INIT;
	uint32_t n_new, known = 0, unseen = 0;
	int ret = -1;

	maildir_scan_init(&scan);
	maildir_scan_init(&in_new);
	maildir_uiddb_init(&db);
	if (status_read_uiddb(dir, &data, error_r) < 0)
		goto out;
	if (maildir_uiddb_parse(&db, &data, error_r) < 0) {
		/* A corrupt uiddb: the full sync replaces it (and takes new/ into cur/). */
		struct maildir_index idx;

		maildir_index_init(&idx, dir);
		if (maildir_index_sync(&idx, error_r) == 0) {
			for (size_t i = 0; i < idx.msgs.n; i++)
				unseen += !(idx.msgs.v[i].flags & MAILDIR_FLAG_SEEN);
			r->v[0] = (uint32_t)idx.msgs.n;
			r->v[1] = 0;
			r->v[2] = idx.nextuid;
			r->v[3] = idx.uidvalidity;
			r->v[4] = unseen;
			ret = 0;
		}
		maildir_index_free(&idx);
		goto out;
	}
	if (maildir_scan_list_new(dir, &in_new, error_r) < 0 ||
	    maildir_scan_cur(dir, &scan, error_r) < 0) {
		*error_r = "cannot read the folder";
		goto out;
	}
	/* A file another session moved between the two readdirs is in both lists: count it once. */
	n_new = 0;
	for (size_t i = 0; i < in_new.n; i++)
		n_new += maildir_scan_find(&scan, in_new.v[i].name, in_new.v[i].base_len) == NULL;
	/* A message waiting in new/ may already have a UID: an APPEND or COPY into this folder
	 * numbers the waiting ones first (imap-target.c). */
	for (size_t i = 0; i < db.n; i++) {
		if (maildir_scan_find(&scan, db.v[i].base, db.v[i].base_len) != NULL ||
		    maildir_scan_find(&in_new, db.v[i].base, db.v[i].base_len) != NULL)
			known++;
	}
	for (size_t i = 0; i < scan.n; i++)
		unseen += !(scan.v[i].flags & MAILDIR_FLAG_SEEN);
	r->v[0] = (uint32_t)scan.n + n_new;
	r->v[1] = n_new;
	r->v[2] = db.nextuid + (uint32_t)(scan.n + n_new - known);
	r->v[3] = db.uidvalidity;
	r->v[4] = unseen + n_new;
	ret = 0;
out:
	buf_free(&data);
	maildir_uiddb_free(&db);
	maildir_scan_free(&scan);
	maildir_scan_free(&in_new);
	return ret;
}

/* The item list: bits of enum status_item in items_r, 0 or -1 (BAD sent). */
static int status_parse_items(struct imap_cmd *cmd, unsigned *items_r)
{
	const struct imap_arg *list;
	unsigned int n;

	*items_r = 0;
	if (imap_arg_get_list(&cmd->args[1], &list, &n) < 0 || n == 0) {
		imap_cmd_tagged(cmd, "BAD STATUS needs a list of items.");
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < sizeof(status_items) / sizeof(status_items[0]); k++) {
			if (imap_arg_atom_equals(&list[i], status_items[k].name))
				break;
		}
		if (k == sizeof(status_items) / sizeof(status_items[0])) {
			imap_cmd_tagged(cmd, "BAD Unknown STATUS item.");
			return -1;
		}
		*items_r |= status_items[k].item;
	}
	return 0;
}

void cmd_status(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct buf dir = BUF_INIT, line = BUF_INIT;
	struct status_values values;
	const char *name, *error;
	unsigned items;
	struct stat st;
	bool first = true;

	if (cmd->count != 2 || imap_arg_get_astring(&cmd->args[0], &name) < 0) {
		imap_cmd_tagged(cmd, "BAD STATUS needs a mailbox name and a list of items.");
		goto out;
	}
	if (status_parse_items(cmd, &items) < 0)
		goto out;
	if (imap_mailbox_name_to_dir(name, &dir, &error) < 0) {
		imap_cmd_tagged(cmd, "NO %s", error);
		goto out;
	}
	buf_printf(&line, "%s/cur", buf_cstr(&dir));
	if (stat(buf_cstr(&line), &st) < 0 || !S_ISDIR(st.st_mode)) {
		imap_cmd_tagged(cmd, "NO [NONEXISTENT] Mailbox does not exist.");
		goto out;
	}
	if (client->mailbox != NULL && strcmp(client->mailbox->idx.dir, buf_cstr(&dir)) == 0) {
		/* Report changes first, so the numbers match the client's view. */
		if (imap_mailbox_sync(client->mailbox, client, true, &error) < 0)
			log_warnx("STATUS: sync: %s", error);
		status_from_box(client->mailbox, &values);
	} else if (status_from_disk(buf_cstr(&dir), &values, &error) < 0) {
		log_warnx("STATUS %s: %s", name, error);
		imap_cmd_tagged(cmd, "NO Cannot read the mailbox.");
		goto out;
	}
	buf_reset(&line);
	buf_puts(&line, "* STATUS ");
	imap_quote_astring(&line, name, strlen(name));
	buf_puts(&line, " (");
	for (size_t k = 0; k < sizeof(status_items) / sizeof(status_items[0]); k++) {
		if (!(items & status_items[k].item))
			continue;
		buf_printf(&line, "%s%s %u", first ? "" : " ", status_items[k].name, values.v[k]);
		first = false;
	}
	buf_puts(&line, ")\r\n");
	imap_client_write(client, line.data, line.len);
	imap_cmd_tagged(cmd, "OK STATUS completed.");
out:
	buf_free(&dir);
	buf_free(&line);
}
