/* SPDX-License-Identifier: MIT */
/* fuzz_validate.c -- libFuzzer driver: the input checks on names, labels, challenge values,
 * UUIDs (util/validate), ADDR:PORT (util/hostport) and the label policy (ops_label_problem) */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "util/error.h"
#include "util/hostport.h"
#include "util/log.h"
#include "util/validate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static conf_t *conf;

static void cleanup(void)
{
	ops_cleanup();
	conf_free(conf);
}

/* The embedded default config, for ops_label_problem()'s parent and reserved names. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	log_set_level(LOG_ERR);
	/* Offline and without a store: ops_label_problem() never touches it. */
	if (conf_load(NULL, &conf, err, sizeof(err)) != LC_EOK || ops_init_offline(conf, NULL) != LC_EOK) {
		abort();
	}
	atexit(cleanup);
	return 0;
}

static void check_hostport(const char *text)
{
	struct sockaddr_storage ss, ss2;
	socklen_t len, len2;
	char back[64];
	if (hostport_parse(text, &ss, &len) != LC_EOK) {
		return;
	}
	/* Format and parse again: the same socket address. */
	hostport_format((const struct sockaddr *)&ss, back, sizeof(back));
	if (hostport_parse(back, &ss2, &len2) != LC_EOK || len2 != len || memcmp(&ss, &ss2, len) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	size_t len = strlen(text);

	bool label = validate_label(text);
	bool name = validate_name(text);
	if (label && (!name || len > VALIDATE_LABEL_MAX || strchr(text, '.') != NULL)) {
		abort(); /* a label is a one-label name */
	}
	if (name && len > VALIDATE_NAME_MAX) {
		abort();
	}
	if (validate_txt(text) && len != VALIDATE_TXT_LEN) {
		abort();
	}
	if (validate_uuid(text) && len != VALIDATE_UUID_LEN) {
		abort();
	}

	/* Canonical form: lowercase, no trailing dot, idempotent; valid names stay valid. */
	char canon[VALIDATE_NAME_MAX + 1], canon2[VALIDATE_NAME_MAX + 1];
	if (validate_canonical_name(text, canon, sizeof(canon))) {
		/* Only one trailing dot is removed: "a.." gives "a.", which is not canonical. */
		bool again = validate_canonical_name(canon, canon2, sizeof(canon2));
		if (canon[strlen(canon) - 1] != '.' && (!again || strcmp(canon, canon2) != 0)) {
			abort();
		}
		if (name && !validate_name(canon)) {
			abort();
		}
	}

	/* Label policy: only valid labels can pass; the answer is a static sentence. */
	const char *why = ops_label_problem(text, "localhostcert.test");
	if (why == NULL && !label) {
		abort();
	}
	(void)ops_label_problem(text, text);

	check_hostport(text);
	free(text);
	return 0;
}
