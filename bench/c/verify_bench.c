/* Verifies every credential file of a directory with crosswalk's verifier
 * (badge verify's procedure: proof, validity, status, …), the way a batch
 * would: one process, this gateway's own status lists read from its store
 * and kept for the run. Prints credentials per second and how many were
 * valid. Not a test.
 *   verify_bench DATA_DIR CREDENTIALS_DIR
 * Built with -DCW_BENCH=ON (bench/badge_issue_bench.sh does it). */
#include "badge/verify.h"
#include "engine/datadir.h"
#include "engine/doc_fetch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/timeutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int verify_dir(const char *dir, cw_doc_fetcher *docs, long *count,
                      long *valid)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	cw_badge_verify_options o = { NULL, cw_doc_fetch, docs, NULL, 0 };

	if (!d)
		return CW_EIO;
	while ((e = readdir(d))) {
		cw_buf path = CW_BUF_INIT(4096);
		cw_badge_report *r = NULL;
		char *text = NULL;
		size_t len = 0;

		if (e->d_name[0] == '.')
			continue;
		cw_buf_printf(&path, "%s/%s", dir, e->d_name);
		if (!path.error &&
		    cw_file_read(&text, &len, cw_buf_cstr(&path), 8 << 20) ==
		            0 &&
		    cw_badge_verify(&r, text, len, &o) == 0) {
			(*count)++;
			*valid += r->valid;
		}
		cw_badge_report_free(r);
		cw_free(text);
		cw_buf_dispose(&path);
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	cw_config config;
	cw_buf errors = CW_BUF_INIT(65536), base = CW_BUF_INIT(4096);
	unsigned char master[CW_MASTER_KEY_LEN];
	cw_store *store = NULL;
	cw_doc_fetcher docs;
	long count = 0, valid = 0;
	int flag_error = 0, err;

	if (argc != 3) {
		fprintf(stderr,
		        "usage: verify_bench DATA_DIR CREDENTIALS_DIR\n");
		return 2;
	}
	if ((err = cw_datadir_load_config(&config, argv[1], NULL, &errors,
	                                  &flag_error)) < 0 ||
	    (err = cw_datadir_open_store(&store, argv[1], &config)) < 0 ||
	    (err = cw_datadir_master_key(master, argv[1], &config)) < 0) {
		fprintf(stderr, "verify_bench: %s%s\n", cw_buf_cstr(&errors),
		        cw_error_last());
		return 3;
	}
	cw_buf_printf(&base, "http://%s", config.listen);
	cw_badges badges = { store, master, cw_buf_cstr(&base), NULL };
	cw_doc_fetcher_init(&docs, &badges, 1);
	int64_t start = cw_time_mono_us();
	err = verify_dir(argv[2], &docs, &count, &valid);
	int64_t us = cw_time_mono_us() - start;
	printf("verified %ld credentials in %.2f s: %.0f credentials/s end to "
	       "end (proof, validity, status from the store); %ld valid\n",
	       count, (double)us / 1e6,
	       us > 0 ? (double)count * 1e6 / (double)us : 0.0, valid);
	cw_doc_fetcher_dispose(&docs);
	cw_store_free(store);
	cw_config_dispose(&config);
	cw_buf_dispose(&errors);
	cw_buf_dispose(&base);
	return err < 0 ? 3 : 0;
}
