/* Replays fuzz corpora through a harness without libFuzzer, so any compiler
 * can run them as ordinary tests. */
#include "fuzz.h"

#include "util/buf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Corpus files are small; anything bigger is a mistake, not an input. */
#define MAX_INPUT_BYTES (16L * 1024 * 1024)

typedef struct {
	size_t passed;
	size_t failed;
} tally;

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path into an exact-size heap buffer, so ASan sees any over-read. */
static int read_input(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	int err = -1;

	*out = NULL;
	if (!file)
		goto out;
	if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
	    size > MAX_INPUT_BYTES || fseek(file, 0, SEEK_SET) != 0)
		goto out;
	data = malloc(size ? (size_t)size : 1);
	if (!data)
		goto out;
	if (size && fread(data, 1, (size_t)size, file) != (size_t)size)
		goto out;
	*out = data;
	*out_len = (size_t)size;
	data = NULL;
	err = 0;
out:
	free(data);
	if (file && fclose(file) != 0 && err == 0) {
		free(*out);
		*out = NULL;
		err = -1;
	}
	return err;
}

static void run_file(const char *path, tally *counts)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (read_input(path, &data, &len) < 0) {
		fprintf(stderr, "fuzz corpus: cannot read %s\n", path);
		counts->failed++;
		return;
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	counts->passed++;
}

static void free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Collects the names of dir's entries, without dot files, sorted. */
static int list_dir(const char *dir, char ***out, size_t *out_count)
{
	DIR *handle = opendir(dir);
	char **names = NULL, **grown;
	size_t count = 0, alloc = 0;
	struct dirent *entry;
	int err = -1;

	if (!handle)
		goto out;
	while ((entry = readdir(handle)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			grown = realloc(names, alloc * sizeof(*names));
			if (!grown)
				goto out;
			names = grown;
		}
		names[count] = strdup(entry->d_name);
		if (!names[count])
			goto out;
		count++;
	}
	if (count)
		qsort(names, count, sizeof(*names), compare_names);
	*out = names;
	*out_count = count;
	names = NULL;
	err = 0;
out:
	free_names(names, names ? count : 0);
	if (handle)
		closedir(handle);
	return err;
}

static void run_dir(const char *dir, tally *counts)
{
	cw_buf path = CW_BUF_INIT(8192);
	char **names = NULL;
	size_t count = 0, ran = 0;
	struct stat info;

	if (list_dir(dir, &names, &count) < 0) {
		fprintf(stderr, "fuzz corpus: cannot list %s\n", dir);
		counts->failed++;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		cw_buf_clear(&path);
		if (cw_buf_printf(&path, "%s/%s", dir, names[i]) < 0) {
			fprintf(stderr, "fuzz corpus: path too long in %s\n",
			        dir);
			counts->failed++;
			continue;
		}
		if (stat(cw_buf_cstr(&path), &info) == 0 &&
		    S_ISDIR(info.st_mode))
			continue;
		run_file(cw_buf_cstr(&path), counts);
		ran++;
	}
	/* An empty corpus would pass without testing anything. */
	if (ran == 0) {
		fprintf(stderr, "fuzz corpus: no inputs in %s\n", dir);
		counts->failed++;
	}
	free_names(names, count);
	cw_buf_dispose(&path);
}

int main(int argc, char **argv)
{
	tally counts = { 0, 0 };
	struct stat info;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return EXIT_FAILURE;
	}
	for (int i = 1; i < argc; i++) {
		/* libFuzzer-style flags are accepted and ignored. */
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &info) != 0) {
			fprintf(stderr, "fuzz corpus: no such file %s\n",
			        argv[i]);
			counts.failed++;
		} else if (S_ISDIR(info.st_mode)) {
			run_dir(argv[i], &counts);
		} else {
			run_file(argv[i], &counts);
		}
	}
	printf("fuzz corpus: %zu inputs passed, %zu failed\n", counts.passed,
	       counts.failed);
	return counts.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
