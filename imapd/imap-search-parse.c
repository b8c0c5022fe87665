/* SEARCH key parsing (RFC 3501 §6.4.4, RFC 4731 RETURN): the parsed command arguments into an
 * imap_search_program tree. No I/O; bounded nesting and key count. */
#include "config.h"
#include "imap-search.h"
#include "imap-date.h"
#include "arena.h"
#include "buf.h"
#include "maildir-name.h"
#include "rfc822-date.h"

#include <string.h>
#include <strings.h>

enum key_arg {
	ARG_NONE,
	ARG_STRING,  /* str: folded needle */
	ARG_HEADER,  /* field-name string */
	ARG_DATE,
	ARG_NUMBER,
	ARG_SEQSET,
	ARG_KEYWORD,
};

static const struct key_def {
	const char *name;
	enum imap_search_key_type type;
	enum key_arg arg;
	unsigned flags;    /* FLAGS_SET/UNSET */
	const char *field; /* header keys */
} key_defs[] = {
	{ "ALL", IMAP_SEARCH_ALL, ARG_NONE, 0, NULL },
	{ "ANSWERED", IMAP_SEARCH_FLAGS_SET, ARG_NONE, MAILDIR_FLAG_REPLIED, NULL },
	{ "DELETED", IMAP_SEARCH_FLAGS_SET, ARG_NONE, MAILDIR_FLAG_TRASHED, NULL },
	{ "DRAFT", IMAP_SEARCH_FLAGS_SET, ARG_NONE, MAILDIR_FLAG_DRAFT, NULL },
	{ "FLAGGED", IMAP_SEARCH_FLAGS_SET, ARG_NONE, MAILDIR_FLAG_FLAGGED, NULL },
	{ "SEEN", IMAP_SEARCH_FLAGS_SET, ARG_NONE, MAILDIR_FLAG_SEEN, NULL },
	{ "UNANSWERED", IMAP_SEARCH_FLAGS_UNSET, ARG_NONE, MAILDIR_FLAG_REPLIED, NULL },
	{ "UNDELETED", IMAP_SEARCH_FLAGS_UNSET, ARG_NONE, MAILDIR_FLAG_TRASHED, NULL },
	{ "UNDRAFT", IMAP_SEARCH_FLAGS_UNSET, ARG_NONE, MAILDIR_FLAG_DRAFT, NULL },
	{ "UNFLAGGED", IMAP_SEARCH_FLAGS_UNSET, ARG_NONE, MAILDIR_FLAG_FLAGGED, NULL },
	{ "UNSEEN", IMAP_SEARCH_FLAGS_UNSET, ARG_NONE, MAILDIR_FLAG_SEEN, NULL },
	{ "RECENT", IMAP_SEARCH_RECENT, ARG_NONE, 0, NULL },
	{ "NEW", IMAP_SEARCH_NEW, ARG_NONE, 0, NULL },
	{ "OLD", IMAP_SEARCH_OLD, ARG_NONE, 0, NULL },
	{ "KEYWORD", IMAP_SEARCH_KEYWORD, ARG_KEYWORD, 0, NULL },
	{ "UNKEYWORD", IMAP_SEARCH_UNKEYWORD, ARG_KEYWORD, 0, NULL },
	{ "UID", IMAP_SEARCH_UIDSET, ARG_SEQSET, 0, NULL },
	{ "LARGER", IMAP_SEARCH_LARGER, ARG_NUMBER, 0, NULL },
	{ "SMALLER", IMAP_SEARCH_SMALLER, ARG_NUMBER, 0, NULL },
	{ "BEFORE", IMAP_SEARCH_BEFORE, ARG_DATE, 0, NULL },
	{ "ON", IMAP_SEARCH_ON, ARG_DATE, 0, NULL },
	{ "SINCE", IMAP_SEARCH_SINCE, ARG_DATE, 0, NULL },
	{ "SENTBEFORE", IMAP_SEARCH_SENTBEFORE, ARG_DATE, 0, NULL },
	{ "SENTON", IMAP_SEARCH_SENTON, ARG_DATE, 0, NULL },
	{ "SENTSINCE", IMAP_SEARCH_SENTSINCE, ARG_DATE, 0, NULL },
	{ "BCC", IMAP_SEARCH_HEADER, ARG_STRING, 0, "Bcc" },
	{ "CC", IMAP_SEARCH_HEADER, ARG_STRING, 0, "Cc" },
	{ "FROM", IMAP_SEARCH_HEADER, ARG_STRING, 0, "From" },
	{ "SUBJECT", IMAP_SEARCH_HEADER, ARG_STRING, 0, "Subject" },
	{ "TO", IMAP_SEARCH_HEADER, ARG_STRING, 0, "To" },
	{ "HEADER", IMAP_SEARCH_HEADER, ARG_HEADER, 0, NULL },
	{ "BODY", IMAP_SEARCH_BODY, ARG_STRING, 0, NULL },
	{ "TEXT", IMAP_SEARCH_TEXT, ARG_STRING, 0, NULL },
};

struct parse_state {
	struct arena *arena;
	struct imap_search_program *prog;
	const struct imap_arg *args; /* EOL-terminated */
	unsigned int pos;
	unsigned int keys;
	unsigned int set_cap;
	const char *error;
};

/* An astring with its length (literals may hold any byte, NUL included). */
static int get_string(const struct imap_arg *arg, const char **str_r, size_t *len_r)
{
	if (arg->type == IMAP_ARG_ATOM) {
		*str_r = arg->str;
		*len_r = arg->len;
		return 0;
	}
	return imap_arg_get_string(arg, str_r, len_r);
}

static struct imap_search_key *new_key(struct parse_state *st, enum imap_search_key_type type)
{
	struct imap_search_key *key;

	if (++st->keys > IMAP_SEARCH_MAX_KEYS) {
		st->error = "BAD Too many search keys.";
		return NULL;
	}
	key = arena_zalloc(st->arena, sizeof(*key));
	key->type = type;
	return key;
}

static int add_set(struct parse_state *st, struct imap_search_key *key, const char *str)
{
	const char *error;

	if (imap_seqset_parse(str, &key->set, &error) < 0) {
		st->error = "BAD Invalid sequence set.";
		return -1;
	}
	if (st->prog->nsets == st->set_cap) {
		struct imap_search_key **v;

		st->set_cap = st->set_cap == 0 ? 8 : st->set_cap * 2;
		v = arena_alloc(st->arena, st->set_cap * sizeof(*v));
		if (st->prog->nsets > 0)
			memcpy(v, st->prog->sets, st->prog->nsets * sizeof(*v));
		st->prog->sets = v;
	}
	st->prog->sets[st->prog->nsets++] = key;
	return 0;
}

static int parse_number(const char *s, uint64_t *n_r)
{
	uint64_t n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > (UINT32_MAX - (unsigned)(*s - '0')) / 10)
			return -1; /* RFC 3501 number: 32 bits */
		n = n * 10 + (unsigned)(*s - '0');
	}
	*n_r = n;
	return 0;
}

static bool is_atom_keyword(const char *s)
{
	if (*s == '\0' || *s == '\\')
		return false;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("(){%*\"\\]", *s))
			return false;
	}
	return true;
}

static struct imap_search_key *parse_key(struct parse_state *st, unsigned int depth);

/* Keys up to the end of args (a list's items): an AND node. */
static struct imap_search_key *parse_keys(struct parse_state *st, const struct imap_arg *args,
					  unsigned int depth)
{
	const struct imap_arg *saved = st->args;
	unsigned int saved_pos = st->pos;
	struct imap_search_key *and = new_key(st, IMAP_SEARCH_AND), **tail;

	if (and == NULL)
		return NULL;
	tail = &and->children;
	st->args = args;
	st->pos = 0;
	if (args[0].type == IMAP_ARG_EOL) {
		st->error = "BAD Empty search key list.";
		return NULL;
	}
	while (st->args[st->pos].type != IMAP_ARG_EOL) {
		struct imap_search_key *k = parse_key(st, depth);

		if (k == NULL)
			return NULL;
		*tail = k;
		tail = &k->next;
	}
	st->args = saved;
	st->pos = saved_pos;
	return and;
}

static const struct imap_arg *next_arg(struct parse_state *st, const char *name)
{
	const struct imap_arg *arg = &st->args[st->pos];

	if (arg->type == IMAP_ARG_EOL) {
		st->error = arena_printf(st->arena, "BAD Missing argument for %s.", name);
		return NULL;
	}
	st->pos++;
	return arg;
}

static int parse_arg(struct parse_state *st, const struct key_def *def,
		     struct imap_search_key *key)
{
	const struct imap_arg *arg;
	const char *s;
	size_t len;
	int y, m, d;

	if (def->arg == ARG_NONE)
		return 0;
	if ((arg = next_arg(st, def->name)) == NULL)
		return -1;
	switch (def->arg) {
	case ARG_HEADER:
		if (imap_arg_get_astring(arg, &s) < 0 || *s == '\0' || strpbrk(s, ": \t") != NULL) {
			st->error = "BAD Invalid header field name.";
			return -1;
		}
		key->field = s;
		if ((arg = next_arg(st, def->name)) == NULL)
			return -1;
		/* FALLTHROUGH */
	case ARG_STRING: {
		struct buf folded = BUF_INIT;

		if (get_string(arg, &s, &len) < 0) {
			st->error = arena_printf(st->arena, "BAD %s needs a string.", def->name);
			return -1;
		}
		imap_search_fold(&folded, s, len);
		/* Copied with memcpy: a literal may hold NUL bytes. */
		key->len = folded.len;
		key->str = arena_alloc(st->arena, folded.len + 1);
		memcpy((char *)key->str, buf_cstr(&folded), folded.len + 1);
		buf_free(&folded);
		st->prog->need |= IMAP_SEARCH_NEED_DATA;
		return 0;
	}
	case ARG_DATE:
		if (imap_arg_get_astring(arg, &s) < 0 || imap_date_parse_day(s, &y, &m, &d) < 0) {
			st->error = arena_printf(st->arena, "BAD %s needs a date (1-Feb-1994).",
						 def->name);
			return -1;
		}
		key->day = rfc822_date_days(y, m, d);
		st->prog->need |= def->type <= IMAP_SEARCH_SINCE ? IMAP_SEARCH_NEED_TIME
								 : IMAP_SEARCH_NEED_DATA;
		return 0;
	case ARG_NUMBER:
		if (imap_arg_get_atom(arg, &s) < 0 || parse_number(s, &key->size) < 0) {
			st->error = arena_printf(st->arena, "BAD %s needs a number.", def->name);
			return -1;
		}
		st->prog->need |= IMAP_SEARCH_NEED_DATA;
		return 0;
	case ARG_SEQSET:
		if (imap_arg_get_atom(arg, &s) < 0) {
			st->error = "BAD UID needs a sequence set.";
			return -1;
		}
		return add_set(st, key, s);
	case ARG_KEYWORD:
		if (imap_arg_get_atom(arg, &s) < 0 || !is_atom_keyword(s)) {
			st->error = arena_printf(st->arena, "BAD %s needs a keyword.", def->name);
			return -1;
		}
		key->str = s;
		key->len = strlen(s);
		return 0;
	case ARG_NONE:
		break;
	}
	return 0;
}

static struct imap_search_key *parse_key(struct parse_state *st, unsigned int depth)
{
	const struct imap_arg *arg = &st->args[st->pos++];
	const struct imap_arg *list;
	struct imap_search_key *key;
	unsigned int n;
	const char *name;

	if (depth >= IMAP_SEARCH_MAX_DEPTH) {
		st->error = "BAD Search keys nested too deeply.";
		return NULL;
	}
	if (imap_arg_get_list(arg, &list, &n) == 0)
		return parse_keys(st, list, depth + 1);
	if (imap_arg_get_atom(arg, &name) < 0) {
		st->error = "BAD Invalid search key.";
		return NULL;
	}
	if ((*name >= '0' && *name <= '9') || *name == '*') {
		if ((key = new_key(st, IMAP_SEARCH_SEQSET)) == NULL || add_set(st, key, name) < 0)
			return NULL;
		return key;
	}
	if (strcasecmp(name, "NOT") == 0 || strcasecmp(name, "OR") == 0) {
		bool or = strcasecmp(name, "OR") == 0;

		if ((key = new_key(st, or ? IMAP_SEARCH_OR : IMAP_SEARCH_NOT)) == NULL)
			return NULL;
		for (int i = 0; i < (or ? 2 : 1); i++) {
			struct imap_search_key *child;

			if (st->args[st->pos].type == IMAP_ARG_EOL) {
				st->error = arena_printf(st->arena, "BAD Missing search key after %s.",
							 or ? "OR" : "NOT");
				return NULL;
			}
			if ((child = parse_key(st, depth + 1)) == NULL)
				return NULL;
			if (i == 0)
				key->children = child;
			else
				key->children->next = child;
		}
		return key;
	}
	for (size_t i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		const struct key_def *def = &key_defs[i];

		if (strcasecmp(name, def->name) != 0)
			continue;
		if ((key = new_key(st, def->type)) == NULL)
			return NULL;
		key->flags = def->flags;
		key->field = def->field;
		if (parse_arg(st, def, key) < 0)
			return NULL;
		return key;
	}
	st->error = "BAD Unknown search key.";
	return NULL;
}

static int parse_return(struct parse_state *st, const struct imap_arg *arg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} opts[] = {
		{ "MIN", IMAP_SEARCH_RETURN_MIN }, { "MAX", IMAP_SEARCH_RETURN_MAX },
		{ "ALL", IMAP_SEARCH_RETURN_ALL }, { "COUNT", IMAP_SEARCH_RETURN_COUNT },
	};
	const struct imap_arg *list;
	unsigned int n;

	if (imap_arg_get_list(arg, &list, &n) < 0) {
		st->error = "BAD RETURN needs a list of options.";
		return -1;
	}
	st->prog->esearch = true;
	for (unsigned int i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			if (imap_arg_atom_equals(&list[i], opts[k].name))
				break;
		}
		if (k == sizeof(opts) / sizeof(opts[0])) {
			st->error = "BAD Unknown RETURN option.";
			return -1;
		}
		st->prog->ret |= opts[k].bit;
	}
	if (st->prog->ret == 0)
		st->prog->ret = IMAP_SEARCH_RETURN_ALL; /* RFC 4731 §3.1 */
	return 0;
}

int imap_search_parse(struct arena *arena, const struct imap_arg *args, unsigned int count,
		      struct imap_search_program *prog_r, const char **error_r)
{
	struct parse_state st = { .arena = arena, .prog = prog_r, .args = args };
	const char *charset;

	(void)count; /* args is EOL-terminated */
	memset(prog_r, 0, sizeof(*prog_r));
	if (imap_arg_atom_equals(&args[0], "RETURN")) {
		if (parse_return(&st, &args[1]) < 0) {
			*error_r = st.error;
			return -1;
		}
		args += 2;
	}
	if (imap_arg_atom_equals(&args[0], "CHARSET")) {
		if (args[1].type == IMAP_ARG_EOL || imap_arg_get_astring(&args[1], &charset) < 0) {
			*error_r = "BAD CHARSET needs a name.";
			return -1;
		}
		if (strcasecmp(charset, "UTF-8") != 0 && strcasecmp(charset, "US-ASCII") != 0) {
			*error_r = "NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset.";
			return -1;
		}
		args += 2;
	}
	if (args[0].type == IMAP_ARG_EOL) {
		*error_r = "BAD SEARCH needs a search key.";
		return -1;
	}
	prog_r->root = parse_keys(&st, args, 0);
	if (prog_r->root == NULL) {
		*error_r = st.error;
		imap_search_program_free(prog_r);
		return -1;
	}
	return 0;
}

void imap_search_program_resolve(struct imap_search_program *prog, uint32_t max_seq,
				 uint32_t max_uid)
{
	for (unsigned int i = 0; i < prog->nsets; i++) {
		struct imap_search_key *k = prog->sets[i];

		imap_seqset_resolve(&k->set, k->type == IMAP_SEARCH_UIDSET ? max_uid : max_seq);
	}
}

void imap_search_program_free(struct imap_search_program *prog)
{
	for (unsigned int i = 0; i < prog->nsets; i++)
		imap_seqset_free(&prog->sets[i]->set);
	prog->nsets = 0;
}
