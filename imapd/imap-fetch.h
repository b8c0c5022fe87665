/* FETCH data items (RFC 3501 §6.4.5, §7.4.2): parse the item list once, write one message's
 * response. Used by cmd-fetch.c; STORE uses the FLAGS/UID part. */
#ifndef HATO_IMAP_FETCH_H
#define HATO_IMAP_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "imap-parser.h"

struct arena;
struct imap_client;
struct imap_mailbox;

enum imap_fetch_type {
	IMAP_FETCH_FLAGS,
	IMAP_FETCH_UID,
	IMAP_FETCH_INTERNALDATE,
	IMAP_FETCH_RFC822_SIZE,
	IMAP_FETCH_ENVELOPE,
	IMAP_FETCH_BODY,          /* BODY without a section: the non-extensible structure */
	IMAP_FETCH_BODYSTRUCTURE,
	IMAP_FETCH_SECTION,       /* BODY[...], BODY.PEEK[...], RFC822, RFC822.HEADER/TEXT */
};

enum imap_fetch_text {
	IMAP_FETCH_TEXT_ALL,      /* "" : the part (or whole message) */
	IMAP_FETCH_TEXT_HEADER,
	IMAP_FETCH_TEXT_FIELDS,
	IMAP_FETCH_TEXT_FIELDS_NOT,
	IMAP_FETCH_TEXT_TEXT,
	IMAP_FETCH_TEXT_MIME,
};

struct imap_fetch_item {
	enum imap_fetch_type type;
	/* SECTION only: */
	const char *numbers;   /* "1.2" or "" */
	enum imap_fetch_text text;
	const char **fields;   /* HEADER.FIELDS(.NOT) names */
	unsigned int nfields;
	bool peek;
	bool partial;
	uint32_t start, length;
	const char *name;      /* the response item name, e.g. "BODY[1.MIME]<0>" */
};

struct imap_fetch {
	struct imap_fetch_item *items;
	unsigned int count;
	bool uid;        /* UID FETCH: UID is always returned */
	bool need_body;  /* the message file must be read (not for RFC822.SIZE or INTERNALDATE:
			    the index measures those once and keeps them) */
	bool need_mime;  /* ... and parsed */
	bool sets_seen;  /* a non-PEEK body item */
};

/* Parse the items argument (an atom, a macro ALL/FAST/FULL, a section or a list); everything
 * is allocated from arena. -1 with error_r (the text of a BAD response). */
int imap_fetch_parse(struct imap_fetch *fetch, struct arena *arena, const struct imap_arg *arg,
		     bool uid, const char **error_r);

/* Write "* seq FETCH (...)" for message seq, setting \Seen first when a non-PEEK body item
 * is fetched in a read-write mailbox. 0, 1 when the message was expunged (nothing written),
 * -1 with error_r when its file could not be read. */
int imap_fetch_write(const struct imap_fetch *fetch, struct imap_client *client,
		     struct imap_mailbox *box, uint32_t seq, const char **error_r);

#endif
