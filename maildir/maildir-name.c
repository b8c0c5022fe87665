/* Maildir message file names (cr.yp.to/proto/maildir.html, Courier's ",S=" size extension). */
#include "config.h"
#include "maildir-name.h"

#include <string.h>

static const char flag_letters[] = "DFRST";

unsigned maildir_name_flags_parse(const char *letters)
{
	unsigned flags = 0;

	for (; *letters != '\0'; letters++) {
		const char *p = strchr(flag_letters, *letters);
		if (p != NULL)
			flags |= 1u << (p - flag_letters);
	}
	return flags;
}

void maildir_name_flags_str(unsigned flags, char out[6])
{
	size_t n = 0;

	for (size_t i = 0; i < 5; i++) {
		if ((flags & (1u << i)) != 0)
			out[n++] = flag_letters[i];
	}
	out[n] = '\0';
}

/* ",S=<digits>" may sit anywhere in the base after the host, ended by ',' or the base end. */
static uint64_t parse_size(const char *base, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		if (base[i] != ',' || base[i + 1] != 'S' || base[i + 2] != '=')
			continue;
		uint64_t v = 0;
		size_t j = i + 3, start = j;
		while (j < len && base[j] >= '0' && base[j] <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return MAILDIR_SIZE_UNKNOWN;
			v = v * 10 + (uint64_t)(base[j] - '0');
			j++;
		}
		if (j > start && (j == len || base[j] == ','))
			return v;
	}
	return MAILDIR_SIZE_UNKNOWN;
}

int maildir_name_parse(const char *name, struct maildir_name *r, const char **error_r)
{
	size_t len = strlen(name);
	const char *colon;

	if (len == 0 || name[0] == '.') {
		*error_r = "empty or hidden maildir file name";
		return -1;
	}
	if (len > MAILDIR_NAME_MAX) {
		*error_r = "maildir file name too long";
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		*error_r = "maildir file name contains '/'";
		return -1;
	}
	colon = strchr(name, ':');
	r->flags = 0;
	r->has_info = 0;
	if (colon != NULL) {
		r->base_len = (size_t)(colon - name);
		if (r->base_len == 0) {
			*error_r = "maildir file name has an empty base";
			return -1;
		}
		if (strncmp(colon, ":2,", 3) == 0) {
			r->has_info = 1;
			r->flags = maildir_name_flags_parse(colon + 3);
		}
	} else {
		r->base_len = len;
	}
	r->size = parse_size(name, r->base_len);
	return 0;
}

void maildir_name_with_flags(struct buf *out, const char *base, size_t base_len, unsigned flags)
{
	char letters[6];

	maildir_name_flags_str(flags, letters);
	buf_append(out, base, base_len);
	buf_puts(out, ":2,");
	buf_puts(out, letters);
}

void maildir_name_generate(struct buf *out, time_t t, long usec, pid_t pid, unsigned seq,
                           const char *host, uint64_t size)
{
	buf_printf(out, "%lld.M%ldP%ldQ%u.", (long long)t, usec, (long)pid, seq);
	for (const char *p = host; *p != '\0'; p++) {
		if (*p == '/')
			buf_puts(out, "\\057");
		else if (*p == ':')
			buf_puts(out, "\\072");
		else
			buf_putc(out, *p);
	}
	if (size != MAILDIR_SIZE_UNKNOWN)
		buf_printf(out, ",S=%llu", (unsigned long long)size);
}

time_t maildir_name_time(const char *name)
{
	long long v = 0;

	for (; *name >= '0' && *name <= '9'; name++) {
		if (v > 100000000000LL)
			break;
		v = v * 10 + (*name - '0');
	}
	return (time_t)v;
}

void maildir_name_rename_flags(struct buf *out, const char *name, size_t base_len, unsigned flags)
{
	char seen[128] = {0}, letters[6];
	const char *info = name + base_len;

	if (strncmp(info, ":2,", 3) == 0) {
		for (const char *p = info + 3; *p != '\0'; p++) {
			unsigned char c = (unsigned char)*p;
			if (c > 0x20 && c < 0x7f && c != '/' && strchr(flag_letters, c) == NULL)
				seen[c] = 1;
		}
	}
	maildir_name_flags_str(flags, letters);
	for (const char *p = letters; *p != '\0'; p++)
		seen[(unsigned char)*p] = 1;
	buf_append(out, name, base_len);
	buf_puts(out, ":2,");
	for (int c = 0x21; c < 0x7f; c++) {
		if (seen[c])
			buf_putc(out, (char)c);
	}
}
