/* Courier's authdaemon socket protocol as a pure codec (courier-formats §2.3): requests are
 * parsed from the bytes received so far, replies are formatted into a buffer; no I/O here. */
#ifndef HATO_PROTO_COURIER_H
#define HATO_PROTO_COURIER_H

#include "account.h"
#include "buf.h"

#include <stddef.h>

/* Bound on a whole request (metadata, command line and AUTH data). */
#define PROTO_COURIER_MAX_REQUEST 8192

enum proto_courier_cmd {
	PROTO_COURIER_PRE,
	PROTO_COURIER_AUTH,
	PROTO_COURIER_PASSWD,
	PROTO_COURIER_ENUMERATE,
};

struct proto_courier_request {
	enum proto_courier_cmd cmd;
	char *remote_ip; /* TCPREMOTEIP= metadata, or NULL */
	char *module;    /* PRE: "." or a module name */
	char *service;   /* PRE, AUTH, PASSWD */
	char *user;      /* PRE, PASSWD */
	char *authtype;  /* AUTH: "login", "cram-md5", ... */
	struct buf authdata; /* AUTH: the bytes after the authtype line */
	char *oldpw, *newpw; /* PASSWD */
};

enum proto_courier_parse {
	PROTO_COURIER_NEED_MORE, /* read more bytes and call again with all of them */
	PROTO_COURIER_DONE,      /* *req filled; bytes beyond the request are ignored */
	PROTO_COURIER_BAD,       /* answer FAIL (*error_r says why, for the log) */
};

/* Parse the request in data[0..len). On DONE the caller owns req's strings
 * (proto_courier_request_clear). AUTH <n> consumes exactly n bytes after its line; anything
 * after them (Cyrus SASL sends an extra "\n") is ignored. */
enum proto_courier_parse proto_courier_parse(const char *data, size_t len,
					     struct proto_courier_request *req,
					     const char **error_r);
void proto_courier_request_clear(struct proto_courier_request *req);

/* Split login authdata "user\npassword\n" (the final \n may be missing). Returns 0 with
 * pointers into a copy in *copy_r (caller zeroes and frees), or -1. */
int proto_courier_split2(const struct buf *authdata, char **copy_r, const char **first_r,
			 const char **second_r);

/* Append the account record and ".\n" (options already merged with DEFAULTOPTIONS). */
void proto_courier_format_account(struct buf *out, const struct account *a,
				  const char *options);
/* One ENUMERATE line: name\tuid\tgid\thome\tmaildir\toptions\n */
void proto_courier_format_enum(struct buf *out, const struct account *a);

#endif
