/* STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS and .SILENT over the Maildir
 * flags. Refused with NO in a read-only (EXAMINEd) mailbox, which Courier gets wrong. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-mailbox.h"
#include "imap-seqset.h"
#include "arena.h"
#include "log.h"
#include "maildir-name.h"

#include <string.h>
#include <strings.h>

enum store_mode { STORE_SET, STORE_ADD, STORE_REMOVE };

static const struct {
	const char *name;
	unsigned bit;
} system_flags[] = {
	{ "\\Answered", MAILDIR_FLAG_REPLIED }, { "\\Flagged", MAILDIR_FLAG_FLAGGED },
	{ "\\Deleted", MAILDIR_FLAG_TRASHED },  { "\\Seen", MAILDIR_FLAG_SEEN },
	{ "\\Draft", MAILDIR_FLAG_DRAFT },
};

/* "+FLAGS.SILENT" -> mode and silent; -1 when it is no STORE item name. */
static int parse_item(const char *s, enum store_mode *mode_r, bool *silent_r)
{
	*mode_r = *s == '+' ? STORE_ADD : *s == '-' ? STORE_REMOVE : STORE_SET;
	if (*mode_r != STORE_SET)
		s++;
	if (strcasecmp(s, "FLAGS") == 0)
		*silent_r = false;
	else if (strcasecmp(s, "FLAGS.SILENT") == 0)
		*silent_r = true;
	else
		return -1;
	return 0;
}

#define STORE_MAX_KEYWORDS 100
#define STORE_KEYWORD_MAX_LEN 100

struct store_flags {
	unsigned flags;
	const char *kw[STORE_MAX_KEYWORDS + 1]; /* NULL-terminated */
	size_t nkw;
};

/* A flag list "(\Seen \Deleted $Label1)" or a single flag. -1 with error_r (a response). */
static int parse_flags(const struct imap_arg *arg, bool keywords, struct store_flags *sf,
		       const char **error_r)
{
	const struct imap_arg *list = arg;
	unsigned int n = 1;

	if (imap_arg_get_list(arg, &list, &n) < 0 && arg->type != IMAP_ARG_ATOM) {
		*error_r = "BAD Invalid flag list.";
		return -1;
	}
	memset(sf, 0, sizeof(*sf));
	for (unsigned int i = 0; i < n; i++) {
		const char *f;
		size_t k;

		if (imap_arg_get_atom(&list[i], &f) < 0) {
			*error_r = "BAD Invalid flag.";
			return -1;
		}
		for (k = 0; k < sizeof(system_flags) / sizeof(system_flags[0]); k++) {
			if (strcasecmp(f, system_flags[k].name) == 0)
				break;
		}
		if (k < sizeof(system_flags) / sizeof(system_flags[0])) {
			sf->flags |= system_flags[k].bit;
		} else if (f[0] == '\\') {
			*error_r = "BAD Invalid system flag.";
			return -1;
		} else if (!keywords) {
			*error_r = "NO Keywords are disabled (IMAP_KEYWORDS=0).";
			return -1;
		} else if (strlen(f) > STORE_KEYWORD_MAX_LEN || sf->nkw == STORE_MAX_KEYWORDS) {
			*error_r = "BAD Keyword too long or too many keywords.";
			return -1;
		} else {
			sf->kw[sf->nkw++] = f;
		}
	}
	return 0;
}

static bool kw_listed(const char *const *v, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(v[i]) == len && strncasecmp(v[i], name, len) == 0)
			return true;
	}
	return false;
}

/* The message's new keyword list: its current ones (space-separated) changed by mode. Strings
 * point into cur and sf; the array is NULL-terminated. */
static void new_keywords(const char *cur, enum store_mode mode, const struct store_flags *sf,
			 struct arena *arena, const char ***names_r)
{
	size_t n = 0, max = sf->nkw + 1;
	const char **v;

	for (const char *p = cur; p != NULL && *p != '\0'; p++)
		max += *p == ' ';
	max += cur != NULL;
	v = arena_alloc(arena, max * sizeof(*v));
	if (mode != STORE_SET) {
		for (const char *p = cur; p != NULL && *p != '\0';) {
			size_t len = strcspn(p, " ");

			if (mode == STORE_ADD || !kw_listed(sf->kw, sf->nkw, p, len))
				v[n++] = arena_strndup(arena, p, len);
			p += len + (p[len] == ' ');
		}
	}
	for (size_t i = 0; mode != STORE_REMOVE && i < sf->nkw; i++) {
		if (!kw_listed(v, n, sf->kw[i], strlen(sf->kw[i])))
			v[n++] = sf->kw[i];
	}
	v[n] = NULL;
	*names_r = v;
}

void cmd_store(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_mailbox *box = client->mailbox;
	struct imap_seqset set;
	enum store_mode mode;
	const char *str, *item, *error;
	struct store_flags sf;
	bool silent, gone = false, failed = false;

	if (cmd->count != 3 || imap_arg_get_atom(&cmd->args[0], &str) < 0 ||
	    imap_arg_get_atom(&cmd->args[1], &item) < 0 || parse_item(item, &mode, &silent) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a sequence set, an item and flags.", cmd->name);
		return;
	}
	if (parse_flags(&cmd->args[2], client->set->keywords, &sf, &error) < 0) {
		imap_cmd_tagged(cmd, "%s", error);
		return;
	}
	if (imap_mailbox_seqset(box, str, cmd->uid, &set, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		return;
	}
	if (box->readonly) {
		imap_seqset_free(&set);
		imap_cmd_tagged(cmd, "NO [READ-ONLY] The mailbox is read-only.");
		return;
	}
	for (uint32_t seq = 0; imap_seqset_next(&set, &seq);) {
		struct imap_msg *msg = imap_mailbox_msg(box, seq);
		unsigned nf = mode == STORE_SET ? sf.flags
			: mode == STORE_ADD ? msg->flags | sf.flags : msg->flags & ~sf.flags;
		int ret = imap_mailbox_set_flags(box, msg, nf, &error);

		if (ret == 0 && client->set->keywords && (sf.nkw > 0 || mode == STORE_SET)) {
			const char **names;

			new_keywords(msg->keywords, mode, &sf, client->arena, &names);
			ret = imap_mailbox_set_keywords(box, msg, names[0] != NULL ? names : NULL,
							&error);
		}
		if (ret == 1) {
			gone = true;
			continue;
		}
		if (ret < 0) {
			log_warnx("STORE %u: %s", seq, error);
			failed = true;
			continue;
		}
		if (!silent) {
			struct buf line = BUF_INIT;

			imap_mailbox_write_flags(msg, &line);
			if (cmd->uid)
				imap_client_untagged(client, "%u FETCH (UID %u FLAGS %s)", seq,
						     msg->uid, buf_cstr(&line));
			else
				imap_client_untagged(client, "%u FETCH (FLAGS %s)", seq,
						     buf_cstr(&line));
			buf_free(&line);
		}
	}
	imap_seqset_free(&set);
	if (failed)
		imap_cmd_tagged(cmd, "NO Some flags could not be stored.");
	else if (gone)
		imap_cmd_tagged(cmd, "NO Some of the messages no longer exist.");
	else
		imap_cmd_tagged(cmd, "OK %s completed.", cmd->uid ? "UID STORE" : "STORE");
}
