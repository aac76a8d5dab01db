/* SPDX-License-Identifier: MIT */
/* test_util_validate.c -- label, name, challenge value and UUID rules; randomness */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "util/error.h"
#include "util/rand.h"
#include "util/validate.h"

int main(void)
{
	const char *good[] = { "a", "demo", "my-host", "a1", "0", "x-y-z",
			       "123e4567-e89b-42d3-a456-426614174000",
			       "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ok(validate_label(good[i]), "label ok: %s", good[i]);
	}
	const char *bad[] = { "", "-a", "a-", "a--b", "xn--bcher-kva", "Demo", "a.b", "a_b",
			      "a b", "ümlaut",
			      "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(!validate_label(bad[i]), "label rejected: \"%s\"", bad[i]);
	}
	ok(!validate_label(NULL), "NULL label");

	ok(validate_name("demo.localhostcert.test"), "name ok");
	ok(!validate_name("demo..test"), "empty label in name");
	ok(!validate_name("demo.test."), "trailing dot");
	ok(!validate_name(".demo"), "leading dot");
	char longname[300];
	memset(longname, 'a', 255);
	longname[255] = '\0';
	for (int i = 63; i < 255; i += 64) {
		longname[i] = '.';
	}
	is_int((int)strlen(longname), 255, "255-character name built");
	ok(!validate_name(longname), "name over 253 rejected");
	longname[253] = '\0';
	longname[252] = 'a';
	ok(validate_name(longname), "name of 253 accepted");

	ok(validate_txt("O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRhs"), "txt ok");
	ok(!validate_txt("O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRh"), "txt 42 chars");
	ok(!validate_txt("O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRhsA"), "txt 44 chars");
	ok(!validate_txt("O4ZS52dW2Q_+evk8hv1mBNHYmmszAejm65lDxrLJRhs"), "txt with +");
	ok(!validate_txt("O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRh="), "txt with =");
	ok(!validate_txt(""), "empty txt");
	ok(!validate_txt(NULL), "NULL txt");

	ok(validate_uuid("123e4567-e89b-42d3-a456-426614174000"), "uuid ok");
	ok(validate_uuid("123E4567-E89B-42D3-A456-426614174000"), "uuid upper ok");
	ok(!validate_uuid("123e4567e89b42d3a456426614174000"), "uuid without dashes");
	ok(!validate_uuid("123e4567-e89b-42d3-a456-42661417400g"), "uuid non-hex");
	ok(!validate_uuid("123e4567-e89b-42d3-a456-4266141740000"), "uuid too long");

	char s[] = "MiXeD-Case";
	is_str(validate_lower(s), "mixed-case", "lower");
	char canon[10];
	ok(validate_canonical_name("Demo.TEST.", canon, sizeof(canon)), "canonical name");
	is_str(canon, "demo.test", "lowercase, trailing dot removed");
	ok(!validate_canonical_name(".", canon, sizeof(canon)), "only a dot: empty");
	ok(!validate_canonical_name("", canon, sizeof(canon)), "empty");
	ok(!validate_canonical_name("demo.test1", canon, sizeof(canon)), "does not fit");
	ok(validate_canonical_name("abc..", canon, sizeof(canon)), "one dot removed only");
	is_str(canon, "abc.", "second dot kept (validate_name refuses it)");

	char u1[RAND_UUID_LEN + 1], u2[RAND_UUID_LEN + 1];
	is_int(rand_uuid4(u1), LC_EOK, "uuid4");
	rand_uuid4(u2);
	ok(validate_uuid(u1) && validate_label(u1), "uuid4 is a valid uuid and label: %s", u1);
	ok(u1[14] == '4', "version nibble");
	ok(strchr("89ab", u1[19]) != NULL, "variant nibble");
	ok(strcmp(u1, u2) != 0, "two uuids differ");
	uint8_t a[32], b[32];
	rand_bytes(a, sizeof(a));
	rand_bytes(b, sizeof(b));
	ok(memcmp(a, b, sizeof(a)) != 0, "random bytes differ");
	return tap_done();
}
