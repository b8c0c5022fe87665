/* Fuzz target for the mailbox hierarchy code without I/O: the input, split at its first NUL (or
 * newline), is a LIST pattern and a mailbox name; the name goes through imap_mailbox_name_parse
 * and back, the pattern through imap_folder_match and the folder tree. Nothing may crash, leak,
 * or map a name to a path outside the Maildir. */
#include "config.h"
#include "imap-folder-tree.h"
#include "imap-mailbox-name.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf pattern = BUF_INIT, name = BUF_INIT, folder = BUF_INIT, wire = BUF_INIT;
	struct imap_folder_tree tree;
	const char *error;
	size_t split = 0;
	bool inbox;

	while (split < size && data[split] != '\0' && data[split] != '\n')
		split++;
	if (split > IMAP_FOLDER_PATTERN_MAX)
		split = IMAP_FOLDER_PATTERN_MAX;
	buf_append(&pattern, data, split);
	if (split < size)
		buf_append(&name, data + split + 1, strnlen((const char *)data + split + 1,
							   size - split - 1));
	if (imap_mailbox_name_parse(buf_cstr(&name), &folder, &inbox, &error) == 0 && !inbox) {
		/* A valid folder never escapes the Maildir and maps back to a name. */
		const char *f = buf_cstr(&folder);

		if (strchr(f, '/') != NULL || strstr(f, "..") != NULL || f[0] == '.' ||
		    imap_mailbox_name_from_folder(f, &wire) < 0)
			abort();
		imap_folder_tree_init(&tree, '.');
		imap_folder_tree_add(&tree, buf_cstr(&folder));
		imap_folder_tree_finish(&tree);
		if (imap_folder_tree_find(&tree, buf_cstr(&folder)) == NULL)
			abort();
		for (size_t i = 0; i < tree.n; i++)
			(void)imap_folder_match(buf_cstr(&pattern), tree.v[i].name, '.');
		imap_folder_tree_free(&tree);
	}
	(void)imap_folder_match(buf_cstr(&pattern), buf_cstr(&name), '.');
	buf_free(&pattern);
	buf_free(&name);
	buf_free(&folder);
	buf_free(&wire);
	return 0;
}
