/* Test helper for tests/e2e: print what the userdb library reads from a userdb.dat.
 *   userdb-lookup DAT KEY   → "main" then its fields "name=value", then "shadow" and its fields
 *                             (exit 0), or exit 2 if there is no such key
 *   userdb-lookup DAT       → every account key (enumerate), one a line
 *   userdb-lookup DAT KEY cram-md5 SERVICE CHALLENGE
 *                           → the hex CRAM-MD5 digest of CHALLENGE resumed from the record's
 *                             <SERVICE>-hmac-md5pw, else hmac-md5pw (courier-formats §1.4) */
#include "config.h"

#include "authlib/hmackey.h"
#include "authlib/userdb-db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_fields(const char *title, const struct userdb_fields *f)
{
	printf("%s\n", title);
	for (size_t i = 0; f != NULL && i < userdb_fields_count(f); i++) {
		const char *n, *v;
		userdb_fields_at(f, i, &n, &v);
		printf("%s=%s\n", n, v);
	}
}

static void print_key(const char *key, const struct userdb_fields *f, void *ctx)
{
	(void)f;
	(void)ctx;
	printf("%s\n", key);
}

static int cram_md5(const struct userdb_fields *shadow, const char *service, const char *challenge)
{
	char field[128];
	const char *secret = NULL, *err;
	uint8_t digest[HMACKEY_MAX_DIGEST];

	snprintf(field, sizeof(field), "%s-hmac-md5pw", service);
	if (shadow != NULL && (secret = userdb_fields_get(shadow, field)) == NULL)
		secret = userdb_fields_get(shadow, "hmac-md5pw");
	if (secret == NULL) {
		fprintf(stderr, "no hmac-md5pw\n");
		return 1;
	}
	if (hmackey_hmac(HMACKEY_MD5, secret, challenge, strlen(challenge), digest, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < hmackey_digest_len(HMACKEY_MD5); i++)
		printf("%02x", digest[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *err;
	struct userdb_fields *m, *s;

	if (argc == 6 && strcmp(argv[3], "cram-md5") == 0) {
		struct userdb_db *db = userdb_db_open(argv[1], NULL, &err);
		if (db == NULL || userdb_db_fetch(db, argv[2], &m, &s, &err) <= 0) {
			fprintf(stderr, "%s: no such key\n", argv[2]);
			return 2;
		}
		int r = cram_md5(s, argv[4], argv[5]);
		userdb_fields_free(m);
		userdb_fields_free(s);
		userdb_db_close(db);
		return r;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: userdb-lookup userdb.dat [key]\n");
		return 1;
	}
	struct userdb_db *db = userdb_db_open(argv[1], NULL, &err);
	if (db == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	int r = 0;
	if (argc == 2) {
		if (userdb_db_enumerate(db, print_key, NULL, &err) < 0)
			r = -1;
	} else {
		r = userdb_db_fetch(db, argv[2], &m, &s, &err);
		if (r > 0) {
			print_fields("main", m);
			print_fields("shadow", s);
			userdb_fields_free(m);
			userdb_fields_free(s);
		}
	}
	userdb_db_close(db);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	return argc == 3 && r == 0 ? 2 : 0;
}
