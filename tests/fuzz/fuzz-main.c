/* Stand-alone driver for libFuzzer targets in builds without --enable-fuzzing, so every target
 * is compiled and exercised by `make check`: it replays the committed corpus
 * ($srcdir/tests/fuzz/corpus/<target name>/ and any files or folders named on the command line),
 * then feeds deterministic mutations of each corpus file and random inputs. A crash, a sanitizer
 * report or an abort fails the test. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT (1 << 20)
#define MUTATIONS_PER_FILE 200
#define RANDOM_INPUTS 2000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void run_one(const uint8_t *data, size_t size)
{
	/* A private copy, so reads past size are caught by ASan. */
	uint8_t *copy = malloc(size == 0 ? 1 : size);

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

static void mutate_and_run(const uint8_t *data, size_t size)
{
	uint8_t *m = malloc(size + 64);

	if (m == NULL)
		abort();
	for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
		size_t len = size;
		memcpy(m, data, size);
		int edits = 1 + (int)(rng() % 8);
		for (int e = 0; e < edits; e++) {
			switch (rng() % 4) {
			case 0: /* flip a byte */
				if (len > 0)
					m[rng() % len] = (uint8_t)rng();
				break;
			case 1: /* truncate */
				if (len > 0)
					len = rng() % len;
				break;
			case 2: /* insert a byte */
				if (len < size + 64) {
					size_t at = len ? rng() % len : 0;
					memmove(m + at + 1, m + at, len - at);
					m[at] = "\r\n\0 ({[\"\\*%=$.:}])\xff"[rng() % 20];
					len++;
				}
				break;
			default: /* duplicate a span to the end */
				if (len > 0 && len < size + 32) {
					size_t at = rng() % len, n = rng() % 32;
					if (at + n > len)
						n = len - at;
					if (len + n <= size + 64) {
						memmove(m + len, m + at, n);
						len += n;
					}
				}
			}
		}
		run_one(m, len);
	}
	free(m);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	data = malloc(FUZZ_MAX_INPUT);
	if (data == NULL)
		abort();
	n = fread(data, 1, FUZZ_MAX_INPUT, f);
	fclose(f);
	run_one(data, n);
	mutate_and_run(data, n);
	free(data);
	return 1;
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int count = 0;

	if (stat(path, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		int r = run_path(sub);
		if (r < 0) {
			closedir(d);
			return r;
		}
		count += r;
	}
	closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
	char corpus[4096];
	int files = 0, r;
	uint8_t rnd[512];

	if (strncmp(name, "lt-", 3) == 0)
		name += 3;
	snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s", srcdir, name);
	if ((r = run_path(corpus)) < 0)
		return 1;
	files += r;
	for (int i = 1; i < argc; i++) {
		if ((r = run_path(argv[i])) < 0)
			return 1;
		files += r;
	}
	for (int i = 0; i < RANDOM_INPUTS; i++) {
		size_t len = rng() % sizeof(rnd);
		for (size_t j = 0; j < len; j++)
			rnd[j] = (uint8_t)rng();
		run_one(rnd, len);
	}
	printf("%s: %d corpus files, %d mutations each, %d random inputs: no crash\n", name, files,
	       MUTATIONS_PER_FILE, RANDOM_INPUTS);
	return 0;
}
