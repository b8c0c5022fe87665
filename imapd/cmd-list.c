/* LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) with CHILDREN (RFC 3348), SPECIAL-USE (RFC 6154) and
 * LIST-EXTENDED (RFC 5258) selection and return options, over Maildir++ folders and Courier's
 * courierimapsubscribed. */
#include "config.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-folder.h"
#include "imap-mailbox-name.h"
#include "imap-quote.h"
#include "imap-special-use.h"
#include "log.h"
#include "maildir-folder.h"
#include "maildir-subscribed.h"

#include <string.h>
#include <strings.h>

/* "* LIST (attrs) "." name" and, when ext is not NULL, " " ext (RFC 5258 extended data). */
static void list_reply(struct imap_cmd *cmd, const char *attrs, const char *wire,
		       const char *ext)
{
	struct buf line = BUF_INIT;

	buf_printf(&line, "* %s (%s) \"%c\" ", cmd->name, attrs, IMAP_MAILBOX_NAME_SEP);
	imap_quote_astring(&line, wire, strlen(wire));
	if (ext != NULL)
		buf_printf(&line, " %s", ext);
	buf_puts(&line, "\r\n");
	imap_client_write(cmd->client, line.data, line.len);
	buf_free(&line);
}

/* The reference and mailbox arguments as one pattern (RFC 3501 §6.3.8: the reference is
 * prepended), "INBOX" normalised to upper case since it is case-insensitive. -1 when the
 * arguments are malformed (BAD sent). */
static int list_pattern(struct imap_cmd *cmd, struct buf *pattern_r, bool *empty_r)
{
	const char *ref, *mailbox;

	if (cmd->count != 2 || imap_arg_get_astring(&cmd->args[0], &ref) < 0 ||
	    imap_arg_get_astring(&cmd->args[1], &mailbox) < 0) {
		imap_cmd_tagged(cmd, "BAD %s needs a reference and a mailbox pattern.", cmd->name);
		return -1;
	}
	if (strlen(ref) + strlen(mailbox) > IMAP_FOLDER_PATTERN_MAX) {
		imap_cmd_tagged(cmd, "BAD %s pattern too long.", cmd->name);
		return -1;
	}
	*empty_r = *mailbox == '\0';
	buf_puts(pattern_r, ref);
	buf_puts(pattern_r, mailbox);
	if (strncasecmp(pattern_r->data, "INBOX", 5) == 0 &&
	    (pattern_r->data[5] == '\0' || pattern_r->data[5] == IMAP_MAILBOX_NAME_SEP))
		memcpy(pattern_r->data, "INBOX", 5);
	return 0;
}

/* LIST-EXTENDED (RFC 5258) options; plain LIST is none of them. */
enum list_opt {
	LIST_SEL_SUBSCRIBED = 1 << 0,
	LIST_SEL_SPECIAL_USE = 1 << 1, /* RFC 6154 §3 */
	LIST_SEL_RECURSIVEMATCH = 1 << 2,
	LIST_RET_SUBSCRIBED = 1 << 3,
	LIST_RET_CHILDREN = 1 << 4,
	LIST_RET_SPECIAL_USE = 1 << 5,
};

#define LIST_PATTERNS_MAX 32

struct list_request {
	unsigned opts;
	const char *ref;
	const char *patterns[LIST_PATTERNS_MAX];
	unsigned int n_patterns;
	struct buf full[LIST_PATTERNS_MAX]; /* ref + pattern, INBOX upper-cased */
	struct imap_folder_tree folders, subs;
	bool inbox_subscribed;
};

static const struct {
	const char *name;
	unsigned opt;
	bool select;
} list_opts[] = {
	{ "SUBSCRIBED", LIST_SEL_SUBSCRIBED, true },
	{ "SPECIAL-USE", LIST_SEL_SPECIAL_USE, true },
	{ "RECURSIVEMATCH", LIST_SEL_RECURSIVEMATCH, true },
	{ "REMOTE", 0, true }, /* no remote mailboxes: nothing to add */
	{ "SUBSCRIBED", LIST_RET_SUBSCRIBED, false },
	{ "CHILDREN", LIST_RET_CHILDREN, false },
	{ "SPECIAL-USE", LIST_RET_SPECIAL_USE, false },
};

/* A list of option atoms into *opts_r; -1 with error_r for an unknown one. */
static int list_parse_opts(const struct imap_arg *arg, bool select, unsigned *opts_r,
			   const char **error_r)
{
	const struct imap_arg *items;
	unsigned int n;

	if (imap_arg_get_list(arg, &items, &n) < 0) {
		*error_r = "LIST options must be a list.";
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < sizeof(list_opts) / sizeof(list_opts[0]); k++) {
			if (list_opts[k].select == select &&
			    imap_arg_atom_equals(&items[i], list_opts[k].name))
				break;
		}
		if (k == sizeof(list_opts) / sizeof(list_opts[0])) {
			*error_r = select ? "Unknown LIST selection option."
					  : "Unknown LIST return option.";
			return -1;
		}
		*opts_r |= list_opts[k].opt;
	}
	return 0;
}

/* [(select-opts)] reference (pattern | (patterns)) [RETURN (return-opts)]. -1 with error_r. */
static int list_parse(struct imap_cmd *cmd, struct list_request *req, const char **error_r)
{
	const struct imap_arg *args = cmd->args, *items;
	unsigned int n = cmd->count, i = 0, np;

	if (n > 0 && args[0].type == IMAP_ARG_LIST) {
		if (list_parse_opts(&args[0], true, &req->opts, error_r) < 0)
			return -1;
		i++;
	}
	if (n < i + 2 || imap_arg_get_astring(&args[i], &req->ref) < 0) {
		*error_r = "LIST needs a reference and a mailbox pattern.";
		return -1;
	}
	i++;
	if (args[i].type == IMAP_ARG_LIST) {
		(void)imap_arg_get_list(&args[i], &items, &np);
		if (np == 0 || np > LIST_PATTERNS_MAX) {
			*error_r = "LIST needs 1 to 32 patterns.";
			return -1;
		}
	} else {
		items = &args[i];
		np = 1;
	}
	for (unsigned int k = 0; k < np; k++) {
		if (imap_arg_get_astring(&items[k], &req->patterns[k]) < 0) {
			*error_r = "LIST patterns must be strings.";
			return -1;
		}
	}
	req->n_patterns = np;
	i++;
	if (i < n) {
		if (!imap_arg_atom_equals(&args[i], "RETURN") || i + 2 != n) {
			*error_r = "LIST ends with RETURN (options).";
			return -1;
		}
		if (list_parse_opts(&args[i + 1], false, &req->opts, error_r) < 0)
			return -1;
	}
	/* RFC 5258 §3: RECURSIVEMATCH alone is an error; selection options imply the return
	 * option of the same name. */
	if ((req->opts & LIST_SEL_RECURSIVEMATCH) &&
	    !(req->opts & (LIST_SEL_SUBSCRIBED | LIST_SEL_SPECIAL_USE))) {
		*error_r = "RECURSIVEMATCH needs another selection option.";
		return -1;
	}
	if (req->opts & LIST_SEL_SUBSCRIBED)
		req->opts |= LIST_RET_SUBSCRIBED;
	for (unsigned int k = 0; k < np; k++) {
		if (strlen(req->ref) + strlen(req->patterns[k]) > IMAP_FOLDER_PATTERN_MAX) {
			*error_r = "LIST pattern too long.";
			return -1;
		}
	}
	return 0;
}

static bool list_matches(const struct list_request *req, const char *wire)
{
	for (unsigned int k = 0; k < req->n_patterns; k++) {
		if (imap_folder_match(buf_cstr(&req->full[k]), wire, IMAP_MAILBOX_NAME_SEP))
			return true;
	}
	return false;
}

/* Whether node meets the selection criteria (every name does without options). */
static bool list_selected(const struct list_request *req, const char *name, bool exists,
			  bool subscribed)
{
	if ((req->opts & LIST_SEL_SUBSCRIBED) && !subscribed)
		return false;
	if ((req->opts & LIST_SEL_SPECIAL_USE) && (!exists || imap_special_use_of(name) == NULL))
		return false;
	return true;
}

/* RFC 5258 §3.5 CHILDINFO: with RECURSIVEMATCH, some descendant of name (in either tree; name
 * NULL: every folder, INBOX's inferiors with the INBOX. prefix) meets the selection criteria
 * without matching the patterns itself. */
static bool list_childinfo(const struct list_request *req, const char *name)
{
	const struct imap_folder_tree *trees[] = { &req->folders, &req->subs };
	size_t len = name == NULL ? 0 : strlen(name);

	if (!(req->opts & LIST_SEL_RECURSIVEMATCH))
		return false;
	for (size_t t = 0; t < 2; t++) {
		for (size_t j = 0; j < trees[t]->n; j++) {
			const char *c = trees[t]->v[j].name;
			const struct imap_folder_node *f, *s;
			struct buf wire = BUF_INIT;
			bool found;

			if (name != NULL &&
			    (strncmp(c, name, len) != 0 || c[len] != IMAP_MAILBOX_NAME_SEP))
				continue;
			f = imap_folder_tree_find(&req->folders, c);
			s = imap_folder_tree_find(&req->subs, c);
			found = list_selected(req, c, f != NULL && f->exists,
					      s != NULL && s->exists) &&
				imap_mailbox_name_from_folder(c, &wire) == 0 &&
				!list_matches(req, buf_cstr(&wire));
			buf_free(&wire);
			if (found)
				return true;
		}
	}
	return false;
}

static const char *list_childinfo_item(const struct list_request *req)
{
	return (req->opts & LIST_SEL_SUBSCRIBED) ? "(\"CHILDINFO\" (\"SUBSCRIBED\"))"
						 : "(\"CHILDINFO\" (\"SPECIAL-USE\"))";
}

static void list_one(struct imap_cmd *cmd, const struct list_request *req, const char *name)
{
	const struct imap_folder_node *f = imap_folder_tree_find(&req->folders, name);
	const struct imap_folder_node *s = imap_folder_tree_find(&req->subs, name);
	bool exists = f != NULL && f->exists, subscribed = s != NULL && s->exists;
	bool childinfo = false;
	struct buf wire = BUF_INIT, attrs = BUF_INIT;
	const char *special;

	if (imap_mailbox_name_from_folder(name, &wire) < 0 || !list_matches(req, buf_cstr(&wire)))
		goto out;
	childinfo = list_childinfo(req, name);
	if (!list_selected(req, name, exists, subscribed)) {
		if (!childinfo)
			goto out;
	} else if (!(req->opts & LIST_SEL_SUBSCRIBED) && f == NULL) {
		goto out; /* only subscribed: listed with the SUBSCRIBED selection only */
	}
	if (f == NULL)
		buf_puts(&attrs, "\\NonExistent ");
	else if (!exists)
		buf_puts(&attrs, "\\Noselect ");
	buf_puts(&attrs, f != NULL && f->has_children ? "\\HasChildren" : "\\HasNoChildren");
	special = exists ? imap_special_use_of(name) : NULL;
	if (special != NULL)
		buf_printf(&attrs, " %s", special);
	if (subscribed && (req->opts & LIST_RET_SUBSCRIBED))
		buf_puts(&attrs, " \\Subscribed");
	list_reply(cmd, buf_cstr(&attrs), buf_cstr(&wire),
		   childinfo ? list_childinfo_item(req) : NULL);
out:
	buf_free(&wire);
	buf_free(&attrs);
}

/* Subscriptions (Courier's "INBOX" / "INBOX.<folder>" lines) into req->subs. */
static int list_load_subs(struct list_request *req, const char **error_r)
{
	struct maildir_subscribed subs;

	maildir_subscribed_init(&subs);
	if (maildir_subscribed_load(".", &subs, error_r) < 0) {
		maildir_subscribed_free(&subs);
		return -1;
	}
	for (size_t i = 0; i < subs.n; i++) {
		const char *err;

		if (strcasecmp(subs.names[i], "INBOX") == 0)
			req->inbox_subscribed = true;
		else if (strncasecmp(subs.names[i], "INBOX.", 6) == 0 &&
			 maildir_folder_name_valid(subs.names[i] + 6, &err) == 0)
			imap_folder_tree_add(&req->subs, subs.names[i] + 6);
	}
	maildir_subscribed_free(&subs);
	imap_folder_tree_finish(&req->subs);
	return 0;
}

static void list_run(struct imap_cmd *cmd, struct list_request *req)
{
	struct imap_folder_tree all;
	const char *error;
	bool inbox_children, childinfo;

	if (imap_folder_tree_load(&req->folders, &error) < 0 ||
	    ((req->opts & (LIST_SEL_SUBSCRIBED | LIST_RET_SUBSCRIBED)) &&
	     list_load_subs(req, &error) < 0)) {
		log_warnx("LIST: %s", error);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the mailbox list.");
		return;
	}
	/* INBOX first: with the INBOX. prefix every folder is its inferior. */
	inbox_children = imap_mailbox_name_prefix()[0] != '\0' && req->folders.n > 0;
	childinfo = inbox_children && list_childinfo(req, NULL);
	if (list_matches(req, "INBOX") &&
	    (childinfo || list_selected(req, "INBOX", true, req->inbox_subscribed))) {
		struct buf attrs = BUF_INIT;

		buf_puts(&attrs, inbox_children ? "\\HasChildren" : "\\HasNoChildren");
		if (req->inbox_subscribed && (req->opts & LIST_RET_SUBSCRIBED))
			buf_puts(&attrs, " \\Subscribed");
		list_reply(cmd, buf_cstr(&attrs), "INBOX",
			   childinfo ? list_childinfo_item(req) : NULL);
		buf_free(&attrs);
	}
	/* Every name once, in order: the union of folders and subscriptions. */
	imap_folder_tree_init(&all, IMAP_MAILBOX_NAME_SEP);
	for (size_t i = 0; i < req->folders.n; i++)
		imap_folder_tree_add(&all, req->folders.v[i].name);
	for (size_t i = 0; i < req->subs.n; i++)
		imap_folder_tree_add(&all, req->subs.v[i].name);
	imap_folder_tree_finish(&all);
	for (size_t i = 0; i < all.n; i++)
		list_one(cmd, req, all.v[i].name);
	imap_folder_tree_free(&all);
	imap_cmd_tagged(cmd, "OK LIST completed.");
}

void cmd_list(struct imap_cmd *cmd)
{
	struct list_request req;
	const char *error;

	memset(&req, 0, sizeof(req));
	imap_folder_tree_init(&req.folders, IMAP_MAILBOX_NAME_SEP);
	imap_folder_tree_init(&req.subs, IMAP_MAILBOX_NAME_SEP);
	if (list_parse(cmd, &req, &error) < 0) {
		imap_cmd_tagged(cmd, "BAD %s", error);
		goto out;
	}
	if (req.n_patterns == 1 && req.patterns[0][0] == '\0' && req.opts == 0) {
		/* RFC 3501: the delimiter and the root of the hierarchy. */
		list_reply(cmd, "\\Noselect", "", NULL);
		imap_cmd_tagged(cmd, "OK LIST completed.");
		goto out;
	}
	for (unsigned int k = 0; k < req.n_patterns; k++) {
		buf_puts(&req.full[k], req.ref);
		buf_puts(&req.full[k], req.patterns[k]);
		if (strncasecmp(req.full[k].data, "INBOX", 5) == 0 &&
		    (req.full[k].data[5] == '\0' || req.full[k].data[5] == IMAP_MAILBOX_NAME_SEP))
			memcpy(req.full[k].data, "INBOX", 5);
	}
	list_run(cmd, &req);
out:
	for (unsigned int k = 0; k < LIST_PATTERNS_MAX; k++)
		buf_free(&req.full[k]);
	imap_folder_tree_free(&req.folders);
	imap_folder_tree_free(&req.subs);
}

/* True when some subscribed name below node i matches (then LSUB does not list the
 * unsubscribed node itself: RFC 3501 §6.3.9 lists it only for a '%' that stops at it). */
static bool lsub_descendant_matches(const struct imap_folder_tree *tree, size_t i,
				    const char *pattern)
{
	const char *name = tree->v[i].name;
	size_t len = strlen(name);
	bool found = false;

	for (size_t j = i + 1; j < tree->n && strncmp(tree->v[j].name, name, len) == 0; j++) {
		struct buf wire = BUF_INIT;

		if (tree->v[j].name[len] == IMAP_MAILBOX_NAME_SEP && tree->v[j].exists &&
		    imap_mailbox_name_from_folder(tree->v[j].name, &wire) == 0 &&
		    imap_folder_match(pattern, buf_cstr(&wire), IMAP_MAILBOX_NAME_SEP))
			found = true;
		buf_free(&wire);
		if (found)
			break;
	}
	return found;
}

void cmd_lsub(struct imap_cmd *cmd)
{
	struct maildir_subscribed subs;
	struct imap_folder_tree tree;
	struct buf pattern = BUF_INIT;
	const char *error;
	bool empty, inbox = false;

	if (list_pattern(cmd, &pattern, &empty) < 0)
		goto out;
	if (empty) {
		list_reply(cmd, "\\Noselect", "", NULL);
		imap_cmd_tagged(cmd, "OK LSUB completed.");
		goto out;
	}
	maildir_subscribed_init(&subs);
	if (maildir_subscribed_load(".", &subs, &error) < 0) {
		log_warnx("LSUB: %s", error);
		maildir_subscribed_free(&subs);
		imap_cmd_tagged(cmd, "NO [SERVERBUG] Cannot read the subscriptions.");
		goto out;
	}
	/* The file holds Courier's names: "INBOX" and "INBOX.<UTF-8 folder>". */
	imap_folder_tree_init(&tree, IMAP_MAILBOX_NAME_SEP);
	for (size_t i = 0; i < subs.n; i++) {
		if (strcasecmp(subs.names[i], "INBOX") == 0)
			inbox = true;
		else if (strncasecmp(subs.names[i], "INBOX.", 6) == 0 &&
			 maildir_folder_name_valid(subs.names[i] + 6, &error) == 0)
			imap_folder_tree_add(&tree, subs.names[i] + 6);
	}
	maildir_subscribed_free(&subs);
	imap_folder_tree_finish(&tree);
	if (inbox && imap_folder_match(buf_cstr(&pattern), "INBOX", IMAP_MAILBOX_NAME_SEP))
		list_reply(cmd, "", "INBOX", NULL);
	for (size_t i = 0; i < tree.n; i++) {
		struct buf wire = BUF_INIT;

		if (imap_mailbox_name_from_folder(tree.v[i].name, &wire) == 0 &&
		    imap_folder_match(buf_cstr(&pattern), buf_cstr(&wire), IMAP_MAILBOX_NAME_SEP) &&
		    (tree.v[i].exists || !lsub_descendant_matches(&tree, i, buf_cstr(&pattern))))
			list_reply(cmd, tree.v[i].exists ? "" : "\\Noselect", buf_cstr(&wire),
				   NULL);
		buf_free(&wire);
	}
	imap_folder_tree_free(&tree);
	imap_cmd_tagged(cmd, "OK LSUB completed.");
out:
	buf_free(&pattern);
}
