/* maildir-scan-bench: sync one folder's index (as imapd does on SELECT) and print what it saw.
 * Used by bench/maildir-scan.sh to count the syscalls of a scan with a current uiddb. */
#include "config.h"
#include "log.h"
#include "maildir/maildir-index.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct maildir_index idx;
	const char *error;

	log_init("maildir-scan-bench", LOG_TARGET_STDERR);
	if (argc != 2) {
		fprintf(stderr, "usage: maildir-scan-bench <maildir>\n");
		return 2;
	}
	maildir_index_init(&idx, argv[1]);
	if (maildir_index_sync(&idx, &error) < 0)
		fatal("%s: %s", argv[1], error);
	printf("messages=%zu uidvalidity=%u uidnext=%u assigned=%u rewrote=%d\n", idx.msgs.n,
	       idx.uidvalidity, idx.nextuid, idx.assigned, idx.rewrote);
	maildir_index_free(&idx);
	return 0;
}
