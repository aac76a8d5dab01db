/* SPDX-License-Identifier: MIT */
/* fuzz_conf.c -- libFuzzer driver: conf_load() on a config file made of the input, then the
 * zone build from it (rebuild_init), as the daemon does at startup */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/rebuild.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/lc-fuzz-conf-XXXXXX";
static char path[64];
static store_t *store;

static void cleanup(void)
{
	store_free(store);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz: could not remove %s\n", dir);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(-1); /* rebuild_init() logs every record it refuses */
	if (access("/dev/shm", W_OK) == 0) {
		memcpy(dir, "/dev/shm", 8);
	}
	if (mkdtemp(dir) == NULL) {
		abort();
	}
	snprintf(path, sizeof(path), "%s/c.ini", dir);
	/* An empty store: the zone build reads subdomains from it. */
	if (store_open(dir, &store) != LC_EOK) {
		abort();
	}
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	conf_t *c = NULL;

	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		abort();
	}
	int ret = conf_load(path, &c, err, sizeof(err));
	if (ret != LC_EOK) {
		/* A refusal always says why, and is never "ok" or empty. */
		if (c != NULL || err[0] == '\0' || strcmp(err, "ok") == 0) {
			abort();
		}
		return 0;
	}
	/* Everything conf_load() accepted, the zone builder must build or refuse cleanly. */
	ret = rebuild_init(c, store);
	if (ret != LC_EOK && ret != LC_EINVAL && ret != LC_ENOMEM) {
		abort();
	}
	rebuild_cleanup();
	conf_free(c);
	return 0;
}
