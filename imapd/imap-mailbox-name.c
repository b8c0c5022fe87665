/* IMAP mailbox names to Maildir++ directories (RFC 3501 §5.1, Courier's INBOX. namespace). */
#include "config.h"
#include "imap-mailbox-name.h"
#include "maildir-folder.h"
#include "maildir-mutf7.h"

#include <strings.h>

int imap_mailbox_name_to_dir(const char *name, struct buf *dir_r, const char **error_r)
{
	struct buf utf8 = BUF_INIT;
	int ret;

	if (strcasecmp(name, "INBOX") == 0) {
		buf_puts(dir_r, ".");
		return 0;
	}
	if (strncasecmp(name, "INBOX.", 6) != 0) {
		*error_r = "Mailbox names start with INBOX.";
		return -1;
	}
	if (maildir_mutf7_to_utf8(name + 6, &utf8, error_r) < 0) {
		buf_free(&utf8);
		return -1;
	}
	buf_puts(dir_r, "./");
	ret = maildir_folder_to_dir(buf_cstr(&utf8), dir_r, error_r);
	buf_free(&utf8);
	return ret;
}
