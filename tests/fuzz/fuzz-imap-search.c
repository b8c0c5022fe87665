/* Fuzz target for SEARCH key parsing (imapd/imap-search-parse.c): every command the IMAP parser
 * accepts is parsed as a search program, which is then evaluated against a small fixed message
 * (encoded words, QP and base64 parts); nothing may crash or leak, and a parsed program always
 * decides once the message is loaded. */
#include "config.h"
#include "imap-search.h"
#include "imap-parser.h"
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char message[] =
	"Date: Mon, 20 Nov 2023 23:30:00 -0800\n"
	"From: =?UTF-8?B?SsO8cmdlbg==?= <j@example.org>\n"
	"Subject: =?ISO-8859-1?Q?caf=E9?= =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\n"
	"Content-Type: multipart/mixed; boundary=b\n\n"
	"--b\nContent-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n\nna=EFve =\nsoft\n"
	"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
	"aMOpbGxv\n--b--\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_parser *parser = imap_parser_new(NULL);
	struct imap_search_ctx *ctx = imap_search_ctx_new();
	struct arena *arena = arena_new(4096);
	size_t pos = 0, used;

	while (pos < size) {
		enum imap_parse_result r = imap_parser_feed(parser, data + pos, size - pos, &used);

		pos += used;
		if (r == IMAP_PARSE_OK) {
			const struct imap_command *cmd = imap_parser_command(parser);
			struct imap_search_program prog;
			const char *error;

			if (imap_search_parse(arena, cmd->args, cmd->count, &prog, &error) == 0) {
				struct imap_search_msg msg = { .seq = 2, .uid = 7, .flags = 9,
							       .keywords = "$Label1 Junk" };

				imap_search_program_resolve(&prog, 5, 9);
				if (imap_search_match(ctx, &prog, &msg) < 0) {
					msg.have_time = true;
					msg.internaldate = 1700483696;
					msg.data = message;
					msg.len = sizeof(message) - 1;
					if (imap_search_match(ctx, &prog, &msg) < 0)
						abort();
				}
				imap_search_program_free(&prog);
			} else if (error == NULL || (strncmp(error, "BAD ", 4) != 0 &&
						     strncmp(error, "NO ", 3) != 0)) {
				abort();
			}
			arena_reset(arena);
		}
		if (used == 0 && r == IMAP_PARSE_NEED_MORE)
			break;
	}
	arena_free(arena);
	imap_search_ctx_free(&ctx);
	imap_parser_free(&parser);
	return 0;
}
