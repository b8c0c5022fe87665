/* Maildir++ folders as the hierarchy commands need them: the tree of existing folders, an
 * atomic CREATE, and whether a folder is the selected mailbox. */
#ifndef HATO_IMAP_FOLDER_H
#define HATO_IMAP_FOLDER_H

#include <stdbool.h>

#include "imap-folder-tree.h"

struct imap_client;

/* The folders of the Maildir in the current directory (UTF-8 names without prefix), with
 * their ancestors, finished. Without the INBOX. prefix, folders whose first component is
 * "INBOX" (any case) are left out: they could not be named. -1 with error_r. */
int imap_folder_tree_load(struct imap_folder_tree *tree, const char **error_r);

/* Create folder ./.<folder> (cur/ new/ tmp/, maildirfolder, a courierimapuiddb with a fresh
 * UIDVALIDITY) in tmp/ first and rename it into place, so no half-made folder is ever seen.
 * -1 with error_r; errno EEXIST when the folder exists. */
int imap_folder_create(const char *folder, const char **error_r);

/* True when the selected mailbox is folder, or (with below) one of its inferiors. */
bool imap_folder_is_selected(const struct imap_client *client, const char *folder, bool below);

#endif
