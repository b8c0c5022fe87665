/* Writing FETCH responses (RFC 3501 §7.4.2): message bytes read from cur/, sizes and offsets
 * in the CRLF form the client sees, \Seen set by non-PEEK body fetches. */
#include "config.h"
#include "imap-fetch.h"
#include "imap-client.h"
#include "imap-date.h"
#include "imap-mailbox.h"
#include "arena.h"
#include "buf.h"
#include "maildir-name.h"
#include "mime-bodystructure.h"
#include "mime-envelope.h"
#include "mime-header.h"
#include "mime-parse.h"
#include "safe-io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Largest message imapd reads into memory for FETCH. */
#define IMAP_FETCH_MAX_MESSAGE (256u * 1024 * 1024)

struct fetch_msg {
	struct buf data;
	struct stat st;
	size_t size; /* RFC822.SIZE: the file's bytes with bare LF counted as CRLF */
	const struct mime_part *root;
};

static int load(struct imap_mailbox *box, const struct maildir_entry *e, struct fetch_msg *m,
		const char **error_r)
{
	ssize_t n;
	int fd;

	fd = maildir_scan_open(box->idx.dir, e->name);
	if (fd < 0) {
		*error_r = "cannot open the message file";
		return errno == ENOENT ? 1 : -1;
	}
	if (fstat(fd, &m->st) < 0 || (uint64_t)m->st.st_size > IMAP_FETCH_MAX_MESSAGE) {
		close(fd);
		*error_r = "cannot stat the message file or it is too large";
		return -1;
	}
	buf_reserve(&m->data, (size_t)m->st.st_size);
	n = read_full(fd, m->data.data, (size_t)m->st.st_size);
	if (n < 0) {
		close(fd);
		*error_r = "cannot read the message file";
		return -1;
	}
	m->data.len = (size_t)n;
	m->data.data[n] = '\0';
	m->size = mime_crlf_size(m->data.data, m->data.len, NULL);
	close(fd);
	return 0;
}

/* Append data[start..end) with bare LF written as CRLF. */
static void append_crlf(struct buf *out, const char *data, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			buf_putc(out, '\r');
		buf_putc(out, data[i]);
	}
}

static bool field_listed(const struct imap_fetch_item *it, const char *name, size_t len)
{
	for (unsigned int i = 0; i < it->nfields; i++) {
		if (strlen(it->fields[i]) == len && strncasecmp(it->fields[i], name, len) == 0)
			return true;
	}
	return false;
}

/* The header block data[start..end) reduced to the listed fields (or all but them), with the
 * blank line that ends a header (RFC 3501 §6.4.5). */
static void append_fields(struct buf *out, const struct imap_fetch_item *it, const char *data,
			  size_t start, size_t end)
{
	bool keep = false;
	size_t pos = start;

	while (pos < end) {
		const char *nl = memchr(data + pos, '\n', end - pos);
		size_t next = nl != NULL ? (size_t)(nl - data) + 1 : end;

		if (data[pos] == '\n' || (data[pos] == '\r' && pos + 1 < end && data[pos + 1] == '\n'))
			break; /* the blank line */
		if (data[pos] != ' ' && data[pos] != '\t') {
			const char *colon = memchr(data + pos, ':', next - pos);
			size_t len = colon != NULL ? (size_t)(colon - (data + pos)) : 0;

			while (len > 0 && (data[pos + len - 1] == ' ' || data[pos + len - 1] == '\t'))
				len--;
			keep = colon != NULL &&
			       field_listed(it, data + pos, len) == (it->text == IMAP_FETCH_TEXT_FIELDS);
		}
		if (keep) {
			append_crlf(out, data, pos, next);
			if (nl == NULL)
				buf_puts(out, "\r\n");
		}
		pos = next;
	}
	buf_puts(out, "\r\n");
}

/* The bytes of a section in CRLF form; false when the part does not exist. */
static bool section_bytes(const struct imap_fetch_item *it, const struct fetch_msg *m,
			  struct buf *out)
{
	const char *data = m->data.data != NULL ? m->data.data : "", *rest;
	const struct mime_part *p = m->root, *msg;

	if (*it->numbers != '\0') {
		p = mime_part_find(m->root, it->numbers, &rest);
		if (p == NULL || *rest != '\0')
			return false;
	}
	/* HEADER and TEXT after part numbers mean the encapsulated message's. */
	msg = *it->numbers == '\0' ? m->root : p->rfc822 ? p->message : NULL;
	switch (it->text) {
	case IMAP_FETCH_TEXT_ALL:
		if (*it->numbers == '\0')
			append_crlf(out, data, 0, m->data.len);
		else
			append_crlf(out, data, p->body_offset, p->end_offset);
		return true;
	case IMAP_FETCH_TEXT_MIME:
		append_crlf(out, data, p->header_offset, p->body_offset);
		return true;
	case IMAP_FETCH_TEXT_HEADER:
		if (msg == NULL)
			return false;
		append_crlf(out, data, msg->header_offset, msg->body_offset);
		return true;
	case IMAP_FETCH_TEXT_TEXT:
		if (msg == NULL)
			return false;
		append_crlf(out, data, msg->body_offset, msg->end_offset);
		return true;
	case IMAP_FETCH_TEXT_FIELDS:
	case IMAP_FETCH_TEXT_FIELDS_NOT:
		if (msg == NULL)
			return false;
		append_fields(out, it, data, msg->header_offset, msg->body_offset);
		return true;
	}
	return false;
}

static void write_section(struct imap_client *client, const struct imap_fetch_item *it,
			  const struct fetch_msg *m, struct buf *line)
{
	struct buf bytes = BUF_INIT;
	size_t start = 0, len;

	buf_printf(line, "%s ", it->name);
	if (!section_bytes(it, m, &bytes)) {
		buf_puts(line, "NIL");
		buf_free(&bytes);
		return;
	}
	len = bytes.len;
	if (it->partial) {
		start = it->start < bytes.len ? it->start : bytes.len;
		len = bytes.len - start < it->length ? bytes.len - start : it->length;
	}
	buf_printf(line, "{%zu}\r\n", len);
	buf_append(line, bytes.data + start, len);
	if (it->text == IMAP_FETCH_TEXT_HEADER || it->text == IMAP_FETCH_TEXT_FIELDS ||
	    it->text == IMAP_FETCH_TEXT_FIELDS_NOT || it->text == IMAP_FETCH_TEXT_MIME)
		client->counters.headers += len;
	else
		client->counters.body += len;
	buf_free(&bytes);
}

static int tz_minutes(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

static void write_item(struct imap_client *client, struct arena *a, const struct imap_fetch_item *it,
		       const struct imap_msg *msg, const struct fetch_msg *m, struct buf *line)
{
	const char *data = m->data.data != NULL ? m->data.data : "";

	switch (it->type) {
	case IMAP_FETCH_FLAGS:
		buf_puts(line, "FLAGS ");
		imap_mailbox_write_flags(msg, line);
		break;
	case IMAP_FETCH_UID:
		buf_printf(line, "UID %u", msg->uid);
		break;
	case IMAP_FETCH_INTERNALDATE:
		buf_puts(line, "INTERNALDATE ");
		imap_date_write_datetime(line, m->st.st_mtime, tz_minutes(m->st.st_mtime));
		break;
	case IMAP_FETCH_RFC822_SIZE:
		buf_printf(line, "RFC822.SIZE %zu", m->size);
		break;
	case IMAP_FETCH_ENVELOPE:
		buf_puts(line, "ENVELOPE ");
		mime_envelope_write(line, a, data + m->root->header_offset,
				    m->root->body_offset - m->root->header_offset);
		break;
	case IMAP_FETCH_BODY:
	case IMAP_FETCH_BODYSTRUCTURE:
		buf_puts(line, it->type == IMAP_FETCH_BODY ? "BODY " : "BODYSTRUCTURE ");
		mime_bodystructure_write(line, a, m->root, data,
					 it->type == IMAP_FETCH_BODYSTRUCTURE);
		break;
	case IMAP_FETCH_SECTION:
		write_section(client, it, m, line);
		break;
	}
}

static bool has_item(const struct imap_fetch *f, enum imap_fetch_type type)
{
	for (unsigned int i = 0; i < f->count; i++) {
		if (f->items[i].type == type)
			return true;
	}
	return false;
}

int imap_fetch_write(const struct imap_fetch *f, struct imap_client *client,
		     struct imap_mailbox *box, uint32_t seq, const char **error_r)
{
	struct imap_msg *msg = imap_mailbox_msg(box, seq);
	struct maildir_entry *e = msg != NULL ? imap_mailbox_entry(box, msg) : NULL;
	struct fetch_msg m;
	struct buf line = BUF_INIT;
	struct arena *scratch = NULL;
	bool seen_now = false, want_flags = has_item(f, IMAP_FETCH_FLAGS);
	const char *sep = "";
	int ret;

	if (e == NULL)
		return 1;
	memset(&m, 0, sizeof(m));
	if (!f->need_body &&
	    (has_item(f, IMAP_FETCH_RFC822_SIZE) || has_item(f, IMAP_FETCH_INTERNALDATE))) {
		/* Sizes and dates come from the index (hatoimapcache across sessions): a file is
		 * opened only the first time one of its values is asked for. */
		ret = maildir_index_measure(&box->idx, e, has_item(f, IMAP_FETCH_RFC822_SIZE),
					    error_r);
		if (ret != 0)
			return ret;
		m.size = (size_t)e->crlf_size;
		m.st.st_mtime = (time_t)e->mtime;
	}
	if (f->need_body) {
		ret = load(box, e, &m, error_r);
		if (ret != 0) {
			buf_free(&m.data);
			return ret;
		}
		maildir_index_learn(&box->idx, e, m.size, (int64_t)m.st.st_mtime);
		/* The tree lives only as long as this message's line: in the command's arena, a
		 * FETCH 1:* kept every message's tree until the command ended. */
		if (f->need_mime) {
			scratch = arena_new(8192);
			m.root = mime_parse(scratch, m.data.data, m.data.len, NULL);
		}
	}
	if (f->sets_seen && !box->readonly && !(msg->flags & MAILDIR_FLAG_SEEN)) {
		if (imap_mailbox_set_flags(box, msg, msg->flags | MAILDIR_FLAG_SEEN, error_r) == 0)
			seen_now = true;
	}
	buf_printf(&line, "* %u FETCH (", seq);
	if (f->uid && !has_item(f, IMAP_FETCH_UID)) {
		buf_printf(&line, "UID %u", msg->uid);
		sep = " ";
	}
	for (unsigned int i = 0; i < f->count; i++) {
		buf_puts(&line, sep);
		write_item(client, scratch != NULL ? scratch : client->arena, &f->items[i], msg, &m,
			   &line);
		sep = " ";
	}
	if (seen_now && !want_flags) {
		/* RFC 3501 §6.4.5: the flag change is reported with the fetch. */
		buf_printf(&line, "%sFLAGS ", sep);
		imap_mailbox_write_flags(msg, &line);
	}
	buf_puts(&line, ")\r\n");
	imap_client_write(client, line.data, line.len);
	buf_free(&line);
	buf_free(&m.data);
	arena_free(scratch);
	return 0;
}
