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
	deadline_conn_t *cs = deadline_add(d, slow[0]);
	deadline_conn_t *ch = deadline_add(d, held[0]);
	deadline_conn_t *ck = deadline_add(d, kept[0]);
	ok(cs != NULL && ch != NULL && ck != NULL, "add three connections");
	ok(deadline_add(d, -1) == NULL, "no entry for a bad fd");

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
	return tap_done();
}
