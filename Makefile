# Makefile -- non-recursive build for localcertd and localcertctl (GNU make).
#   make            build build/localcertd and build/localcertctl
#   make run        install build deps if missing, build, start localcertd on the embedded default
#   make check      install every dep if missing, build, run all tests (unit, e2e, ACME)
#   make demo       issue a real certificate from a local pebble CA through localcertd
#   make san        ASan+UBSan build in build-san/ (make check SAN=1 runs the suite against it)
#   make check-san  unit tests, fuzz corpora and e2e tests against the ASan+UBSan build
#   make tsan       ThreadSanitizer build in build-tsan/; make test-tsan runs the e2e tests on it

PKGS    := libmicrohttpd jansson liburcu liburcu-cds sqlite3 inih libcrypto libargon2
CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(CI),true)
WARN    += -Werror
endif
ifeq ($(FUZZ),1)
CC      := clang
BUILD   := build-fuzz
CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=fuzzer,address,undefined
else ifeq ($(SAN),1)
BUILD   := build-san
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(TSAN),1)
BUILD   := build-tsan
CFLAGS  := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 -pthread -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
LIBS       = $(PKG_LIBS) -pthread

# Sources, folder by folder (see docs/design.md for the layering).
SRC_UTIL  := $(wildcard src/util/*.c)
SRC_DNS   := $(wildcard src/dns/*.c)
SRC_ZONE  := $(wildcard src/zone/*.c)
SRC_NS    := $(wildcard src/ns/*.c)
SRC_NET   := $(wildcard src/net/*.c)
SRC_STORE := $(wildcard src/store/*.c)
SRC_CONF  := $(wildcard src/conf/*.c)
SRC_CTL   := $(wildcard src/ctl/*.c)
SRC_HTTP  := $(wildcard src/http/*.c)
SRC_WEB   := $(wildcard src/web/*.c)
LIB_SRC   := $(SRC_UTIL) $(SRC_DNS) $(SRC_ZONE) $(SRC_NS) $(SRC_NET) $(SRC_STORE) $(SRC_CONF) \
             $(SRC_CTL) $(SRC_HTTP) $(SRC_WEB)
# Data compiled into the binary by scripts/embed.sh (docs/console.md says why).
WEB_DATA  := $(sort $(wildcard src/web/templates/*.html)) $(wildcard src/web/assets/*)
GEN_OBJ   := $(BUILD)/gen/web_files.o $(BUILD)/gen/blocklist_files.o
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_OBJ)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60

.PHONY: all run check check-layers fuzz fuzz-check test test-unit test-e2e test-acme test-browser demo san deps deps-build test-e2e-san check-san tsan test-tsan timing clean
all: $(BUILD)/localcertd $(BUILD)/localcertctl

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/web_files.c: scripts/embed.sh $(WEB_DATA)
	@mkdir -p $(dir $@)
	sh scripts/embed.sh web_files $@ $(WEB_DATA)

$(BUILD)/gen/blocklist_files.c: scripts/embed.sh data/blocklist.txt
	@mkdir -p $(dir $@)
	sh scripts/embed.sh blocklist_files $@ data/blocklist.txt

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/liblocalcert.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/localcertd: $(BUILD)/src/main.o $(BUILD)/liblocalcert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/localcertctl: $(BUILD)/src/tools/localcertctl.o $(BUILD)/liblocalcert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/liblocalcert.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# libFuzzer drivers (clang); `make fuzz FUZZ_SECONDS=N` runs each for N seconds on its corpus.
$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/liblocalcert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The same drivers without libFuzzer, replaying the committed corpora (gcc + ASan/UBSan).
$(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/standalone.o $(BUILD)/liblocalcert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_TARGETS:%=build-fuzz/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			build-fuzz/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

fuzz-check:
	@$(MAKE) --no-print-directory SAN=1 $(FUZZ_TARGETS:%=build-san/fuzz/replay_%)
	@for t in $(FUZZ_TARGETS); do \
		ASAN_OPTIONS=detect_leaks=1 build-san/fuzz/replay_$$t fuzz/corpus/$$t || exit 1; \
	done

check-layers:
	@bash scripts/check-layers.sh

deps:
	@bash scripts/deps.sh test
deps-build:
	@bash scripts/deps.sh build

run: deps-build
	@$(MAKE) --no-print-directory all
	./$(BUILD)/localcertd

test-unit: all $(UNIT_BIN)
	prove -e '' $(UNIT_BIN)

test-e2e: all
	LOCALCERTD=$(abspath $(BUILD)/localcertd) LOCALCERTCTL=$(abspath $(BUILD)/localcertctl) \
		/usr/bin/python3 tests/e2e/run.py

test-acme: all
	LOCALCERTD=$(abspath $(BUILD)/localcertd) bash tests/acme/run-all.sh

# The e2e tests again on the ASan+UBSan build: the harness fails a test whose daemon log
# holds a sanitizer report or whose daemon does not exit 0 on SIGTERM (leaks included).
test-e2e-san:
	@$(MAKE) --no-print-directory SAN=1 all
	LOCALCERTD=$(abspath build-san/localcertd) LOCALCERTCTL=$(abspath build-san/localcertctl) \
		/usr/bin/python3 tests/e2e/run.py

check-san:
	@$(MAKE) --no-print-directory SAN=1 test-unit fuzz-check test-e2e

# ThreadSanitizer: DNS workers answering while the API and localcertctl write
# (test_concurrency.py), and the rest of the e2e suite. liburcu is not instrumented;
# tests/tsan/suppressions.txt (read by the harness) and docs/hardening.md say why.
tsan:
	@$(MAKE) --no-print-directory TSAN=1 all

test-tsan: tsan
	LOCALCERTD=$(abspath build-tsan/localcertd) LOCALCERTCTL=$(abspath build-tsan/localcertctl) \
		/usr/bin/python3 tests/e2e/run.py

# How long refused key checks take, unknown key id vs wrong secret (docs/hardening.md):
# a measurement to read, not part of make test. TIMING_N samples of each kind.
TIMING_N ?= 20000
$(BUILD)/timing/%: $(BUILD)/tests/timing/%.o $(BUILD)/liblocalcert.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lm

timing: all $(BUILD)/timing/auth_timing
	./$(BUILD)/timing/auth_timing $(TIMING_N)
	LOCALCERTD=$(abspath $(BUILD)/localcertd) /usr/bin/python3 tests/timing/http_auth_timing.py

# The console in headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core,
# installed from the lock file; screenshots go to tests/out/browser/.
test-browser: all
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	LOCALCERTD=$(abspath $(BUILD)/localcertd) LOCALCERTCTL=$(abspath $(BUILD)/localcertctl) \
		node --test --test-concurrency=1 tests/browser/console.test.mjs

test: check-layers test-unit fuzz-check test-e2e test-e2e-san test-acme test-browser

check: deps
	@$(MAKE) --no-print-directory test

demo: deps
	@$(MAKE) --no-print-directory all
	LOCALCERTD=$(abspath $(BUILD)/localcertd) bash scripts/demo.sh

san:
	@$(MAKE) --no-print-directory SAN=1 all

clean:
	rm -rf build build-san build-fuzz build-tsan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
