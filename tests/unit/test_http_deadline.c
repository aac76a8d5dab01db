/* SPDX-License-Identifier: MIT */
/* test_http_deadline.c -- the request watchdog cuts slow requests, spares held and restarted ones */
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/deadline.h"
#include "tap.h"

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* True when the peer of fd has been shut down: a read returns end of file at once. */
static bool is_cut(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	return poll(&p, 1, 0) == 1 && read(fd, &c, 1) == 0;
}

int main(void)
{
	int slow[2], held[2], kept[2];
	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, slow) == 0 &&
		   socketpair(AF_UNIX, SOCK_STREAM, 0, held) == 0 &&
		   socketpair(AF_UNIX, SOCK_STREAM, 0, kept) == 0,
	   "socket pairs");

	ok(deadline_new(0) == NULL, "a zero timeout is refused");
	deadline_t *d = deadline_new(300);
	ok(d != NULL, "new (300 ms)");
	deadline_conn_t *cs = deadline_add(d, slow[0], NULL);
	deadline_conn_t *ch = deadline_add(d, held[0], NULL);
	deadline_conn_t *ck = deadline_add(d, kept[0], NULL);
	ok(cs != NULL && ch != NULL && ck != NULL, "add three connections");
	ok(deadline_add(d, -1, NULL) == NULL, "no entry for a bad fd");

	sleep_ms(250);
	deadline_hold(ch);        /* its request is in: being handled */
	deadline_restart(ck);     /* its request is done; the next one is due at 550 ms */
	ok(!is_cut(slow[1]), "nothing cut before the deadline");
	sleep_ms(200);            /* 450 ms since add: 150 ms past the first deadline */
	ok(is_cut(slow[1]), "a request not in after the timeout is cut");
	ok(!is_cut(held[1]), "a request being handled is not cut");
	ok(!is_cut(kept[1]), "a restarted clock counts from the restart");
	sleep_ms(300);
	ok(is_cut(kept[1]), "... and cuts once the new deadline passes");
	ok(!is_cut(held[1]), "a held request stays");
	ok(deadline_cut_cnt(d) == 2, "two cuts counted");

	deadline_remove(d, cs);
	deadline_remove(d, ck);
	deadline_remove(d, NULL);
	deadline_restart(NULL);
	deadline_hold(NULL);
	deadline_free(d); /* frees the entry still registered (held) */
	deadline_free(NULL);
	for (int i = 0; i < 2; i++) {
		close(slow[i]);
		close(held[i]);
		close(kept[i]);
	}

	/* deadline_admit(): per network (IPv4 address, IPv6 /64) and room for newcomers. */
	d = deadline_new(60000);
	int p[6][2];
	cidr_t a4, b4, v6a, v6b;
	cidr_parse_addr("192.0.2.1", &a4);
	cidr_parse_addr("192.0.2.2", &b4);
	cidr_parse_addr("2001:db8:1:2::1", &v6a);
	cidr_parse_addr("2001:db8:1:2:ffff::9", &v6b); /* same /64 */
	deadline_conn_t *e[6];
	for (int i = 0; i < 6; i++) {
		ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p[i]) == 0, "pair %d", i);
	}
	e[0] = deadline_add(d, p[0][0], &v6a);
	is_int(deadline_admit(d, e[0], 4, 1), DEADLINE_ADMITTED, "first from a /64: admitted");
	e[1] = deadline_add(d, p[1][0], &v6b);
	is_int(deadline_admit(d, e[1], 4, 1), DEADLINE_REFUSED,
	       "another address of the same /64 over its limit: refused");
	ok(is_cut(p[1][1]) && !is_cut(p[0][1]), "the newcomer is shut down, not the first");
	deadline_remove(d, e[1]);
	e[1] = deadline_add(d, p[1][0], &a4);
	is_int(deadline_admit(d, e[1], 4, 1), DEADLINE_ADMITTED, "an IPv4 client: admitted");
	sleep_ms(5);
	e[2] = deadline_add(d, p[2][0], &b4);
	deadline_hold(e[0]); /* being answered: never evicted */
	is_int(deadline_admit(d, e[2], 2, 0), DEADLINE_EVICTED, "three open, two allowed: evict");
	ok(is_cut(p[1][1]), "the connection waiting longest (e1) was closed");
	ok(!is_cut(p[0][1]) && !is_cut(p[2][1]), "not the one being answered, not the newcomer");
	e[3] = deadline_add(d, p[3][0], &a4);
	is_int(deadline_admit(d, e[3], 3, 0), DEADLINE_ADMITTED,
	       "a closed-for-room connection no longer counts");
	deadline_hold(e[2]);
	deadline_hold(e[3]);
	e[4] = deadline_add(d, p[4][0], &b4);
	deadline_hold(e[4]);
	is_int(deadline_admit(d, e[4], 3, 0), DEADLINE_ADMITTED,
	       "all busy: nobody to evict, the library's limit decides");
	is_int(deadline_admit(NULL, NULL, 1, 1), DEADLINE_ADMITTED, "NULL is admitted");
	deadline_free(d);
	for (int i = 0; i < 6; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	return tap_done();
}
