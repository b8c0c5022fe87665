/* Unit tests for lib/conffile.c: the Courier config syntax, every error with file:line, limits. */
#include "config.h"
#include "conffile.h"
#include "buf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ok_row {
	const char *input;
	const char *name;
	const char *expect;
};

static const struct ok_row ok_rows[] = {
	{ "A=1\n", "A", "1" },
	{ "A=1", "A", "1" },
	{ "A=\n", "A", "" },
	{ "A=''\n", "A", "" },
	{ "A=\"\"\n", "A", "" },
	{ "A=hello # a comment\n", "A", "hello" },
	{ "A=hello\t#c\n", "A", "hello" },
	{ "A=a#b\n", "A", "a#b" },
	{ "A=#x\n", "A", "#x" },
	{ "   A=1\n", "A", "1" },
	{ "\tA=1\t\n", "A", "1" },
	{ "A=1\r\n", "A", "1" },
	{ "A='x $B \\ \" ${C}'\n", "A", "x $B \\ \" ${C}" },
	{ "A=\"a\\\"b\\\\c\\$d\\`e\\nf\"\n", "A", "a\"b\\c$d`e\\nf" },
	{ "A=\"a\\\nb\"\n", "A", "ab" },
	{ "A=x\\ y\n", "A", "x y" },
	{ "A=x\\\ny\n", "A", "xy" },
	{ "A=x\\\n", "A", "x" },
	{ "A=x\\", "A", "x\\" },
	{ "B=x\nA=\"$B ${B}y $By\"\n", "A", "x xy " },
	{ "B=x\nA=$B${B}\n", "A", "xx" },
	{ "B=x\nA='$B'\n", "A", "$B" },
	{ "A=\"a\"'b'c\n", "A", "abc" },
	{ "B=2\nA=1\"$B\"'$B'$B\n", "A", "12$B2" },
	{ "A=\"line1\nline2\"\n", "A", "line1\nline2" },
	{ "A='l1\n\nl3'\n", "A", "l1\n\nl3" },
	{ "A=$\n", "A", "$" },
	{ "A=\"cost $ 5\"\n", "A", "cost $ 5" },
	{ "A=\"x$\"\n", "A", "x$" },
	{ "A=x${HATO_CHECK_NO_SUCH_NAME}y\n", "A", "xy" },
	{ "A=$HATO_CHECK_NO_SUCH_NAME\n", "A", "" },
	{ "A=1\nA=2\n", "A", "2" },
	{ "A=1\nB=$A\nA=3\n", "B", "1" },
	{ "A=a=b\n", "A", "a=b" },
	{ "_a9=1\n", "_a9", "1" },
	{ "A=\"a # not a comment\"\n", "A", "a # not a comment" },
	{ "##NAME: A:0\n#\n# The doc text.\n\nA=1\n", "A", "1" },
	{ "# only comments\n##NAME: X:1\n", "X", NULL },
	{ "", "A", NULL },
	{ "\n\n\n", "A", NULL },
	{ "IMAP_CAPABILITY=\"IMAP4rev1 UIDPLUS CHILDREN NAMESPACE\"\n"
	  "IMAP_CAPABILITY_TLS=\"$IMAP_CAPABILITY AUTH=PLAIN\"\n",
	  "IMAP_CAPABILITY_TLS", "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE AUTH=PLAIN" },
	{ "TLS_PROTOCOL=TLS1_2\nTLS_STARTTLS_PROTOCOL=\"$TLS_PROTOCOL\"\n", "TLS_STARTTLS_PROTOCOL",
	  "TLS1_2" },
	{ "authmodulelist=\"authuserdb\"\n", "authmodulelist", "authuserdb" },
	{ "IMAP_EMPTYTRASH=Trash:7,Sent:30\n", "IMAP_EMPTYTRASH", "Trash:7,Sent:30" },
	{ "TCPDOPTS=\"-nodnslookup -noidentlookup\"\n", "TCPDOPTS", "-nodnslookup -noidentlookup" },
};

START_TEST(test_conffile_ok_rows)
{
	const struct ok_row *r = &ok_rows[_i];
	struct conffile *cf = conffile_new();
	const char *error = NULL;

	unsetenv("HATO_CHECK_NO_SUCH_NAME");
	if (conffile_parse(cf, "test.conf", r->input, strlen(r->input), &error) < 0)
		ck_abort_msg("row %d: unexpected error %s", _i, error);
	if (r->expect == NULL)
		ck_assert_ptr_null(conffile_get(cf, r->name));
	else
		ck_assert_msg(conffile_get(cf, r->name) != NULL &&
				      strcmp(conffile_get(cf, r->name), r->expect) == 0,
			      "row %d: %s is [%s], expected [%s]", _i, r->name,
			      conffile_get(cf, r->name), r->expect);
	conffile_free(cf);
}
END_TEST

struct err_row {
	const char *input;
	const char *expect;
};

static const struct err_row err_rows[] = {
	{ "A=\"abc\n", "test.conf:1: unterminated double quote" },
	{ "A=1\nB=\"abc\n\nC=1\n", "test.conf:2: unterminated double quote" },
	{ "\nA='abc\n", "test.conf:2: unterminated single quote" },
	{ "A=\"x\\\"", "test.conf:1: unterminated double quote" },
	{ "1A=x\n",
	  "test.conf:1: invalid name \"1A\" (letters, digits and _, not starting with a digit)" },
	{ "A=1\nA-B=x\n",
	  "test.conf:2: invalid name \"A-B\" (letters, digits and _, not starting with a digit)" },
	{ "=x\n", "test.conf:1: invalid name \"\" (letters, digits and _, not starting with a digit)" },
	{ "\"A\"=x\n",
	  "test.conf:1: invalid name \"\\x22A\\x22\" (letters, digits and _, not starting with a "
	  "digit)" },
	{ "A\xff=x\n",
	  "test.conf:1: invalid name \"A\\xff\" (letters, digits and _, not starting with a digit)" },
	{ "export FOO\n", "test.conf:1: expected NAME=value, found \"export\"" },
	{ "export FOO=1\n", "test.conf:1: expected NAME=value, found \"export\"" },
	{ "A=1\nFOO = 1\n", "test.conf:2: expected NAME=value, found \"FOO\" (no spaces around '=')" },
	{ "FOO\n", "test.conf:1: expected NAME=value, found \"FOO\"" },
	{ "FOO", "test.conf:1: expected NAME=value, found \"FOO\"" },
	{ "if [ -f x ]; then\n", "test.conf:1: expected NAME=value, found \"if\"" },
	{ ". /etc/courier/imapd\n", "test.conf:1: expected NAME=value, found \".\"" },
	{ "A=\"x\" y\n",
	  "test.conf:1: unexpected text after the value of A (quote values that contain spaces)" },
	{ "A='x'y z\n",
	  "test.conf:1: unexpected text after the value of A (quote values that contain spaces)" },
	{ "A=x y\n",
	  "test.conf:1: unexpected text after the value of A (quote values that contain spaces)" },
	{ "A=1 B=2\n",
	  "test.conf:1: unexpected text after the value of A (quote values that contain spaces)" },
	{ "A=\"a\nb\nc\" d\n",
	  "test.conf:3: unexpected text after the value of A (quote values that contain spaces)" },
	{ "A=`ls`\n", "test.conf:1: command substitution `...` is not supported" },
	{ "A=\"x`ls`\"\n", "test.conf:1: command substitution `...` is not supported" },
	{ "A=$(ls)\n", "test.conf:1: command substitution $(...) is not supported" },
	{ "A=\"$(ls)\"\n", "test.conf:1: command substitution $(...) is not supported" },
	{ "A=${B:-x}\n", "test.conf:1: unsupported ${...} substitution (only ${NAME} is)" },
	{ "A=${B\n", "test.conf:1: unsupported ${...} substitution (only ${NAME} is)" },
	{ "A=${}\n", "test.conf:1: unsupported ${...} substitution (only ${NAME} is)" },
	{ "A=${1}\n", "test.conf:1: unsupported ${...} substitution (only ${NAME} is)" },
	{ "A=$$\n", "test.conf:1: special parameter $$ is not supported" },
	{ "A=\"$1\"\n", "test.conf:1: special parameter $1 is not supported" },
	{ "A=x;y\n", "test.conf:1: unquoted ';' (shell syntax is not supported; quote the value)" },
	{ "A=x|y\n", "test.conf:1: unquoted '|' (shell syntax is not supported; quote the value)" },
	{ "A=x>y\n", "test.conf:1: unquoted '>' (shell syntax is not supported; quote the value)" },
	{ "A=(x)\n", "test.conf:1: unquoted '(' (shell syntax is not supported; quote the value)" },
	{ "A=1\nB=2\0\n", "test.conf:2: NUL byte in file" },
};

START_TEST(test_conffile_error_rows)
{
	const struct err_row *r = &err_rows[_i];
	struct conffile *cf = conffile_new();
	const char *error = NULL;
	size_t len = strlen(r->input);

	/* The one row with an embedded NUL: its length runs to the end of the literal. */
	if (strstr(r->expect, "NUL") != NULL)
		len = 9;
	conffile_set(cf, "KEPT", "old");
	ck_assert_msg(conffile_parse(cf, "test.conf", r->input, len, &error) == -1,
		      "row %d parsed", _i);
	ck_assert_str_eq(error, r->expect);
	/* A file with an error changes nothing, not even the lines before the error. */
	ck_assert_ptr_null(conffile_get(cf, "A"));
	ck_assert_str_eq(conffile_get(cf, "KEPT"), "old");
	conffile_free(cf);
}
END_TEST

static int parse_buf(struct conffile *cf, const struct buf *b, const char **error_r)
{
	return conffile_parse(cf, "big.conf", b->data, b->len, error_r);
}

START_TEST(test_conffile_line_limit)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;

	/* Exactly 65536 bytes before the newline is allowed... */
	buf_puts(&b, "# first\nA=");
	for (int i = 0; i < 65536 - 2; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n");
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	ck_assert_uint_eq(strlen(conffile_get(cf, "A")), 65534);
	/* ...one more is not, even in a comment. */
	buf_reset(&b);
	buf_puts(&b, "B=1\n#");
	for (int i = 0; i < 65536; i++)
		buf_putc(&b, 'x');
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:2: line longer than 65536 bytes");
	ck_assert_ptr_null(conffile_get(cf, "B"));
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_value_limit)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;

	/* Lines within bounds, but a quoted value spanning them exceeds 64 KiB. */
	buf_puts(&b, "A=\"");
	for (int l = 0; l < 3; l++) {
		for (int i = 0; i < 30000; i++)
			buf_putc(&b, 'x');
		buf_putc(&b, '\n');
	}
	buf_puts(&b, "\"\n");
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:3: value longer than 65536 bytes");

	/* Expansion cannot grow values past the bound either (no doubling bombs). */
	buf_reset(&b);
	buf_puts(&b, "A=");
	for (int i = 0; i < 40000; i++)
		buf_putc(&b, 'y');
	buf_puts(&b, "\nB=$A$A\n");
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:2: value longer than 65536 bytes");

	/* Exactly at the bound is fine. */
	buf_reset(&b);
	buf_puts(&b, "A=");
	for (int i = 0; i < 32768; i++)
		buf_putc(&b, 'z');
	buf_puts(&b, "\nB=$A${A}\n");
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	ck_assert_uint_eq(strlen(conffile_get(cf, "B")), 65536);
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_file_limit)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;

	while (b.len < 1024 * 1024 - 100)
		buf_puts(&b, "# padding padding padding padding padding padding padding padding\n");
	while (b.len < 1024 * 1024)
		buf_putc(&b, '\n');
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	buf_putc(&b, '\n');
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:1: file larger than 1048576 bytes");
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_name_limit)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;

	for (int i = 0; i < 4096; i++)
		buf_printf(&b, "N%d=%d\n", i, i);
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	ck_assert_str_eq(conffile_get(cf, "N4095"), "4095");
	/* Overriding existing names is not growth. */
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	buf_puts(&b, "N4096=x\n");
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:4097: more than 4096 settings");

	/* The same bound within a single file on an empty set. */
	conffile_free(cf);
	cf = conffile_new();
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:4097: more than 4096 settings");
	ck_assert_ptr_null(conffile_get(cf, "N0"));
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_name_length)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;
	char name[258];

	memset(name, 'N', 256);
	name[256] = '\0';
	buf_printf(&b, "%s=1\n", name);
	ck_assert_int_eq(parse_buf(cf, &b, &error), 0);
	ck_assert_str_eq(conffile_get(cf, name), "1");
	buf_reset(&b);
	buf_printf(&b, "\n%sN=1\n", name);
	ck_assert_int_eq(parse_buf(cf, &b, &error), -1);
	ck_assert_str_eq(error, "big.conf:2: name longer than 256 bytes");
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_env_fallback)
{
	static const char text[] = "HATO_CHECK_OVERRIDE=file\n"
				   "A=$HATO_CHECK_ENV\n"
				   "B=${HATO_CHECK_OVERRIDE}\n";
	struct conffile *cf = conffile_new();
	const char *error = NULL;

	setenv("HATO_CHECK_ENV", "from env", 1);
	setenv("HATO_CHECK_OVERRIDE", "env", 1);
	ck_assert_int_eq(conffile_parse(cf, "t", text, strlen(text), &error), 0);
	ck_assert_str_eq(conffile_get(cf, "A"), "from env");
	/* A name set earlier in the file wins over the environment, as in sh. */
	ck_assert_str_eq(conffile_get(cf, "B"), "file");
	/* The environment is only read, never written, by parsing. */
	ck_assert_str_eq(getenv("HATO_CHECK_OVERRIDE"), "env");
	unsetenv("HATO_CHECK_ENV");
	unsetenv("HATO_CHECK_OVERRIDE");
	conffile_free(cf);
}
END_TEST

static void collect(const char *name, const char *value, void *ctx)
{
	buf_printf(ctx, "%s=%s;", name, value);
}

static char tmpdir[64];

static char *write_tmp(const char *name, const char *text)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_conffile_load_override_order)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT;
	const char *error = NULL;
	char *imapd, *imapd_ssl;

	strcpy(tmpdir, "/tmp/check-conffile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	imapd = write_tmp("imapd", "##NAME: ADDRESS:0\n#\n# Address to listen on\n\nADDRESS=0\n\n"
				   "PORT=143\nMAILDIRPATH=Maildir\n"
				   "IMAP_CAPABILITY=\"IMAP4rev1 UIDPLUS IDLE\"\n"
				   "IMAP_CAPABILITY_TLS=\"$IMAP_CAPABILITY AUTH=PLAIN\"\n");
	imapd_ssl = write_tmp("imapd-ssl", "SSLPORT=993\nMAILDIRPATH=Maildir.ssl\n"
					   "TLS_CERTFILE=/etc/courier/imapd.pem\n"
					   "SSLCAPA=\"$IMAP_CAPABILITY_TLS XTLS\"\n");
	ck_assert_int_eq(conffile_load(cf, imapd, &error), 0);
	ck_assert_int_eq(conffile_load(cf, imapd_ssl, &error), 0);
	conffile_foreach(cf, collect, &b);
	/* First-set order; the override keeps MAILDIRPATH's position and takes the new value. */
	ck_assert_str_eq(buf_cstr(&b), "ADDRESS=0;PORT=143;MAILDIRPATH=Maildir.ssl;"
				       "IMAP_CAPABILITY=IMAP4rev1 UIDPLUS IDLE;"
				       "IMAP_CAPABILITY_TLS=IMAP4rev1 UIDPLUS IDLE AUTH=PLAIN;"
				       "SSLPORT=993;TLS_CERTFILE=/etc/courier/imapd.pem;"
				       "SSLCAPA=IMAP4rev1 UIDPLUS IDLE AUTH=PLAIN XTLS;");
	unlink(imapd);
	unlink(imapd_ssl);
	free(imapd);
	free(imapd_ssl);

	/* Load errors name the path. */
	imapd = write_tmp("bad", "A=1\n\nB = 2\n");
	ck_assert_int_eq(conffile_load(cf, imapd, &error), -1);
	buf_reset(&b);
	buf_printf(&b, "%s:3: expected NAME=value, found \"B\" (no spaces around '=')", imapd);
	ck_assert_str_eq(error, buf_cstr(&b));
	unlink(imapd);
	ck_assert_int_eq(conffile_load(cf, imapd, &error), -1);
	buf_reset(&b);
	buf_printf(&b, "%s: No such file or directory", imapd);
	ck_assert_str_eq(error, buf_cstr(&b));
	free(imapd);
	rmdir(tmpdir);
	buf_free(&b);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_load_too_big)
{
	struct conffile *cf = conffile_new();
	struct buf b = BUF_INIT, want = BUF_INIT;
	const char *error = NULL;
	char *path;

	strcpy(tmpdir, "/tmp/check-conffile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	while (b.len <= 1024 * 1024)
		buf_puts(&b, "# padding padding padding padding padding padding padding padding\n");
	path = write_tmp("huge", buf_cstr(&b));
	ck_assert_int_eq(conffile_load(cf, path, &error), -1);
	buf_printf(&want, "%s: file larger than 1048576 bytes", path);
	ck_assert_str_eq(error, buf_cstr(&want));
	unlink(path);
	rmdir(tmpdir);
	free(path);
	buf_free(&b);
	buf_free(&want);
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_getters)
{
	static const char text[] = "N=42\nNEG=-7\nBAD=12x\nE=\nY=yes\nY2=Y\nONE=1\nT=TRUE\n"
				   "NO=no\nZ=0\nBIG=99999999999999999999999\n";
	struct conffile *cf = conffile_new();
	const char *error = NULL;

	ck_assert_int_eq(conffile_parse(cf, "t", text, strlen(text), &error), 0);
	ck_assert_int_eq(conffile_get_long(cf, "N", 1), 42);
	ck_assert_int_eq(conffile_get_long(cf, "NEG", 1), -7);
	ck_assert_int_eq(conffile_get_long(cf, "BAD", 5), 5);
	ck_assert_int_eq(conffile_get_long(cf, "E", 6), 6);
	ck_assert_int_eq(conffile_get_long(cf, "UNSET", 7), 7);
	ck_assert_int_eq(conffile_get_long(cf, "BIG", 8), 8);
	ck_assert_int_eq(conffile_get_bool(cf, "Y", 0), 1);
	ck_assert_int_eq(conffile_get_bool(cf, "Y2", 0), 1);
	ck_assert_int_eq(conffile_get_bool(cf, "ONE", 0), 1);
	ck_assert_int_eq(conffile_get_bool(cf, "T", 0), 1);
	ck_assert_int_eq(conffile_get_bool(cf, "NO", 1), 0);
	ck_assert_int_eq(conffile_get_bool(cf, "Z", 1), 0);
	ck_assert_int_eq(conffile_get_bool(cf, "E", 1), 0);
	ck_assert_int_eq(conffile_get_bool(cf, "UNSET", 1), 1);
	ck_assert_int_eq(conffile_get_bool(cf, "UNSET", 0), 0);
	ck_assert_str_eq(conffile_get_default(cf, "N", "d"), "42");
	ck_assert_str_eq(conffile_get_default(cf, "E", "d"), "");
	ck_assert_str_eq(conffile_get_default(cf, "UNSET", "d"), "d");
	conffile_set(cf, "N", "43");
	conffile_set(cf, "NEW", "v");
	ck_assert_int_eq(conffile_get_long(cf, "N", 1), 43);
	ck_assert_str_eq(conffile_get(cf, "NEW"), "v");
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_export_env)
{
	static const char text[] = "HATO_CHECK_EXPORTED=\"a b\"\nHATO_CHECK_EMPTY=\n";
	struct conffile *cf = conffile_new();
	const char *error = NULL;

	unsetenv("HATO_CHECK_EXPORTED");
	ck_assert_int_eq(conffile_parse(cf, "t", text, strlen(text), &error), 0);
	conffile_export_env(cf);
	ck_assert_str_eq(getenv("HATO_CHECK_EXPORTED"), "a b");
	ck_assert_str_eq(getenv("HATO_CHECK_EMPTY"), "");
	unsetenv("HATO_CHECK_EXPORTED");
	unsetenv("HATO_CHECK_EMPTY");
	conffile_free(cf);
}
END_TEST

START_TEST(test_conffile_many_names_lookup)
{
	/* Exercise hash growth: every name stays findable with its own value. */
	struct conffile *cf = conffile_new();
	char name[32], value[32];

	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "K%d", i);
		snprintf(value, sizeof(value), "v%d", i);
		conffile_set(cf, name, value);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "K%d", i);
		snprintf(value, sizeof(value), "v%d", i);
		ck_assert_str_eq(conffile_get(cf, name), value);
	}
	ck_assert_ptr_null(conffile_get(cf, "K5000"));
	conffile_free(cf);
}
END_TEST

static Suite *conffile_suite(void)
{
	Suite *s = suite_create("conffile");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_conffile_ok_rows, 0, (int)(sizeof(ok_rows) / sizeof(ok_rows[0])));
	tcase_add_loop_test(tc, test_conffile_error_rows, 0,
			    (int)(sizeof(err_rows) / sizeof(err_rows[0])));
	tcase_add_test(tc, test_conffile_line_limit);
	tcase_add_test(tc, test_conffile_value_limit);
	tcase_add_test(tc, test_conffile_file_limit);
	tcase_add_test(tc, test_conffile_name_limit);
	tcase_add_test(tc, test_conffile_name_length);
	tcase_add_test(tc, test_conffile_env_fallback);
	tcase_add_test(tc, test_conffile_load_override_order);
	tcase_add_test(tc, test_conffile_load_too_big);
	tcase_add_test(tc, test_conffile_getters);
	tcase_add_test(tc, test_conffile_export_env);
	tcase_add_test(tc, test_conffile_many_names_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conffile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
