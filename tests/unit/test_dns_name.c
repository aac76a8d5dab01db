/* SPDX-License-Identifier: MIT */
/* test_dns_name.c -- names: text <-> wire, parsing from messages, compression pointers */
#include "dns/name.h"
#include "tap.h"

static void test_text(void)
{
	uint8_t w[NAME_MAX_WIRE];
	size_t l;
	char t[300];

	is_int(name_from_text("WWW.Example.TEST.", w, &l), LC_EOK, "absolute name parses");
	is_int(l, 18, "wire length of www.example.test");
	ok(memcmp(w, "\3www\7example\4test", 18) == 0, "lowercased wire form");
	is_int(name_to_text(w, t, sizeof(t)), LC_EOK, "back to text");
	is_str(t, "www.example.test", "text form without trailing dot");
	is_int(name_from_text(".", w, &l), LC_EOK, "root parses");
	is_int(l, 1, "root is one byte");
	is_int(name_from_text("a..b", w, &l), LC_EINVAL, "empty label refused");
	is_int(name_from_text("a b.test", w, &l), LC_EINVAL, "space refused");
	char longlab[80];
	memset(longlab, 'a', 64);
	strcpy(longlab + 64, ".test");
	is_int(name_from_text(longlab, w, &l), LC_ERANGE, "64-byte label refused");
	char longname[300];
	for (int i = 0; i < 64; i++) {
		memcpy(longname + i * 4, "abc.", 4);
	}
	longname[256] = '\0';
	is_int(name_from_text(longname, w, &l), LC_ERANGE, "name over 255 bytes refused");
	is_int(name_label_cnt((const uint8_t *)"\3www\7example\4test"), 3, "label count");
}

static void test_parse(void)
{
	dname_t d;
	const uint8_t q[] = "\3WwW\7exAmple\4test";
	wire_rd_t rd = wire_rd_init(q, sizeof(q));
	is_int(name_parse(&rd, &d), LC_EOK, "question name parses");
	is_int(d.labels, 3, "three labels");
	is_int(d.off[1], 4, "offset of second label");
	ok(memcmp(d.wire, "\3www\7example\4test", 18) == 0, "parsed name is lowercased");

	const uint8_t ptr[] = { 0xC0, 0x00 };
	rd = wire_rd_init(ptr, sizeof(ptr));
	is_int(name_parse(&rd, &d), LC_EMALF, "pointer refused in a question name");

	const uint8_t trunc[] = { 5, 'a', 'b' };
	rd = wire_rd_init(trunc, sizeof(trunc));
	is_int(name_parse(&rd, &d), LC_EMALF, "truncated label refused");

	const uint8_t ext[] = { 0x41, 0 };
	rd = wire_rd_init(ext, sizeof(ext));
	is_int(name_parse(&rd, &d), LC_EMALF, "extended label type refused");

	uint8_t big[300];
	for (int i = 0; i < 300; i++) {
		big[i] = (i % 2 == 0) ? 1 : 'a';
	}
	rd = wire_rd_init(big, sizeof(big));
	is_int(name_parse(&rd, &d), LC_EMALF, "unterminated or >255-byte name refused");
}

/* Every byte value at every position of a long label: only A-Z change (the 8-byte path and the tail). */
static void test_lowercase_all_bytes(void)
{
	uint8_t pkt[32];
	dname_t d;
	int bad = 0;
	for (int b = 0; b < 256; b++) {
		for (int pos = 0; pos < 20; pos++) {
			pkt[0] = 20;
			for (int i = 0; i < 20; i++) {
				pkt[1 + i] = (uint8_t)(i == pos ? b : 'A' + i);
			}
			pkt[21] = 0;
			wire_rd_t rd = wire_rd_init(pkt, 22);
			if (name_parse(&rd, &d) != LC_EOK) {
				bad++;
				continue;
			}
			for (int i = 0; i < 20; i++) {
				uint8_t c = pkt[1 + i];
				uint8_t want = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
				bad += d.wire[1 + i] != want;
			}
		}
	}
	is_int(bad, 0, "name_parse lowercases exactly A-Z for every byte value and position");
}

static void test_skip(void)
{
	/* "test" at 0, then "a" + pointer to 0 at 6, then a self-pointer at 10. */
	const uint8_t m[] = { 4, 't', 'e', 's', 't', 0, 1, 'a', 0xC0, 0x00, 0xC0, 0x0A };
	uint8_t out[NAME_MAX_WIRE];
	size_t l;
	wire_rd_t rd = wire_rd_init(m, sizeof(m));
	rd.pos = 6;
	is_int(name_read(&rd, out, &l), LC_EOK, "backward pointer followed");
	is_int(l, 8, "expanded length");
	is_int(rd.pos, 10, "cursor continues after the pointer");
	rd.pos = 10;
	is_int(name_skip(&rd), LC_EMALF, "self-pointer refused (no loops)");
	const uint8_t fwd[] = { 0xC0, 0x02, 0 };
	rd = wire_rd_init(fwd, sizeof(fwd));
	is_int(name_skip(&rd), LC_EMALF, "forward pointer refused");
}

static void test_under(void)
{
	dname_t d;
	uint8_t apex[NAME_MAX_WIRE];
	size_t al;
	unsigned depth = 99;
	name_from_text("localhostcert.test", apex, &al);
	const uint8_t q1[] = "\1x\3abc\15localhostcert\4test";
	dname_from_wire(q1, sizeof(q1), &d);
	ok(dname_under(&d, apex, al, 2, &depth), "name below apex");
	is_int(depth, 2, "depth counts labels left of apex");
	const uint8_t q2[] = "\3abc\16xlocalhostcert\4test";
	dname_from_wire(q2, sizeof(q2), &d);
	ok(!dname_under(&d, apex, al, 2, NULL), "label boundary respected");
}

int main(void)
{
	test_text();
	test_parse();
	test_skip();
	test_lowercase_all_bytes();
	test_under();
	return tap_done();
}
