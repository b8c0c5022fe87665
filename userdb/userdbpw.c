/* userdbpw: read a password and print its stored form for a userdb "pw" field, command-line
 * compatible with Courier's userdbpw(8) (reference courier-formats §1.5, §1.6). */
#include "config.h"

#include "authlib/pwscheme.h"
#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* A password longer than this is a pasted file, not a password. */
#define USERDBPW_MAX 1024

/* Options → pwscheme names. An hmac option wins over the others whatever the order, as in
 * Courier's userdbpw; otherwise the last option counts. */
static const struct {
	const char *option;
	const char *scheme;
	int is_hmac;
} options[] = {
	{ "-md5", "md5", 0 },
	{ "-hmac-md5", "hmac-md5", 1 },
	{ "-hmac-sha1", "hmac-sha1", 1 },
	{ "-hmac-sha256", "hmac-sha256", 1 },
	{ "-sha512", "sha512", 0 },
	{ "-scram-sha256", "scram-sha256", 0 },
	{ "-clear", "clear", 0 },
};

/* One line from fd without its "\n". Returns 0, or -1 at end of input before any byte. */
static int read_password(int fd, struct buf *pw)
{
	char c;
	ssize_t n;
	int got = 0;

	buf_reset(pw);
	while ((n = read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		got = 1;
		if (c == '\n')
			break;
		if (pw->len < USERDBPW_MAX)
			buf_putc(pw, c);
	}
	secure_zero(&c, sizeof(c));
	return got ? 0 : -1;
}

/* Prompt on stderr with echo off; 0, or -1 at end of input. */
static int prompt_password(const char *prompt, struct buf *pw)
{
	struct termios saved, quiet;
	int have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;

	fputs(prompt, stderr);
	fflush(stderr);
	if (have_tty) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int ret = read_password(STDIN_FILENO, pw);
	if (have_tty)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	return ret;
}

static int read_from_terminal(struct buf *pw)
{
	struct buf again = BUF_INIT;
	for (;;) {
		if (prompt_password("Password: ", pw) < 0 ||
		    prompt_password("\nReenter password: ", &again) < 0) {
			buf_free_secure(&again);
			return -1;
		}
		if (pw->len == again.len && secure_memeq(pw->data, again.data, pw->len))
			break;
		fputs("\nPasswords don't match.\n\n", stderr);
	}
	fputs("\n", stderr);
	buf_free_secure(&again);
	return 0;
}

int main(int argc, char **argv)
{
	const char *scheme = "crypt", *err;
	int have_hmac = 0;
	struct buf pw = BUF_INIT;

	for (int i = 1; i < argc; i++) {
		size_t j;
		for (j = 0; j < sizeof(options) / sizeof(options[0]); j++) {
			if (strcmp(argv[i], options[j].option) == 0)
				break;
		}
		if (j == sizeof(options) / sizeof(options[0])) {
			fprintf(stderr, "%s: invalid argument.\n", argv[0]);
			return 1;
		}
		if (options[j].is_hmac || !have_hmac)
			scheme = options[j].scheme;
		have_hmac |= options[j].is_hmac;
	}

	int r = isatty(STDIN_FILENO) ? read_from_terminal(&pw) : read_password(STDIN_FILENO, &pw);
	if (r < 0) {
		buf_free_secure(&pw);
		return 1;
	}
	char *stored = pwscheme_generate(scheme, buf_cstr(&pw), &err);
	buf_free_secure(&pw);
	if (stored == NULL) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		return 1;
	}
	printf("%s\n", stored);
	free(stored);
	return fflush(stdout) != 0 ? 1 : 0;
}
