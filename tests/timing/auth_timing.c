/* SPDX-License-Identifier: MIT */
/* auth_timing.c -- how long a refused key check takes: unknown key id vs known id with a
 * wrong secret (docs/hardening.md). A measurement, not a test: `make timing` prints it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "store/store.h"
#include "util/cidr.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"

#define KNOWN 300 /* keys in the store */

/*
 * Samples of the two kinds are interleaved in a random order, so that drift
 * (CPU frequency, caches, other load) falls on both alike. Each sample is one
 * ops_check() call, the function the API's update and check handlers call:
 * the handoff to the writer thread, the key lookup, the hash compare.
 */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *sorted, size_t n, double p)
{
	return sorted[(size_t)(p * (double)(n - 1))];
}

/* Kolmogorov-Smirnov D between two sorted samples, and its asymptotic p-value. */
static double ks(const double *a, size_t na, const double *b, size_t nb, double *out_p)
{
	size_t i = 0, j = 0;
	double d = 0;
	while (i < na && j < nb) {
		double v = a[i] <= b[j] ? a[i] : b[j];
		while (i < na && a[i] <= v) {
			i++;
		}
		while (j < nb && b[j] <= v) {
			j++;
		}
		double diff = fabs((double)i / (double)na - (double)j / (double)nb);
		if (diff > d) {
			d = diff;
		}
	}
	double en = sqrt((double)na * (double)nb / (double)(na + nb));
	double lambda = (en + 0.12 + 0.11 / en) * d;
	double p = 0;
	for (int k = 1; k <= 100; k++) {
		p += 2 * ((k & 1) ? 1 : -1) * exp(-2 * lambda * lambda * k * k);
	}
	*out_p = p < 0 ? 0 : p > 1 ? 1 : p;
	return d;
}

static void summary(const char *what, double *v, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp);
	printf("%-28s n=%zu  p10 %.2f  median %.2f  mean %.2f  p90 %.2f  p99 %.2f  (us)\n", what, n,
	       pct(v, n, 0.10) / 1e3, pct(v, n, 0.50) / 1e3, sum / (double)n / 1e3,
	       pct(v, n, 0.90) / 1e3, pct(v, n, 0.99) / 1e3);
}

/* Trimmed mean of the middle 80%: robust against scheduler outliers. */
static double trimmed(const double *sorted, size_t n)
{
	size_t lo = n / 10, hi = n - n / 10;
	double s = 0;
	for (size_t i = lo; i < hi; i++) {
		s += sorted[i];
	}
	return s / (double)(hi - lo);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	char dir[] = "/tmp/lc-timing-XXXXXX";
	char err[256];
	conf_t *c = NULL;
	store_t *st = NULL;
	ops_creds_t creds;
	memset(&creds, 0, sizeof(creds));

	log_set_level(-1);
	if (mkdtemp(dir) == NULL || conf_load(NULL, &c, err, sizeof(err)) != LC_EOK ||
	    store_open(dir, &st) != LC_EOK || rebuild_init(c, st) != LC_EOK ||
	    ops_init(c, st) != LC_EOK) {
		fprintf(stderr, "setup failed\n");
		return 2;
	}
	/* A few hundred keys, so the lookups walk a real index. */
	static char known[KNOWN][RAND_UUID_LEN + 1];
	for (int i = 0; i < KNOWN; i++) {
		if (ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &creds) != LC_EOK) {
			fprintf(stderr, "register failed\n");
			return 2;
		}
		snprintf(known[i], sizeof(known[i]), "%s", creds.username);
		ops_creds_wipe(&creds);
	}
	cidr_t addr;
	cidr_parse_addr("192.0.2.1", &addr);
	const char *wrong = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

	double *unknown = calloc(n, sizeof(double));
	double *badsecret = calloc(n, sizeof(double));
	sub_rec_t s;
	/*
	 * Two designs. "same": one unknown id and one known id, each asked again
	 * and again, as an attacker testing whether a given id exists would (both
	 * stay hot in the caches). "fresh": a new random unknown id each time
	 * against a random one of the known ids.
	 */
	for (int design = 0; design < 2; design++) {
		size_t nu = 0, nb = 0;
		char fixed_unknown[RAND_UUID_LEN + 1];
		rand_uuid4(fixed_unknown);
		for (int i = 0; i < 2000; i++) { /* warm up both paths */
			ops_auth_t a = { .key_id = (i & 1) ? fixed_unknown : known[0], .secret = wrong,
					 .addr = &addr };
			ops_check(&a, &s);
		}
		while (nu < n || nb < n) {
			uint8_t coin[3];
			rand_bytes(coin, sizeof(coin));
			bool take_unknown = (nb >= n) || (nu < n && (coin[0] & 1));
			char id[RAND_UUID_LEN + 1];
			rand_uuid4(id); /* made in both cases, outside the timed call */
			const char *kid = known[0];
			if (design == 1) {
				kid = known[(coin[1] << 8 | coin[2]) % KNOWN];
			}
			const char *uid = design == 0 ? fixed_unknown : id;
			ops_auth_t a = { .key_id = take_unknown ? uid : kid, .secret = wrong,
					 .addr = &addr };
			double t0 = now_ns();
			int ret = ops_check(&a, &s);
			double t1 = now_ns();
			if (ret != LC_EAUTH) {
				fprintf(stderr, "unexpected result %d\n", ret);
				return 2;
			}
			if (take_unknown) {
				unknown[nu++] = t1 - t0;
			} else {
				badsecret[nb++] = t1 - t0;
			}
		}
		printf("design \"%s\":\n", design == 0 ? "same ids repeated" : "fresh ids");
		summary("  unknown key id", unknown, nu);
		summary("  known id, wrong secret", badsecret, nb);
		double p = 0;
		double d = ks(unknown, nu, badsecret, nb, &p);
		double tu = trimmed(unknown, nu), tb = trimmed(badsecret, nb);
		printf("  known - unknown: median %+.3f us, trimmed mean %+.3f us; KS D = %.4f "
		       "(p = %.3g)\n",
		       (pct(badsecret, nb, 0.5) - pct(unknown, nu, 0.5)) / 1e3, (tb - tu) / 1e3, d, p);
	}

	free(unknown);
	free(badsecret);
	ops_cleanup();
	rebuild_cleanup();
	store_free(st);
	conf_free(c);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
