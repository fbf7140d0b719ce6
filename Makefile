# ped — build, test, install. GNU make.
#
#   make              build bin/ped-* and build/libped.a
#   make test         all tests; last line "N passed, N failed"
#   make asan-test    the same tests against an ASan+UBSan build
#   make valgrind-test the bats tests with every tool under valgrind memcheck
#   make bench        benchmarks against reference tools
#   make fuzz         every libFuzzer target for FUZZ_SECONDS (60) each (clang)
#   make install      PREFIX=/usr/local (binaries, man pages, pipeline)
#   make deps         install missing Debian (and npm) packages

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BUILD	?= build
BIN	?= bin

CC	?= cc
OPT	?= -O2 -g
CFLAGS	?= $(OPT)
PED_CFLAGS = -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -MMD -MP

# A tool is a folder tools/NAME holding its main file NAME.c.
TOOLS	:= $(foreach d,$(wildcard tools/*),$(if $(wildcard $(d)/$(notdir $(d)).c),$(notdir $(d))))
PROGS	:= $(addprefix $(BIN)/ped-,$(TOOLS))
LIB	:= $(BUILD)/libped.a
LIB_SRC	:= $(wildcard common/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT	:= $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

# Plain "make" builds the tools, whatever an included file defines first
# (the .d file fuzz.mk includes once made itself the default).
.DEFAULT_GOAL := all

# A tool may add libraries in tools/NAME/tool.mk: NAME_LDLIBS = -lcurl
$(foreach t,$(TOOLS),$(eval $(t)_LDLIBS :=))
-include $(wildcard tools/*/tool.mk)
# Libraries the unit tests of common/ may need.
COMMON_LDLIBS ?= -lcsv

# libFuzzer targets (tests/fuzz/fuzz_NAME.c, settings in tests/fuzz/fuzz.mk).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzzreplay/%)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -std=c11 -g -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
	-D_DEFAULT_SOURCE -Icommon -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
$(foreach f,$(FUZZ_NAMES),$(eval $(f)_SRC :=)$(eval $(f)_LDLIBS :=))
include tests/fuzz/fuzz.mk

# Keep the unit tests' objects: they are intermediates of a pattern rule.
.SECONDARY:

.PHONY: all test unit asan-test valgrind-test bench install uninstall clean deps demo check-style fuzz fuzz-build
all: $(PROGS) $(LIB)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PED_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

define tool_rule
$(BIN)/ped-$(1): $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard tools/$(1)/*.c)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

$(BUILD)/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/unit.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(COMMON_LDLIBS)

unit: $(UNIT) $(FUZZ_REPLAY) $(BUILD)/faultshim.so

# LD_PRELOAD fault injection for tests/faults.bats (never sanitized: it
# replaces malloc, which ASan owns).
$(BUILD)/faultshim.so: tests/fault/faultshim.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -g -fPIC -shared -o $@ $< -ldl

# The fuzz targets built with the normal compiler and a replaying main().
define fuzz_replay_rule
$(BUILD)/fuzzreplay/$(1): $(BUILD)/tests/fuzz/$(1).o $(BUILD)/tests/fuzz/replay.o $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRC)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_replay_rule,$(f))))

# The same targets under clang's libFuzzer, built from source each time.
define fuzz_rule
build/fuzz/$(1): tests/fuzz/$(1).c $$($(1)_SRC) $(LIB_SRC)
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(f))))

fuzz-build: $(FUZZ_NAMES:%=build/fuzz/%)

# Runs each target for FUZZ_SECONDS on a copy of its seeds; a crash stops
# the run and is left in build/fuzz/NAME-crash-*: add it to
# tests/fuzz/regress/NAME/ once fixed.
fuzz: SHELL := /bin/bash
fuzz: fuzz-build
	@for f in $(FUZZ_NAMES); do \
	    n=$${f#fuzz_}; mkdir -p build/fuzz/corpus/$$n; \
	    [ ! -d tests/fuzz/corpus/$$n ] || cp -n tests/fuzz/corpus/$$n/* build/fuzz/corpus/$$n/ 2>/dev/null; \
	    echo "== $$f ($(FUZZ_SECONDS) s)"; \
	    build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -artifact_prefix=build/fuzz/$$f- build/fuzz/corpus/$$n 2>&1 | \
	        grep -E '^(stat::number_of_executed_units|Done|==[0-9]+==ERROR|SUMMARY)' ; \
	    [ $${PIPESTATUS[0]} -eq 0 ] || exit 1; \
	done

test: deps
	@$(MAKE) -s --no-print-directory all unit
	@PED_BIN=$(abspath $(BIN)) PED_UNIT=$(abspath $(BUILD)/unit) \
	    PED_FUZZREPLAY=$(abspath $(BUILD)/fuzzreplay) \
	    PED_FAULTSHIM=$(abspath $(BUILD)/faultshim.so) tests/run

asan-test: deps
	PED_ASAN=1 $(MAKE) BUILD=build/asan BIN=build/asan/bin \
	    OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' test

# The bats suite with every tool under valgrind's memcheck (slow: minutes).
valgrind-test: deps
	@$(MAKE) -s --no-print-directory all
	@tests/valgrind/run

bench: all
	@tests/bench/run

demo: deps
	@$(MAKE) -s --no-print-directory all
	@scripts/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	for t in $(TOOLS); do \
	    install -m 755 $(BIN)/ped-$$t $(DESTDIR)$(BINDIR)/ped-$$t && \
	    install -m 644 tools/$$t/ped-$$t.1 $(DESTDIR)$(MANDIR)/man1/; \
	done
	if [ -f scripts/pipeline.sh ]; then \
	    install -m 755 scripts/pipeline.sh $(DESTDIR)$(BINDIR)/ped-pipeline && \
	    install -m 644 scripts/ped-pipeline.1 $(DESTDIR)$(MANDIR)/man1/; \
	fi

uninstall:
	for t in $(TOOLS); do \
	    rm -f $(DESTDIR)$(BINDIR)/ped-$$t $(DESTDIR)$(MANDIR)/man1/ped-$$t.1; \
	done
	rm -f $(DESTDIR)$(BINDIR)/ped-pipeline $(DESTDIR)$(MANDIR)/man1/ped-pipeline.1

clean:
	rm -rf $(BUILD) $(BIN)

# Banned calls: no atoi, sprintf, strcpy, gets (see STYLE.md).
check-style:
	@! grep -nE '\<(atoi|atol|sprintf|vsprintf|strcpy|strcat|gets)\(' \
	    common/*.[ch] tools/*/*.[ch] tests/unit/*.c tests/fuzz/*.c tests/fault/*.c

deps:
	@scripts/deps.sh

-include $(LIB_OBJ:.o=.d) $(UNIT_SRC:%.c=$(BUILD)/%.d) $(FUZZ_SRC:%.c=$(BUILD)/%.d)
-include $(wildcard $(BUILD)/tools/*/*.d)
