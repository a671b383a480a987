# slotcache build.
#   make                    build src/slotcache-server (+ slotcache-cli, slotcache-benchmark symlinks)
#   make test               install missing deps, build, run every suite; last line "N passed, N failed"
#   make run                start a standalone server with conf/slotcache.conf
#   make cluster            build, then a local cluster: 3 masters + 3 replicas on 30001-30006
#   make cluster-stop       stop that cluster (utils/create-cluster/create-cluster clean: wipe it)
#   make fuzz               build the libFuzzer targets (clang) into build-fuzz/
#   make bench              side-by-side benchmark against Debian's redis-server (utils/bench)
#   make bench-types        the same for lists, sets, hashes, sorted sets (utils/bench/types)
#   make lint               include direction, no throw in src/, file sizes
#   make SANITIZE=address   (or undefined) instrumented build, in its own object directory
#   make MALLOC=libc        link without jemalloc
# Sources are found by wildcard: adding a .cpp under src/ or tests/ needs no edit here.

CXX      ?= g++
SANITIZE ?=
MALLOC   ?= jemalloc
OPT      ?= -O2

# Sanitizers replace malloc; jemalloc's size classes would then lie about the blocks we own.
ifneq ($(SANITIZE),)
override MALLOC := libc
endif

BUILD := build
ifneq ($(SANITIZE),)
BUILD := build-$(SANITIZE)
endif
ifeq ($(MALLOC),libc)
ifeq ($(SANITIZE),)
BUILD := $(BUILD)-libc
endif
endif

PKGS := libuv libxxhash
ifeq ($(MALLOC),jemalloc)
PKGS += jemalloc
endif

# -Wno-restrict: GCC 12 reports false positives inside std::string (GCC bug 105651).
WARN     := -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-restrict
CXXSTD   := -std=c++20
CPPFLAGS := -Isrc -MMD -MP
CXXFLAGS := $(CXXSTD) $(OPT) -g $(WARN) -fno-exceptions -pthread
LDLIBS    = $(shell pkg-config --libs $(PKGS)) -pthread -lm

ifeq ($(MALLOC),jemalloc)
CPPFLAGS += -DSLOTCACHE_JEMALLOC=1
endif
ifneq ($(SANITIZE),)
CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

SRC_ALL  := $(shell find src -name '*.cpp' | sort)
SRC_MAIN := src/main.cpp
SRC_LIB  := $(filter-out $(SRC_MAIN),$(SRC_ALL))
OBJ_LIB  := $(SRC_LIB:%.cpp=$(BUILD)/%.o)
OBJ_MAIN := $(SRC_MAIN:%.cpp=$(BUILD)/%.o)
LIB      := $(BUILD)/libslotcache.a

UNIT_SRC := $(sort $(wildcard tests/unit/*.cpp))
UNIT_OBJ := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/unit_tests

INTEG_SRC := $(sort $(wildcard tests/integration/*.cpp))
INTEG_OBJ := $(INTEG_SRC:%.cpp=$(BUILD)/%.o)
INTEG_BIN := $(BUILD)/integration_tests

CLUSTER_SRC := $(sort $(wildcard tests/cluster/*.cpp))
CLUSTER_OBJ := $(CLUSTER_SRC:%.cpp=$(BUILD)/%.o)
CLUSTER_BIN := $(BUILD)/cluster_tests
# Test support shared with the integration suite (process harness, raw sockets).
HARNESS_OBJ := $(BUILD)/tests/integration/harness.o $(BUILD)/tests/integration/harness_raw.o

SERVER := src/slotcache-server
LINKS  := src/slotcache-cli src/slotcache-benchmark

# Test code may use exceptions (doctest does); src/ may not.
TEST_CXXFLAGS := $(filter-out -fno-exceptions,$(CXXFLAGS)) -Itests

.PHONY: FORCE all deps test unit integration run cluster cluster-stop fuzz bench bench-types clean format \
        check-format lint

all: $(SERVER) $(LINKS)

deps:
	@sh deps/install.sh

# The binary is linked in the mode's directory and copied, so that switching SANITIZE relinks.
$(SERVER): $(BUILD)/slotcache-server FORCE
	@cmp -s $< $@ || (cp $< $@.tmp && mv -f $@.tmp $@)

FORCE:

$(BUILD)/slotcache-server: $(OBJ_MAIN) $(LIB) | deps
	$(CXX) $(LDFLAGS) -o $@ $(OBJ_MAIN) $(LIB) $(LDLIBS)

$(LINKS): | $(SERVER)
	@ln -sf slotcache-server $@

$(LIB): $(OBJ_LIB)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/src/%.o: src/%.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(TEST_CXXFLAGS) -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJ) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS)

# The integration suite shares the unit suite's doctest main.
$(INTEG_BIN): $(INTEG_OBJ) $(BUILD)/tests/unit/main.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(INTEG_OBJ) $(BUILD)/tests/unit/main.o $(LIB) $(LDLIBS) $(shell pkg-config --libs hiredis)

$(CLUSTER_BIN): $(CLUSTER_OBJ) $(HARNESS_OBJ) $(BUILD)/tests/unit/main.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(CLUSTER_OBJ) $(HARNESS_OBJ) $(BUILD)/tests/unit/main.o $(LIB) $(LDLIBS) $(shell pkg-config --libs hiredis)

unit: $(UNIT_BIN)
integration: $(INTEG_BIN) all

test: all $(UNIT_BIN) $(INTEG_BIN) $(if $(CLUSTER_SRC),$(CLUSTER_BIN))
	@BUILD=$(BUILD) sh tests/run-all

run: all
	./$(SERVER) conf/slotcache.conf

# The cluster's files (logs, nodes-*.conf, AOF) live in utils/create-cluster/; a second
# `make cluster` restarts the same cluster instead of creating a new one.
CLUSTER_ENV := PORT=30000 NODES=6 REPLICAS=1

cluster: all
	@$(CLUSTER_ENV) utils/create-cluster/create-cluster up

cluster-stop:
	@$(CLUSTER_ENV) utils/create-cluster/create-cluster stop

FUZZ_SRC  := $(sort $(wildcard tests/fuzz/*_fuzz.cpp))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.cpp=build-fuzz/%)
FUZZ_FLAGS := -std=c++20 -O1 -g -Isrc -fsanitize=fuzzer,address,undefined -DSLOTCACHE_FUZZ=1 -fno-exceptions
# Each target links only the modules it exercises (a parser should not drag in the server).
FUZZ_DIRS_resp_parser_fuzz := common resp
FUZZ_DIRS_bus_codec_fuzz := common cluster/bus_codec.cpp
FUZZ_DIRS_rdb_blobs_fuzz := persistence/rdb_blobs.cpp
FUZZ_DIRS_client_replies_fuzz := common cli/reply.cpp cli/cluster/nodes_text.cpp cluster/migrate.cpp
# Every rdb_*.cpp (reader, writer, io, blobs and one codec file per collection type).
FUZZ_DIRS_rdb_fuzz := common keyspace persistence/lzf.cpp persistence/dump.cpp \
    $(patsubst src/%,%,$(wildcard src/persistence/rdb_*.cpp))

fuzz:
	@SLOTCACHE_FUZZ=1 sh deps/install.sh
	@mkdir -p build-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

.SECONDEXPANSION:
# An entry is a folder of src/ (all its .cpp files) or one src/ file.
fuzz_srcs = $(foreach d,$(FUZZ_DIRS_$(1)),$(if $(filter %.cpp,$(d)),src/$(d),$(wildcard src/$(d)/*.cpp)))
build-fuzz/%: tests/fuzz/%.cpp $$(call fuzz_srcs,$$*)
	clang++ $(FUZZ_FLAGS) -o $@ $< $(call fuzz_srcs,$*) $(shell pkg-config --cflags --libs libxxhash) -pthread

bench: all
	sh utils/bench/run

bench-types: all
	sh utils/bench/types

format:
	clang-format -i $(SRC_ALL) $(shell find src -name '*.h') $(UNIT_SRC) $(INTEG_SRC)

check-format:
	clang-format --dry-run -Werror $(SRC_ALL) $(shell find src -name '*.h')

lint:
	@sh utils/lint

clean:
	rm -rf build build-* $(SERVER) $(LINKS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
