// COMMAND INFO's key specs and tips (src/commands/command_specs.h): the generated table is
// attached to the registered commands, every command with keys has a spec, and the specs of
// the commands the old default got wrong are Redis 7.0.15's. The reply bytes are checked by
// tests/integration/server_test.cpp and, for every command, tests/interop/command_info_redis.py.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "commands/command_specs.h"
#include "server/command.h"

using namespace slotcache;
using server::KeySpec;

namespace {

const server::CommandTable& table() {
    static const server::CommandTable t = [] {
        server::CommandTable table;
        server::register_all_commands(table);
        return table;
    }();
    return t;
}

const server::CommandDef& cmd(std::string_view name) {
    const server::CommandDef* c = table().find(name);
    REQUIRE(c != nullptr);
    return *c;
}

}  // namespace

TEST_CASE("command specs: every command with keys has a key spec") {
    for (const auto& c : table().all()) {
        bool has_keys = c->first_key > 0 || (c->flags & server::kCmdMovableKeys) != 0;
        INFO(c->name);
        CHECK(has_keys == !c->key_specs.empty());
    }
}

TEST_CASE("command specs: LMOVE and BLMOVE have a source and a destination spec") {
    for (std::string_view name : {"lmove", "blmove", "rpoplpush", "brpoplpush"}) {
        INFO(name);
        const auto& specs = cmd(name).key_specs;
        REQUIRE(specs.size() == 2);
        CHECK(specs[0].flags == "RW access delete");
        CHECK(specs[0].begin == KeySpec::Begin::kIndex);
        CHECK(specs[0].index == 1);
        CHECK(specs[1].flags == "RW insert");
        CHECK(specs[1].index == 2);
        CHECK(specs[1].find == KeySpec::Find::kRange);
        CHECK(specs[1].range.lastkey == 0);
    }
}

TEST_CASE(
    "command specs: LMPOP/BLMPOP are keynum specs, BLPOP's range stops before the "
    "timeout") {
    const auto& lmpop = cmd("lmpop").key_specs;
    REQUIRE(lmpop.size() == 1);
    CHECK(lmpop[0].find == KeySpec::Find::kKeynum);
    CHECK(lmpop[0].keynum.keynumidx == 0);
    CHECK(lmpop[0].keynum.firstkey == 1);
    CHECK(cmd("blmpop").key_specs[0].index == 2);
    for (std::string_view name : {"blpop", "brpop", "bzpopmin", "bzpopmax"}) {
        INFO(name);
        const auto& specs = cmd(name).key_specs;
        REQUIRE(specs.size() == 1);
        CHECK(specs[0].flags == "RW access delete");
        CHECK(specs[0].range.lastkey == -2);
    }
}

TEST_CASE("command specs: MIGRATE's KEYS spec is a keyword search from the end") {
    const auto& specs = cmd("migrate").key_specs;
    REQUIRE(specs.size() == 2);
    CHECK(specs[1].begin == KeySpec::Begin::kKeyword);
    CHECK(specs[1].keyword == "KEYS");
    CHECK(specs[1].startfrom == -2);
    CHECK(specs[1].flags == "RW access delete incomplete");
}

TEST_CASE("command specs: tips for nondeterministic and cluster-wide commands") {
    CHECK(cmd("spop").tips.size() == 1);
    CHECK(cmd("spop").tips[0] == "nondeterministic_output");
    CHECK(cmd("smembers").tips[0] == "nondeterministic_output_order");
    CHECK(cmd("get").tips.empty());
    const auto& keys = cmd("keys").tips;
    REQUIRE(keys.size() == 2);
    CHECK(keys[0] == "request_policy:all_shards");
    CHECK(keys[1] == "nondeterministic_output_order");
    const server::CommandDef* config = table().find("config");
    REQUIRE(config != nullptr);
    bool found = false;
    for (const auto& sub : config->subcommands) {
        if (sub.name == "config|set") {
            found = true;
            REQUIRE(sub.tips.size() == 2);
            CHECK(sub.tips[0] == "request_policy:all_nodes");
        }
    }
    CHECK(found);
}

TEST_CASE("command specs: lookup misses unknown names and leaves the outputs untouched") {
    std::span<const KeySpec> specs;
    std::span<const std::string_view> tips;
    CHECK_FALSE(commands::find_command_specs("nosuchcmd", &specs, &tips));
    CHECK(specs.empty());
    CHECK(commands::find_command_specs("getex", &specs, &tips));
    REQUIRE(specs.size() == 1);
    CHECK(specs[0].flags == "RW access update");
    CHECK(specs[0].notes == "RW and UPDATE because it changes the TTL");
    CHECK(tips.empty());
}
