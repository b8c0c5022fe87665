/* Unit tests for tcpd/: access-file keys, lookup and values, CIDR expansion, the child table,
 * port lists and options. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "tcpd-access.h"
#include "tcpd-cidr.h"
#include "tcpd-options.h"
#include "tcpd-ports.h"
#include "tcpd-setup.h"
#include "tcpd-slots.h"
#include "xalloc.h"

static void sa_from(const char *ip, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':') == NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
	}
}

static const struct {
	const char *ip, *key;
} key_rows[] = {
	{ "192.168.0.10", "192.168.0.10" },
	{ "::ffff:10.1.2.3", "10.1.2.3" },
	{ "2002:c0a8::1", ":2002:c0a8:0000:0000:0000:0000:0000:0001" },
	{ "::1", ":0000:0000:0000:0000:0000:0000:0000:0001" },
	{ "fe80::AB:cd", ":fe80:0000:0000:0000:0000:0000:00ab:00cd" },
};

START_TEST(test_access_key)
{
	struct sockaddr_storage ss;
	char key[TCPD_ACCESS_KEY_MAX];

	sa_from(key_rows[_i].ip, &ss);
	ck_assert_int_eq(tcpd_access_key((struct sockaddr *)&ss, key, sizeof(key)), 0);
	ck_assert_str_eq(key, key_rows[_i].key);
}
END_TEST

/* A fake database: "key\tvalue\n" lines; records which keys were tried. */
struct fakedb {
	const char *table;
	struct buf tried;
};

static char *fake_fetch(const char *key, void *ctx)
{
	struct fakedb *db = ctx;
	size_t klen = strlen(key);
	const char *p = db->table;

	buf_printf(&db->tried, "[%s]", key);
	while (*p != '\0') {
		const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
		if ((size_t)(tab - p) == klen && strncmp(p, key, klen) == 0)
			return xstrndup(tab + 1, (size_t)(nl - tab - 1));
		p = nl + 1;
	}
	return NULL;
}

static const struct {
	const char *table, *key;
	int port;
	const char *value, *tried;
} lookup_rows[] = {
	{ "192.168.0\tdeny\n192.168.0.10\tallow,X\n", "192.168.0.10", 0, "allow,X",
	  "[192.168.0.10]" },
	{ "192.168.0\tdeny\n192.168.0.10\tallow,X\n", "192.168.0.11", 0, "deny",
	  "[192.168.0.11][192.168.0]" },
	{ "192\tdeny\n*\tallow,D=1\n", "10.0.0.1", 0, "allow,D=1",
	  "[10.0.0.1][10.0.0][10.0][10][*]" },
	{ "", "10.0.0.1", 0, NULL, "[10.0.0.1][10.0.0][10.0][10][*]" },
	{ "*.143\tdeny\n", "1.2.3.4", 143, "deny", "[1.2.3.4.143][1.2.3.4][1.2.3][1.2][1][*.143]" },
	{ "1.2.3.4.143\tallow,L=1\n", "1.2.3.4", 143, "allow,L=1", "[1.2.3.4.143]" },
	{ ":2002:c0a8\tdeny\n", ":2002:c0a8:0000:0000:0000:0000:0000:0001", 0, "deny",
	  "[:2002:c0a8:0000:0000:0000:0000:0000:0001][:2002:c0a8:0000:0000:0000:0000:0000]"
	  "[:2002:c0a8:0000:0000:0000:0000][:2002:c0a8:0000:0000:0000][:2002:c0a8:0000:0000]"
	  "[:2002:c0a8:0000][:2002:c0a8]" },
};

START_TEST(test_access_lookup)
{
	struct fakedb db = { lookup_rows[_i].table, BUF_INIT };
	char *v = tcpd_access_lookup(lookup_rows[_i].key, lookup_rows[_i].port, fake_fetch, &db);

	if (lookup_rows[_i].value == NULL)
		ck_assert_ptr_null(v);
	else
		ck_assert_str_eq(v, lookup_rows[_i].value);
	ck_assert_str_eq(buf_cstr(&db.tried), lookup_rows[_i].tried);
	free(v);
	buf_free(&db.tried);
}
END_TEST

static const struct {
	const char *value;
	enum tcpd_access_verdict verdict;
	const char *vars; /* joined by '|' */
} parse_rows[] = {
	{ "deny", TCPD_ACCESS_DENY, "" },
	{ "deny,X=1", TCPD_ACCESS_DENY, "" },
	{ "allow", TCPD_ACCESS_ALLOW, "" },
	{ "allow,RELAYCLIENT,SIZELIMIT=1000000", TCPD_ACCESS_ALLOW,
	  "RELAYCLIENT=|SIZELIMIT=1000000" },
	{ "allow,IMAP_CAPABILITY=\"IMAP4rev1 X,Y\",B='a,b'", TCPD_ACCESS_ALLOW,
	  "IMAP_CAPABILITY=IMAP4rev1 X,Y|B=a,b" },
	{ "allow, MAXCPERIP=50 ", TCPD_ACCESS_ALLOW, "MAXCPERIP=50" },
	{ "MAXCPERIP=2", TCPD_ACCESS_ALLOW, "MAXCPERIP=2" },
	{ "1", TCPD_ACCESS_ALLOW, "" },			    /* makedat's value for a bare key */
	{ "allow,9BAD=1,=x,GOOD=2", TCPD_ACCESS_ALLOW, "GOOD=2" }, /* bad names skipped */
	{ "allow,A=\"unterminated,B=2", TCPD_ACCESS_ALLOW, "A=unterminated,B=2" },
};

START_TEST(test_access_parse)
{
	struct tcpd_access_vars vars = { { NULL }, 0 };
	struct buf joined = BUF_INIT;

	ck_assert_int_eq(tcpd_access_parse(parse_rows[_i].value, &vars), parse_rows[_i].verdict);
	for (unsigned int i = 0; i < vars.count; i++)
		buf_printf(&joined, "%s%s", i > 0 ? "|" : "", vars.vars[i]);
	ck_assert_str_eq(buf_cstr(&joined), parse_rows[_i].vars);
	tcpd_access_vars_free(&vars);
	buf_free(&joined);
}
END_TEST

START_TEST(test_access_vars_get)
{
	struct tcpd_access_vars vars = { { NULL }, 0 };

	tcpd_access_parse("allow,MAXCPERIP=7,MAXC=1", &vars);
	ck_assert_str_eq(tcpd_access_vars_get(&vars, "MAXCPERIP"), "7");
	ck_assert_str_eq(tcpd_access_vars_get(&vars, "MAXC"), "1");
	ck_assert_ptr_null(tcpd_access_vars_get(&vars, "MAX"));
	tcpd_access_vars_free(&vars);
}
END_TEST

static void collect(const char *key, void *ctx)
{
	buf_printf(ctx, "[%s]", key);
}

static const struct {
	const char *net, *keys;
	int count;
} cidr_rows[] = {
	{ "10.0.0.0/8", "[10]", 1 },
	{ "192.168.0.0/16", "[192.168]", 1 },
	{ "192.168.4.0/22", "[192.168.4][192.168.5][192.168.6][192.168.7]", 4 },
	{ "10.1.2.3/32", "[10.1.2.3]", 1 },
	{ "10.1.2.4/31", "[10.1.2.4][10.1.2.5]", 2 },
	{ "10.0.0.0-10.0.2.255", "[10.0.0][10.0.1][10.0.2]", 3 },
	{ "10.0.0.5-10.0.0.6", "[10.0.0.5][10.0.0.6]", 2 },
	{ "0.0.0.0/0", "[*]", 1 },
	{ "2002:c0a8::/32", "[:2002:c0a8]", 1 },
	{ "2001:db8::/31", "[:2001:0db8][:2001:0db9]", 2 },
	{ "10.0.0.0/33", "", -1 },
	{ "10.0.0.0/x", "", -1 },
	{ "10.0.0.9-10.0.0.1", "", -1 },
	{ "10.0.0.1-::1", "", -1 },
	{ "0.0.0.1-255.255.255.255", "", -1 }, /* 2^32 - 1 keys: refused */
};

START_TEST(test_cidr)
{
	struct buf keys = BUF_INIT;
	const char *error = NULL;
	int n = tcpd_cidr_expand(cidr_rows[_i].net, collect, &keys, &error);

	ck_assert_int_eq(n, cidr_rows[_i].count);
	if (n < 0)
		ck_assert_ptr_nonnull(error);
	else
		ck_assert_str_eq(buf_cstr(&keys), cidr_rows[_i].keys);
	buf_free(&keys);
}
END_TEST

START_TEST(test_slots)
{
	struct tcpd_slots *s = tcpd_slots_new(3);
	struct sockaddr_storage a, b, c6;
	struct tcpd_addr aa, ab, am, ac;

	sa_from("10.0.0.1", &a);
	sa_from("10.0.0.2", &b);
	sa_from("::ffff:10.0.0.1", &c6);
	tcpd_addr_from_sockaddr((struct sockaddr *)&a, &aa);
	tcpd_addr_from_sockaddr((struct sockaddr *)&b, &ab);
	tcpd_addr_from_sockaddr((struct sockaddr *)&c6, &am);
	ck_assert_mem_eq(aa.a, am.a, 16); /* v4 and v4-mapped count as one client */
	ck_assert_int_eq(tcpd_slots_add(s, 100, &aa), 0);
	ck_assert_int_eq(tcpd_slots_add(s, 101, &am), 0);
	ck_assert_int_eq(tcpd_slots_add(s, 102, &ab), 0);
	ck_assert_int_eq(tcpd_slots_add(s, 103, &ab), -1);
	ck_assert_uint_eq(tcpd_slots_used(s), 3);
	ck_assert_uint_eq(tcpd_slots_count_ip(s, &aa), 2);
	ck_assert_uint_eq(tcpd_slots_count_ip(s, &ab), 1);
	ck_assert_uint_eq(tcpd_slots_count_c(s, &ab), 3);
	sa_from("10.0.1.1", &b);
	tcpd_addr_from_sockaddr((struct sockaddr *)&b, &ac);
	ck_assert_uint_eq(tcpd_slots_count_c(s, &ac), 0);
	ck_assert_int_eq(tcpd_slots_remove(s, 101), 0);
	ck_assert_int_eq(tcpd_slots_remove(s, 101), -1);
	ck_assert_uint_eq(tcpd_slots_count_ip(s, &aa), 1);
	ck_assert_uint_eq(tcpd_slots_used(s), 2);
	tcpd_slots_free(s);
}
END_TEST

static const struct {
	const char *spec, *address;
	int ok;
	const char *expect; /* "addr|port;" per entry */
} port_rows[] = {
	{ "143,993", NULL, 1, "|143;|993;" },
	{ "127.0.0.1.1143", NULL, 1, "127.0.0.1|1143;" },
	{ "::1.1143,0.110", NULL, 1, "::1|1143;|110;" },
	{ "110,10.0.0.1.995", "127.0.0.1", 1, "127.0.0.1|110;10.0.0.1|995;" },
	{ "110", "0", 1, "|110;" },
	{ "imap", NULL, 1, "|143;" },
	{ "0", NULL, 0, "" },
	{ "65536", NULL, 0, "" },
	{ "1.2.3.x.143", NULL, 0, "" },
	{ "nosuchservice-xyz", NULL, 0, "" },
	{ "", NULL, 0, "" },
};

START_TEST(test_ports_parse)
{
	struct tcpd_portlist list;
	struct buf got = BUF_INIT;
	const char *error = NULL;
	int rc;

	memset(&list, 0, sizeof(list));
	rc = tcpd_ports_parse(&list, port_rows[_i].spec, port_rows[_i].address, 0, &error);
	ck_assert_int_eq(rc, port_rows[_i].ok ? 0 : -1);
	if (rc == 0) {
		for (unsigned int i = 0; i < list.count; i++)
			buf_printf(&got, "%s|%d;", list.port[i].addr, list.port[i].port);
		ck_assert_str_eq(buf_cstr(&got), port_rows[_i].expect);
	} else {
		ck_assert_ptr_nonnull(error);
	}
	buf_free(&got);
}
END_TEST

START_TEST(test_ports_tls)
{
	struct tcpd_portlist list;
	const char *error;

	memset(&list, 0, sizeof(list));
	ck_assert_int_eq(tcpd_ports_parse(&list, "110,995,127.0.0.1.1995", NULL, 0, &error), 0);
	ck_assert_int_eq(tcpd_ports_mark_tls(&list, "995,1995", &error), 0);
	ck_assert_int_eq(list.port[0].tls, 0);
	ck_assert_int_eq(list.port[1].tls, 1);
	ck_assert_int_eq(list.port[2].tls, 1);
	ck_assert_int_eq(tcpd_ports_mark_tls(&list, "x", &error), -1);
}
END_TEST

START_TEST(test_options)
{
	char *argv[] = { "hato-tcpd", "-maxprocs=5", "-nodnslookup", "-access=/x.dat",
			 "-warn=0", "--", "-143", NULL };
	struct tcpd_options o;
	const char *error;
	int argn = 1;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(tcpd_options_parse(&o, 7, argv, &argn, &error), 0);
	ck_assert_int_eq(argn, 6);
	ck_assert_int_eq(o.maxprocs, 5);
	ck_assert_int_eq(o.nodnslookup, 1);
	ck_assert_str_eq(o.access, "/x.dat");
}
END_TEST

static const struct {
	const char *arg, *error;
} bad_option_rows[] = {
	{ "-bogus", "Invalid option: -bogus" },
	{ "-maxprocs=0", "Invalid -maxprocs option." },
	{ "-maxperip=x", "Invalid -maxperip option." },
	{ "-maxperip", "Invalid -maxperip option." },
	{ "-maxprocsx=1", "Invalid option: -maxprocsx=1" },
};

START_TEST(test_options_bad)
{
	char *argv[] = { "hato-tcpd", (char *)bad_option_rows[_i].arg, "143", NULL };
	struct tcpd_options o;
	const char *error = NULL;
	int argn = 1;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(tcpd_options_parse(&o, 3, argv, &argn, &error), -1);
	ck_assert_str_eq(error, bad_option_rows[_i].error);
}
END_TEST

START_TEST(test_setup_defaults)
{
	char *argv[] = { "hato-tcpd", "-tls=995", "110,995", "/usr/lib/hato/pop3-login",
			 "/usr/bin/pop3d", "Maildir", NULL };
	struct tcpd_setup s;
	const char *error;

	ck_assert_int_eq(tcpd_setup(&s, 6, argv, &error), 0);
	ck_assert_int_eq(s.maxprocs, 400);
	ck_assert_int_eq(s.maxperip, 20);
	ck_assert_int_eq(s.maxperc, 400);
	ck_assert_int_eq(s.warn, 400 - 41);
	ck_assert_str_eq(s.argv[0], "/usr/lib/hato/pop3-login");
	ck_assert_str_eq(s.overlimit, "-ERR [SYS/TEMP] Too many connections from your address");
	ck_assert_int_eq(s.ports.port[1].tls, 1);
	ck_assert_int_eq(s.ports.port[0].tls, 0);
}
END_TEST

START_TEST(test_setup_messages)
{
	char *imap[] = { "hato-tcpd", "143", "/x/imap-login", NULL };
	char *other[] = { "hato-tcpd", "-refuse=GO AWAY", "-denymsg=NO", "1", "/bin/cat", NULL };
	char *rel[] = { "hato-tcpd", "1", "cat", NULL };
	char *usage[] = { "hato-tcpd", "1", NULL };
	char *stop[] = { "hato-tcpd", "-stop", NULL };
	struct tcpd_setup s;
	const char *error;

	ck_assert_int_eq(tcpd_setup(&s, 3, imap, &error), 0);
	ck_assert_str_eq(s.overlimit, "* BYE [UNAVAILABLE] Too many connections from your address");
	ck_assert_str_eq(s.denymsg, "* BYE Access denied");
	ck_assert_int_eq(tcpd_setup(&s, 5, other, &error), 0);
	ck_assert_str_eq(s.overlimit, "GO AWAY");
	ck_assert_str_eq(s.denymsg, "NO");
	ck_assert_int_eq(tcpd_setup(&s, 3, rel, &error), -1);
	ck_assert_int_eq(tcpd_setup(&s, 2, usage, &error), -1);
	ck_assert_int_eq(tcpd_setup(&s, 2, stop, &error), -1);
	ck_assert_str_eq(error, "-pid argument is required.");
}
END_TEST

START_TEST(test_setup_config)
{
	char path[] = "/tmp/check-tcpd-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "##NAME: PORT:0\nPORT=1110\nSSLPORT=1995\nADDRESS=127.0.0.1\n"
			   "MAXDAEMONS=50\nMAXPERIP=7\nTCPDOPTS=\"-nodnslookup -noidentlookup\"\n"
			   "POP3AUTH=\"CRAM-MD5\"\n";
	char opt[64];
	char *argv[] = { "hato-tcpd", opt, "-maxperip=9", "/usr/lib/hato/pop3-login", "x", NULL };
	char *argv2[] = { "hato-tcpd", opt, "143", "/x/imap-login", NULL };
	struct tcpd_setup s;
	const char *error = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(opt, sizeof(opt), "-config=%s", path);
	ck_assert_msg(tcpd_setup(&s, 5, argv, &error) == 0, "%s", error);
	ck_assert_uint_eq(s.ports.count, 2);
	ck_assert_str_eq(s.ports.port[0].addr, "127.0.0.1");
	ck_assert_int_eq(s.ports.port[0].port, 1110);
	ck_assert_int_eq(s.ports.port[0].tls, 0);
	ck_assert_int_eq(s.ports.port[1].port, 1995);
	ck_assert_int_eq(s.ports.port[1].tls, 1);
	ck_assert_int_eq(s.maxprocs, 50);
	ck_assert_int_eq(s.maxperip, 9); /* the command line wins */
	ck_assert_int_eq(s.opt.nodnslookup, 1);
	ck_assert_int_eq(s.opt.noidentlookup, 1);
	ck_assert_str_eq(s.argv[0], "/usr/lib/hato/pop3-login");
	ck_assert_str_eq(getenv("POP3AUTH"), "CRAM-MD5");
	tcpd_setup_deinit(&s);
	/* an explicit port list replaces PORT/SSLPORT */
	ck_assert_int_eq(tcpd_setup(&s, 4, argv2, &error), 0);
	ck_assert_uint_eq(s.ports.count, 1);
	ck_assert_int_eq(s.ports.port[0].port, 143);
	ck_assert_str_eq(s.ports.port[0].addr, "127.0.0.1");
	tcpd_setup_deinit(&s);
	unlink(path);
	snprintf(opt, sizeof(opt), "-config=/nonexistent/pop3d");
	ck_assert_int_eq(tcpd_setup(&s, 5, argv, &error), -1);
	tcpd_setup_deinit(&s);
}
END_TEST

static Suite *tcpd_suite(void)
{
	Suite *s = suite_create("tcpd");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_access_key, 0, sizeof(key_rows) / sizeof(key_rows[0]));
	tcase_add_loop_test(tc, test_access_lookup, 0,
			    sizeof(lookup_rows) / sizeof(lookup_rows[0]));
	tcase_add_loop_test(tc, test_access_parse, 0, sizeof(parse_rows) / sizeof(parse_rows[0]));
	tcase_add_test(tc, test_access_vars_get);
	tcase_add_loop_test(tc, test_cidr, 0, sizeof(cidr_rows) / sizeof(cidr_rows[0]));
	tcase_add_test(tc, test_slots);
	tcase_add_loop_test(tc, test_ports_parse, 0, sizeof(port_rows) / sizeof(port_rows[0]));
	tcase_add_test(tc, test_ports_tls);
	tcase_add_test(tc, test_options);
	tcase_add_loop_test(tc, test_options_bad, 0,
			    sizeof(bad_option_rows) / sizeof(bad_option_rows[0]));
	tcase_add_test(tc, test_setup_defaults);
	tcase_add_test(tc, test_setup_messages);
	tcase_add_test(tc, test_setup_config);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tcpd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
