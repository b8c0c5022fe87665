/* The mailbox hierarchy as LIST and LSUB see it (RFC 3501 §6.3.8, RFC 3348 CHILDREN): a sorted
 * set of names with their ancestors, and wildcard matching. No I/O. */
#ifndef HATO_IMAP_FOLDER_TREE_H
#define HATO_IMAP_FOLDER_TREE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest pattern (reference + mailbox) LIST accepts. */
#define IMAP_FOLDER_PATTERN_MAX 1024

struct imap_folder_node {
	char *name;        /* the name, '.' separated (owned) */
	bool exists;       /* given to imap_folder_tree_add(), not only an ancestor of one */
	bool has_children; /* some other node is below it */
};

struct imap_folder_tree {
	struct imap_folder_node *v; /* sorted by strcmp of name, unique */
	size_t n, cap;
	char sep;
};

void imap_folder_tree_init(struct imap_folder_tree *tree, char sep);
void imap_folder_tree_free(struct imap_folder_tree *tree);
/* Add a name (copied); every ancestor ("a" and "a.b" for "a.b.c") becomes a node too, not
 * existing unless added itself. Call imap_folder_tree_finish() after the last one. */
void imap_folder_tree_add(struct imap_folder_tree *tree, const char *name);
/* Sort, merge duplicates and compute has_children. */
void imap_folder_tree_finish(struct imap_folder_tree *tree);
/* The node for name, or NULL. */
const struct imap_folder_node *imap_folder_tree_find(const struct imap_folder_tree *tree,
						     const char *name);

/* RFC 3501 §6.3.8 matching: '*' matches anything, '%' anything but sep; other bytes match
 * themselves (case-sensitively). */
bool imap_folder_match(const char *pattern, const char *name, char sep);

#endif
