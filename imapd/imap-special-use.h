/* SPECIAL-USE attributes (RFC 6154) of folders, by name. */
#ifndef HATO_IMAP_SPECIAL_USE_H
#define HATO_IMAP_SPECIAL_USE_H

/* The attribute ("\\Sent", ...) of a UTF-8 folder name (without the INBOX. prefix), or NULL.
 * Default table: Sent, Drafts, Trash (and IMAP_TRASHFOLDERNAME), Junk, Spam, Archive. The
 * environment variable IMAP_SPECIAL_USE replaces it: "Folder=\\Attr" pairs separated by ';',
 * e.g. "Sent Items=\\Sent;Deleted Items=\\Trash"; malformed pairs are logged and skipped. */
const char *imap_special_use_of(const char *folder);

/* Parse a table in IMAP_SPECIAL_USE's format and use it instead of the environment's (tests;
 * NULL restores the default). Returns the number of malformed pairs. */
int imap_special_use_set(const char *spec);

#endif
