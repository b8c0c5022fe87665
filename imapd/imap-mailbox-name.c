/* IMAP mailbox names to Maildir++ directories (RFC 3501 §5.1, Courier's INBOX. namespace,
 * RFC 2342 for the prefix). */
#include "config.h"
#include "imap-mailbox-name.h"
#include "log.h"
#include "maildir-folder.h"
#include "maildir-mutf7.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest wire name looked at (the UTF-8 folder name is limited to MAILDIR_FOLDER_NAME_MAX). */
#define IMAP_MAILBOX_NAME_WIRE_MAX 1024

const char *imap_mailbox_name_prefix(void)
{
	static const char *prefix;
	const char *v;

	if (prefix == NULL) {
		v = getenv("IMAP_NAMESPACE_PREFIX");
		prefix = "INBOX.";
		if (v != NULL && *v == '\0')
			prefix = "";
		else if (v != NULL && strcmp(v, "INBOX.") != 0)
			log_warnx("ignoring IMAP_NAMESPACE_PREFIX=%s (\"INBOX.\" or empty)", v);
	}
	return prefix;
}

int imap_mailbox_name_parse(const char *name, struct buf *folder_r, bool *inbox_r,
			    const char **error_r)
{
	const char *prefix = imap_mailbox_name_prefix(), *rest;
	size_t plen = strlen(prefix);
	struct buf utf8 = BUF_INIT;

	*inbox_r = false;
	if (strlen(name) > IMAP_MAILBOX_NAME_WIRE_MAX) {
		*error_r = "Mailbox name too long.";
		return -1;
	}
	if (strcasecmp(name, "INBOX") == 0) {
		*inbox_r = true;
		return 0;
	}
	if (plen > 0 && strncasecmp(name, prefix, plen) != 0) {
		*error_r = "Mailbox names start with INBOX.";
		return -1;
	}
	/* Without a prefix INBOX stays special and has no inferiors: "INBOX.x" would be the
	 * folder ".INBOX.x", which a client could not tell from INBOX's child. */
	if (plen == 0 && strncasecmp(name, "INBOX.", 6) == 0) {
		*error_r = "INBOX has no inferior mailboxes.";
		return -1;
	}
	rest = name + plen;
	if (strpbrk(rest, "*%") != NULL) {
		*error_r = "Mailbox names cannot contain * or %.";
		return -1;
	}
	if (maildir_mutf7_to_utf8(rest, &utf8, error_r) < 0 ||
	    maildir_folder_name_valid(buf_cstr(&utf8), error_r) < 0) {
		buf_free(&utf8);
		return -1;
	}
	buf_puts(folder_r, buf_cstr(&utf8));
	buf_free(&utf8);
	return 0;
}

int imap_mailbox_name_to_dir(const char *name, struct buf *dir_r, const char **error_r)
{
	struct buf folder = BUF_INIT;
	bool inbox;
	int ret;

	if (imap_mailbox_name_parse(name, &folder, &inbox, error_r) < 0) {
		buf_free(&folder);
		return -1;
	}
	if (inbox) {
		buf_puts(dir_r, ".");
		return 0;
	}
	buf_puts(dir_r, "./");
	ret = maildir_folder_to_dir(buf_cstr(&folder), dir_r, error_r);
	buf_free(&folder);
	return ret;
}

int imap_mailbox_name_from_folder(const char *folder, struct buf *out)
{
	struct buf enc = BUF_INIT;
	const char *error;

	if (maildir_mutf7_from_utf8(folder, &enc, &error) < 0) {
		buf_free(&enc);
		return -1;
	}
	buf_puts(out, imap_mailbox_name_prefix());
	buf_puts(out, buf_cstr(&enc));
	buf_free(&enc);
	return 0;
}
