/* The mailbox hierarchy for LIST/LSUB (RFC 3501 §6.3.8, RFC 3348) and wildcard matching. */
#include "config.h"
#include "imap-folder-tree.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void imap_folder_tree_init(struct imap_folder_tree *tree, char sep)
{
	memset(tree, 0, sizeof(*tree));
	tree->sep = sep;
}

void imap_folder_tree_free(struct imap_folder_tree *tree)
{
	for (size_t i = 0; i < tree->n; i++)
		free(tree->v[i].name);
	free(tree->v);
	memset(tree, 0, sizeof(*tree));
}

static void tree_push(struct imap_folder_tree *tree, const char *name, size_t len, bool exists)
{
	struct imap_folder_node *node;

	if (tree->n == tree->cap) {
		tree->cap = tree->cap == 0 ? 16 : tree->cap * 2;
		tree->v = xreallocarray(tree->v, tree->cap, sizeof(*tree->v));
	}
	node = &tree->v[tree->n++];
	node->name = xmalloc(len + 1);
	memcpy(node->name, name, len);
	node->name[len] = '\0';
	node->exists = exists;
	node->has_children = false;
}

void imap_folder_tree_add(struct imap_folder_tree *tree, const char *name)
{
	/* Ancestors are pushed too; duplicates are merged by imap_folder_tree_finish(). */
	for (const char *p = strchr(name, tree->sep); p != NULL; p = strchr(p + 1, tree->sep))
		tree_push(tree, name, (size_t)(p - name), false);
	tree_push(tree, name, strlen(name), true);
}

static int node_cmp(const void *a, const void *b)
{
	const struct imap_folder_node *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int key_cmp(const void *key, const void *b)
{
	const struct imap_folder_node *y = b;

	return strcmp(key, y->name);
}

void imap_folder_tree_finish(struct imap_folder_tree *tree)
{
	size_t out = 0;

	if (tree->n > 1)
		qsort(tree->v, tree->n, sizeof(*tree->v), node_cmp);
	for (size_t i = 0; i < tree->n; i++) {
		if (out > 0 && strcmp(tree->v[out - 1].name, tree->v[i].name) == 0) {
			tree->v[out - 1].exists |= tree->v[i].exists;
			free(tree->v[i].name);
			continue;
		}
		tree->v[out++] = tree->v[i];
	}
	tree->n = out;
	/* Every ancestor is a node, so marking each node's parent marks them all. */
	for (size_t i = 0; i < tree->n; i++) {
		const char *name = tree->v[i].name, *last = strrchr(name, tree->sep);
		struct imap_folder_node *parent;
		char *key;

		if (last == NULL)
			continue;
		/* A copy: truncating the node's own name would break the order bsearch needs. */
		key = xmalloc((size_t)(last - name) + 1);
		memcpy(key, name, (size_t)(last - name));
		key[last - name] = '\0';
		parent = bsearch(key, tree->v, tree->n, sizeof(*tree->v), key_cmp);
		free(key);
		if (parent != NULL)
			parent->has_children = true;
	}
}

const struct imap_folder_node *imap_folder_tree_find(const struct imap_folder_tree *tree,
						     const char *name)
{
	if (tree->n == 0)
		return NULL;
	return bsearch(name, tree->v, tree->n, sizeof(*tree->v), key_cmp);
}

bool imap_folder_match(const char *pattern, const char *name, char sep)
{
	/* Dynamic programming over (pattern prefix, name prefix), one row per pattern byte:
	 * O(|pattern| * |name|) whatever the wildcards, so no pattern can blow up. */
	size_t nlen = strlen(name);
	bool *row = xcalloc(nlen + 1, sizeof(bool)), *next = xcalloc(nlen + 1, sizeof(bool));
	bool result, *tmp;

	row[0] = true;
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p == '*' || *p == '%') {
			/* next[j]: some k <= j with row[k] and name[k..j) free of sep for '%'. */
			bool reach = false;

			for (size_t j = 0; j <= nlen; j++) {
				if (row[j])
					reach = true;
				next[j] = reach;
				if (j < nlen && *p == '%' && name[j] == sep)
					reach = false;
			}
		} else {
			next[0] = false;
			for (size_t j = 1; j <= nlen; j++)
				next[j] = row[j - 1] && name[j - 1] == *p;
		}
		tmp = row;
		row = next;
		next = tmp;
	}
	result = row[nlen];
	free(row);
	free(next);
	return result;
}
