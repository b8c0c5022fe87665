/* SEARCH evaluation (RFC 3501 §6.4.4): three-valued over what is known of a message, so that
 * flag-only searches never read a file and a file is read at most once per message; header,
 * body and text keys match case-insensitively on text decoded to UTF-8. */
#include "config.h"
#include "imap-search.h"
#include "imap-search-private.h"
#include "arena.h"
#include "buf.h"
#include "maildir-name.h"
#include "mime-header.h"
#include "mime-parse.h"
#include "rfc822-date.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNKNOWN (-1)

struct imap_search_ctx *imap_search_ctx_new(void)
{
	struct imap_search_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->arena = arena_new(16384);
	ctx->cd = (iconv_t)-1;
	return ctx;
}

void imap_search_ctx_free(struct imap_search_ctx **ctxp)
{
	struct imap_search_ctx *ctx = *ctxp;

	if (ctx == NULL)
		return;
	if (ctx->cd != (iconv_t)-1)
		iconv_close(ctx->cd);
	free(ctx->cd_name);
	buf_free(&ctx->header_text);
	buf_free(&ctx->body_text);
	buf_free(&ctx->tmp);
	buf_free(&ctx->tmp2);
	buf_free(&ctx->fold_scratch);
	buf_free(&ctx->dec);
	buf_free(&ctx->conv);
	arena_free(ctx->arena);
	free(ctx);
	*ctxp = NULL;
}

/* UTF-8 capital letters with a lower case two bytes long: the code point's lower case, else
 * cp itself. */
static unsigned fold_cp(unsigned cp)
{
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) || (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

void imap_search_fold(struct buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;

	buf_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z') {
			buf_putc(out, (char)(c + 32));
		} else if ((c & 0xe0) == 0xc0 && i + 1 < len && (s[i + 1] & 0xc0) == 0x80) {
			unsigned cp = fold_cp(((c & 0x1fu) << 6) | (s[i + 1] & 0x3fu));

			buf_putc(out, (char)(0xc0 | (cp >> 6)));
			buf_putc(out, (char)(0x80 | (cp & 0x3f)));
			i++;
		} else {
			buf_putc(out, (char)c);
		}
	}
}

static bool contains(const struct buf *hay, const struct imap_search_key *key)
{
	if (key->len == 0)
		return true;
	return hay->len >= key->len && memmem(hay->data, hay->len, key->str, key->len) != NULL;
}

/* Start over when the evaluator sees another message. */
static void cache_for(struct imap_search_ctx *ctx, const struct imap_search_msg *msg)
{
	if (ctx->cached && ctx->seq == msg->seq && ctx->data == msg->data)
		return;
	ctx->cached = true;
	ctx->seq = msg->seq;
	ctx->data = msg->data;
	ctx->have_header_text = ctx->have_body_text = ctx->have_sent = ctx->have_size = false;
	ctx->root = NULL;
	arena_reset(ctx->arena);
	if (msg->data != NULL)
		ctx->header_len = mime_header_length(msg->data, msg->len);
}

/* Append "name: decoded value\n" for every field of header[0..len). */
static void append_header_text(struct imap_search_ctx *ctx, struct buf *out, const char *header,
			       size_t len)
{
	struct mime_header_iter it;
	struct mime_header_field f;

	mime_header_iter_init(&it, header, len);
	while (mime_header_next(&it, &f)) {
		buf_append(out, f.name, f.name_len);
		buf_puts(out, ": ");
		imap_search_decode_header(ctx, out, f.value, f.value_len);
		buf_putc(out, '\n');
	}
}

static const char *param(const struct mime_part *part, const char *name)
{
	for (unsigned int i = 0; i < part->param_count; i++) {
		if (strcasecmp(part->params[i].name, name) == 0)
			return part->params[i].value;
	}
	return NULL;
}

/* The decoded text of a part's body: text leaves decoded and converted, encapsulated messages'
 * headers and bodies, multipart children in order; other leaves (attachments) are left out. */
static void append_body_text(struct imap_search_ctx *ctx, struct buf *out, const char *data,
			     const struct mime_part *part)
{
	if (part->multipart) {
		for (const struct mime_part *c = part->children; c != NULL; c = c->next)
			append_body_text(ctx, out, data, c);
	} else if (part->rfc822 && part->message != NULL) {
		const struct mime_part *m = part->message;

		append_header_text(ctx, out, data + m->header_offset,
				   m->body_offset - m->header_offset);
		append_body_text(ctx, out, data, m);
	} else if (part->type == NULL || strcasecmp(part->type, "text") == 0) {
		imap_search_decode_body(ctx, out, data + part->body_offset,
					part->end_offset - part->body_offset, part->encoding,
					param(part, "charset"));
		buf_putc(out, '\n');
	}
}

static const struct buf *header_text(struct imap_search_ctx *ctx,
				     const struct imap_search_msg *msg)
{
	if (!ctx->have_header_text) {
		buf_reset(&ctx->tmp2);
		append_header_text(ctx, &ctx->tmp2, msg->data, ctx->header_len);
		buf_reset(&ctx->header_text);
		imap_search_fold(&ctx->header_text, ctx->tmp2.data, ctx->tmp2.len);
		ctx->have_header_text = true;
	}
	return &ctx->header_text;
}

static const struct buf *body_text(struct imap_search_ctx *ctx, const struct imap_search_msg *msg)
{
	if (!ctx->have_body_text) {
		if (ctx->root == NULL)
			ctx->root = mime_parse(ctx->arena, msg->data, msg->len, NULL);
		buf_reset(&ctx->tmp2);
		append_body_text(ctx, &ctx->tmp2, msg->data, ctx->root);
		buf_reset(&ctx->body_text);
		imap_search_fold(&ctx->body_text, ctx->tmp2.data, ctx->tmp2.len);
		ctx->have_body_text = true;
	}
	return &ctx->body_text;
}

static bool header_matches(struct imap_search_ctx *ctx, const struct imap_search_msg *msg,
			   const struct imap_search_key *key)
{
	struct mime_header_iter it;
	struct mime_header_field f;
	size_t name_len = strlen(key->field);

	mime_header_iter_init(&it, msg->data, ctx->header_len);
	while (mime_header_next(&it, &f)) {
		if (f.name_len != name_len || strncasecmp(f.name, key->field, name_len) != 0)
			continue;
		if (key->len == 0)
			return true;
		buf_reset(&ctx->tmp2);
		imap_search_decode_header(ctx, &ctx->tmp2, f.value, f.value_len);
		buf_reset(&ctx->fold_scratch);
		imap_search_fold(&ctx->fold_scratch, ctx->tmp2.data, ctx->tmp2.len);
		if (contains(&ctx->fold_scratch, key))
			return true;
	}
	return false;
}

/* The Date header's own calendar day; false when there is none or it does not parse. */
static bool sent_day(struct imap_search_ctx *ctx, const struct imap_search_msg *msg,
		     int64_t *day_r)
{
	if (!ctx->have_sent) {
		struct mime_header_field f;
		struct rfc822_date d;

		ctx->sent_valid = false;
		if (mime_header_find(msg->data, ctx->header_len, "Date", &f)) {
			buf_reset(&ctx->tmp2);
			mime_header_unfold(&ctx->tmp2, f.value, f.value_len);
			if (rfc822_date_parse(buf_cstr(&ctx->tmp2), ctx->tmp2.len, &d) == 0) {
				ctx->sent = rfc822_date_days(d.year, d.month, d.day);
				ctx->sent_valid = true;
			}
		}
		ctx->have_sent = true;
	}
	*day_r = ctx->sent;
	return ctx->sent_valid;
}

static uint64_t msg_size(struct imap_search_ctx *ctx, const struct imap_search_msg *msg)
{
	if (!ctx->have_size) {
		unsigned int lines;

		ctx->size = mime_crlf_size(msg->data, msg->len, &lines);
		ctx->have_size = true;
	}
	return ctx->size;
}

static bool has_keyword(const char *list, const char *name, size_t len)
{
	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, " ");

		if (n == len && strncasecmp(p, name, len) == 0)
			return true;
		p += n + (p[n] == ' ');
	}
	return false;
}

static int64_t local_day(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return INT64_MIN;
	return rfc822_date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int compare_day(enum imap_search_key_type type, int64_t day, int64_t key_day)
{
	switch (type) {
	case IMAP_SEARCH_BEFORE:
	case IMAP_SEARCH_SENTBEFORE:
		return day < key_day;
	case IMAP_SEARCH_ON:
	case IMAP_SEARCH_SENTON:
		return day == key_day;
	default:
		return day >= key_day;
	}
}

static int eval(struct imap_search_ctx *ctx, const struct imap_search_key *key,
		const struct imap_search_msg *msg)
{
	int r, result;
	int64_t day;

	switch (key->type) {
	case IMAP_SEARCH_ALL:
		return 1;
	case IMAP_SEARCH_AND:
		result = 1;
		for (const struct imap_search_key *c = key->children; c != NULL; c = c->next) {
			if ((r = eval(ctx, c, msg)) == 0)
				return 0;
			if (r == UNKNOWN)
				result = UNKNOWN;
		}
		return result;
	case IMAP_SEARCH_OR:
		result = 0;
		for (const struct imap_search_key *c = key->children; c != NULL; c = c->next) {
			if ((r = eval(ctx, c, msg)) == 1)
				return 1;
			if (r == UNKNOWN)
				result = UNKNOWN;
		}
		return result;
	case IMAP_SEARCH_NOT:
		r = eval(ctx, key->children, msg);
		return r == UNKNOWN ? UNKNOWN : !r;
	case IMAP_SEARCH_FLAGS_SET:
		return (msg->flags & key->flags) == key->flags;
	case IMAP_SEARCH_FLAGS_UNSET:
		return (msg->flags & key->flags) == 0;
	case IMAP_SEARCH_RECENT:
		return msg->recent;
	case IMAP_SEARCH_NEW:
		return msg->recent && !(msg->flags & MAILDIR_FLAG_SEEN);
	case IMAP_SEARCH_OLD:
		return !msg->recent;
	case IMAP_SEARCH_KEYWORD:
		return has_keyword(msg->keywords, key->str, key->len);
	case IMAP_SEARCH_UNKEYWORD:
		return !has_keyword(msg->keywords, key->str, key->len);
	case IMAP_SEARCH_SEQSET:
		return imap_seqset_contains(&key->set, msg->seq);
	case IMAP_SEARCH_UIDSET:
		return imap_seqset_contains(&key->set, msg->uid);
	case IMAP_SEARCH_BEFORE:
	case IMAP_SEARCH_ON:
	case IMAP_SEARCH_SINCE:
		if (!msg->have_time)
			return UNKNOWN;
		return compare_day(key->type, local_day(msg->internaldate), key->day);
	default:
		break;
	}
	/* The rest needs the message bytes. */
	if (msg->data == NULL)
		return UNKNOWN;
	cache_for(ctx, msg);
	switch (key->type) {
	case IMAP_SEARCH_LARGER:
		return msg_size(ctx, msg) > key->size;
	case IMAP_SEARCH_SMALLER:
		return msg_size(ctx, msg) < key->size;
	case IMAP_SEARCH_SENTBEFORE:
	case IMAP_SEARCH_SENTON:
	case IMAP_SEARCH_SENTSINCE:
		/* A message without a usable Date header matches no SENT* key. */
		return sent_day(ctx, msg, &day) && compare_day(key->type, day, key->day);
	case IMAP_SEARCH_HEADER:
		return header_matches(ctx, msg, key);
	case IMAP_SEARCH_BODY:
		return contains(body_text(ctx, msg), key);
	case IMAP_SEARCH_TEXT:
		return contains(header_text(ctx, msg), key) || contains(body_text(ctx, msg), key);
	default:
		return 0;
	}
}

int imap_search_match(struct imap_search_ctx *ctx, const struct imap_search_program *prog,
		      const struct imap_search_msg *msg)
{
	return eval(ctx, prog->root, msg);
}
