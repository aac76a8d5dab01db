/* SPDX-License-Identifier: MIT */
/* main.c -- localcertd startup: config, store, zone index, DNS and HTTP servers, signals */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "http/router.h"
#include "http/server.h"
#include "net/server.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"
#include "web/console.h"

#ifndef LC_VERSION
#define LC_VERSION "0.1.0"
#endif

/* Exit codes: 0 clean stop, 1 a startup failure, 2 bad command line or config. */
enum { EXIT_STARTUP = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: localcertd [OPTION]...\n"
		"Authoritative DNS server plus an acme-dns compatible HTTP API that lets ACME\n"
		"clients set the _acme-challenge TXT records of one subdomain each, and a web\n"
		"console where people register subdomains and manage keys.\n"
		"\n"
		"  -c, --config FILE       read settings from FILE (INI); without it the embedded\n"
		"                          defaults apply\n"
		"      --dns ADDR:PORT     DNS listen address(es), UDP and TCP; a comma list,\n"
		"                          IPv6 as [ADDR]:PORT (default 127.0.0.1:1053)\n"
		"      --http ADDR:PORT    HTTP listen address of the API and the web console\n"
		"                          (default 127.0.0.1:8053)\n"
		"      --data DIR          data directory holding localcert.db\n"
		"                          (default ./localcert-data)\n"
		"      --log-level LEVEL   error, warn, info (default) or debug\n"
		"  -V, --version           print the version and exit\n"
		"  -h, --help              print this help and exit\n"
		"\n"
		"Command-line options override the config file. The web console has no options\n"
		"of its own here: the [console] section of the config file switches it on or off\n"
		"(enabled), sets sign-up, its own host name (console_host, api_host) and limits.\n"
		"Logs go to stderr.\n"
		"SIGTERM or SIGINT stops the daemon cleanly.\n");
}

/* Command-line settings, applied on top of the config file. */
typedef struct args {
	const char *config;
	const char *dns;
	const char *http;
	const char *data;
	const char *log_level;
} args_t;

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, args_t *a)
{
	enum { OPT_DNS = 256, OPT_HTTP, OPT_DATA, OPT_LOG_LEVEL };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dns", required_argument, NULL, OPT_DNS },
		{ "http", required_argument, NULL, OPT_HTTP },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->config = optarg;
			break;
		case OPT_DNS:
			a->dns = optarg;
			break;
		case OPT_HTTP:
			a->http = optarg;
			break;
		case OPT_DATA:
			a->data = optarg;
			break;
		case OPT_LOG_LEVEL:
			a->log_level = optarg;
			break;
		case 'V':
			printf("localcertd %s\n", LC_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'localcertd --help' for more information.\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "localcertd: unexpected argument '%s'\n", argv[optind]);
		fprintf(stderr, "Try 'localcertd --help' for more information.\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* Load the config file and apply the command-line overrides. Returns -1 or an exit status. */
static int load_conf(const args_t *a, conf_t **out)
{
	char err[512];
	const struct {
		const char *key, *value, *flag;
	} overrides[] = {
		{ "dns", a->dns, "--dns" },
		{ "http", a->http, "--http" },
		{ "data", a->data, "--data" },
		{ "log_level", a->log_level, "--log-level" },
	};

	if (conf_load(a->config, out, err, sizeof(err)) != LC_EOK) {
		fprintf(stderr, "localcertd: bad configuration: %s\n", err);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(overrides) / sizeof(overrides[0]); i++) {
		if (overrides[i].value == NULL) {
			continue;
		}
		int ret = conf_set(*out, overrides[i].key, overrides[i].value, err, sizeof(err));
		if (ret != LC_EOK) {
			fprintf(stderr, "localcertd: %s: %s\n", overrides[i].flag,
				ret == LC_ENOMEM ? lc_strerror(ret) : err);
			conf_free(*out);
			*out = NULL;
			return EXIT_USAGE;
		}
	}
	return -1;
}

/*
 * The daemon holds API key hashes and session data in memory: a core file
 * would leak them, and so would ptrace by another process of the same user.
 */
static void disable_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	if (setrlimit(RLIMIT_CORE, &rl) != 0) {
		log_warn("setrlimit(RLIMIT_CORE): %s", strerror(errno));
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		log_warn("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
	}
}

/*
 * Blocks of 4 MiB and more come straight from mmap() and go back to the
 * kernel when freed. Argon2id takes 19 MiB per password check; with glibc's
 * default (a threshold that rises after the first such block is freed) each
 * connection thread's malloc arena kept its own 19 MiB afterwards, and the
 * resident size grew with the number of threads that had ever checked a
 * password (356 MiB after 40 parallel sign-ins, even with the 4-run cap of
 * ctl/users.c). A fixed threshold also stops the dynamic adjustment.
 *
 * That left the trim threshold at its 128 KiB start: the group-commit writer,
 * whose SQLite savepoints free a little more than that at the top of its
 * arena after every job, gave pages back with madvise() 800 times a second
 * under load, and each call flushed the TLB of every CPU the daemon ran on
 * (9 % of its CPU time at 10,000 updates/s). Free space at the top of an
 * arena is now kept up to the mmap threshold: below it, blocks are reused.
 */
#define MALLOC_MMAP_MIN (4 * 1024 * 1024)

static void set_malloc_thresholds(void)
{
	if (mallopt(M_MMAP_THRESHOLD, MALLOC_MMAP_MIN) != 1) {
		log_debug("mallopt(M_MMAP_THRESHOLD) refused; large blocks may stay resident");
	}
	if (mallopt(M_TRIM_THRESHOLD, MALLOC_MMAP_MIN) != 1) {
		log_debug("mallopt(M_TRIM_THRESHOLD) refused; freed memory goes back at once");
	}
}

/* Wait for signals until SIGTERM or SIGINT, polling for outside changes once a second. */
static void run_loop(const sigset_t *set)
{
	const struct timespec tick = { 1, 0 };

	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);
		if (sig < 0) {
			if (errno == EAGAIN) {
				/* Pick up changes localcertctl committed to the store. */
				int ret = ops_poll();
				if (ret != LC_EOK) {
					log_ratelimited(LOG_WARN, "polling the store for changes: %s",
							lc_strerror(ret));
				}
			}
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("%s received: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		}
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: reloading is not supported; restart to apply "
				 "config changes");
		}
	}
}

int main(int argc, char **argv)
{
	args_t args;
	conf_t *c = NULL;
	store_t *st = NULL;
	dns_server_t *dns = NULL;
	http_server_t *http = NULL;
	bool ops_up = false, rebuild_up = false;
	char err[512];
	sigset_t set;
	int status = EXIT_STARTUP;
	int ret;

	int rc = parse_args(argc, argv, &args);
	if (rc >= 0) {
		return rc;
	}
	rc = load_conf(&args, &c);
	if (rc >= 0) {
		return rc;
	}
	log_set_level(c->log_level);
	disable_core_dumps();
	set_malloc_thresholds();

	/*
	 * Block the signals we handle before any thread exists, so every thread
	 * inherits the mask and only sigtimedwait() below ever receives them.
	 * SIGPIPE stays blocked for good: a peer that closes early gives EPIPE.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	ret = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ret != 0) {
		log_err("cannot block signals: %s", strerror(ret));
		goto out;
	}
	sigdelset(&set, SIGPIPE);

	ret = store_open(c->data_dir, &st);
	if (ret != LC_EOK) {
		log_err("cannot open the store in %s: %s", c->data_dir, lc_strerror(ret));
		goto out;
	}
	/* The zone index comes first: ops publishes changes into it (ctl/ops.h). */
	ret = rebuild_init(c, st);
	if (ret == LC_EINVAL) {
		/* A static record the zone builder refused; it logged which one. */
		status = EXIT_USAGE;
		goto out;
	}
	if (ret != LC_EOK) {
		log_err("cannot build the DNS zones: %s", lc_strerror(ret));
		goto out;
	}
	rebuild_up = true;
	ret = ops_init(c, st);
	if (ret != LC_EOK) {
		log_err("cannot start the operations layer: %s", lc_strerror(ret));
		goto out;
	}
	ops_up = true;
	/* The console answers on the API's server for paths the API does not serve. */
	ret = web_init(c);
	if (ret != LC_EOK) {
		log_err("cannot start the web console: %s", lc_strerror(ret));
		goto out;
	}
	router_set_console(web_dispatch);
	err[0] = '\0';
	ret = dns_server_start(c, &dns, err, sizeof(err));
	if (ret != LC_EOK) {
		log_err("cannot start DNS on %s: %s", c->dns_listen, err[0] ? err : lc_strerror(ret));
		goto out;
	}
	err[0] = '\0';
	ret = http_server_start(c, st, &http, err, sizeof(err));
	if (ret != LC_EOK) {
		log_err("cannot start HTTP on %s: %s", c->http_listen,
			err[0] ? err : lc_strerror(ret));
		goto out;
	}
	log_info("localcertd ready: dns=%s http=%s data=%s subdomains=%zu", c->dns_listen,
		 c->http_listen, c->data_dir, rebuild_sub_count());

	run_loop(&set);
	status = EXIT_SUCCESS;
out:
	/* Reverse order of startup: stop taking requests first, then free what they used. */
	http_server_stop(http);
	router_set_console(NULL);
	web_cleanup();
	dns_server_stop(dns);
	if (ops_up) {
		ops_cleanup();
	}
	if (rebuild_up) {
		rebuild_cleanup();
	}
	store_free(st);
	if (status == EXIT_SUCCESS) {
		log_info("localcertd stopped");
	}
	conf_free(c);
	return status;
}
