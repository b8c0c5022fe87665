/* makeuserdb: compile the userdb source into userdb.dat + userdbshadow.dat, command-line
 * compatible with Courier's makeuserdb(8) (reference courier-formats §1.3). */
#include "config.h"

#include "authlib/userdb-make.h"
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *source = xstrdup(HATO_CONFDIR "/userdb");
	struct buf error = BUF_INIT;

	if (argc >= 2 && strcmp(argv[1], "-f") == 0) {
		if (argc != 3) {
			fprintf(stderr, "Usage: %s [-f path]\n", argv[0]);
			return 1;
		}
		free(source);
		source = xstrdup(argv[2]);
		/* "-f dir/" names the same source as "-f dir", as in Courier's script. */
		size_t len = strlen(source);
		if (len > 1 && source[len - 1] == '/')
			source[len - 1] = '\0';
	} else if (argc != 1) {
		fprintf(stderr, "Usage: %s [-f path]\n", argv[0]);
		return 1;
	}
	if (userdb_make_build(source, &error) < 0) {
		fputs(buf_cstr(&error), stderr);
		buf_free(&error);
		free(source);
		return 1;
	}
	free(source);
	return 0;
}
