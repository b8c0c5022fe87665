/* Fuzz target: the userdb source text parser, the record/field splitters, makeuserdb's line
 * split and an edit round trip. */
#include "config.h"

#include "authlib/userdb-db.h"
#include "authlib/userdb-make.h"
#include "authlib/userdb-text.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err;
	struct userdb_text *t = userdb_text_parse((const char *)data, size, &err);
	if (t == NULL)
		return 0;

	struct buf main = BUF_INIT, shadow = BUF_INIT, out = BUF_INIT;
	for (size_t i = 0; i < userdb_text_line_count(t); i++) {
		const char *line = userdb_text_line(t, i), *fields, *key, *value;
		size_t key_len, value_len, len = strlen(line);
		if (userdb_text_split(line, &key_len, &fields)) {
			struct userdb_fields *f = userdb_fields_parse(fields, strlen(fields), &err);
			for (size_t j = 0; f != NULL && j < userdb_fields_count(f); j++) {
				const char *name, *val;
				userdb_fields_at(f, j, &name, &val);
				if (userdb_fields_get(f, name) == NULL)
					abort();
			}
			userdb_fields_free(f);
		}
		if (userdb_make_split(line, len, "sub/", &key, &key_len, &main, &shadow)) {
			if (main.len < 6 || memcmp(main.data + main.len - 6, "_=sub/", 6) != 0)
				abort();
		}
		(void)userdb_make_dat_record(line, len, &key, &key_len, &value, &value_len);
	}

	/* Editing a record and writing back must leave a text that parses to the same record. */
	const char *items[] = { "uid=1", "flag", "home=/h=x" };
	if (userdb_text_set(t, "fuzz@example.com", items, 3, &err) == 0) {
		userdb_text_write(t, &out);
		struct userdb_text *t2 = userdb_text_parse(out.data, out.len, &err);
		if (t2 == NULL || userdb_text_find(t2, "fuzz@example.com") < 0)
			abort();
		userdb_text_free(t2);
	}
	const char *names[] = { "flag" };
	(void)userdb_text_unset(t, "fuzz@example.com", names, 1);
	(void)userdb_text_del(t, "fuzz@example.com");

	buf_free(&main);
	buf_free(&shadow);
	buf_free(&out);
	userdb_text_free(t);
	return 0;
}
