// The server's pure pieces: the command table (lookup, subcommands, key positions, rename),
// the slowlog's recording rules and the ops/sec sampler.
#include <doctest/doctest.h>

#include "server/command.h"
#include "server/slowlog.h"
#include "server/stats.h"

using namespace slotcache::server;

namespace {

CommandTable full_table() {
    CommandTable t;
    register_all_commands(t);
    return t;
}

std::vector<int> keys_of(const CommandTable& t, std::vector<std::string_view> args) {
    const CommandDef* c = t.find(args[0]);
    REQUIRE(c != nullptr);
    c = t.resolve(c, args);
    REQUIRE(c != nullptr);
    std::vector<int> out;
    CHECK(CommandTable::get_keys(*c, args, &out));
    return out;
}

}  // namespace

TEST_CASE("command table: lookup is case-insensitive and unknown names miss") {
    CommandTable t = full_table();
    REQUIRE(t.find("GET") != nullptr);
    CHECK(t.find("get") == t.find("GeT"));
    CHECK(t.find("nosuchcommand") == nullptr);
    CHECK(t.find(std::string(100, 'x')) == nullptr);
}

TEST_CASE("command table: a container resolves its subcommand by name, nullptr when unknown") {
    CommandTable t = full_table();
    const CommandDef* config = t.find("config");
    REQUIRE(config != nullptr);
    const CommandDef* get = t.resolve(config, {"config", "GET", "maxmemory"});
    REQUIRE(get != nullptr);
    CHECK(get->name == "config|get");
    CHECK(t.resolve(config, {"config", "frobnicate"}) == nullptr);
    // A command without subcommands resolves to itself.
    const CommandDef* ping = t.find("ping");
    CHECK(t.resolve(ping, {"ping", "x"}) == ping);
}

TEST_CASE("command table: key positions follow first/last/step") {
    CommandTable t = full_table();
    CHECK(keys_of(t, {"get", "k"}) == std::vector<int>{1});
    CHECK(keys_of(t, {"mset", "a", "1", "b", "2"}) == std::vector<int>{1, 3});
    CHECK(keys_of(t, {"del", "a", "b", "c"}) == std::vector<int>{1, 2, 3});
    CHECK(keys_of(t, {"ping"}).empty());
}

TEST_CASE("command table: MSET with a dangling key has no valid key spec") {
    CommandTable t = full_table();
    std::vector<std::string_view> args = {"mset", "a", "1", "b"};
    std::vector<int> out;
    CHECK_FALSE(CommandTable::get_keys(*t.find("mset"), args, &out));
}

TEST_CASE("command table: rename-command renames, and an empty name removes") {
    CommandTable t = full_table();
    size_t n = t.size();
    CHECK(t.rename("FLUSHALL", "nuke-everything"));
    CHECK(t.find("flushall") == nullptr);
    REQUIRE(t.find("NUKE-EVERYTHING") != nullptr);
    CHECK(t.rename("debug", ""));
    CHECK(t.find("debug") == nullptr);
    CHECK(t.size() == n - 1);
    CHECK_FALSE(t.rename("nosuchcommand", "x"));
}

TEST_CASE("command table: every command has a handler or subcommands, and a sane arity") {
    CommandTable t = full_table();
    for (const auto& c : t.all()) {
        CAPTURE(c->name);
        bool runnable = c->handler != nullptr || !c->subcommands.empty();
        CHECK(runnable);
        CHECK(c->arity != 0);
        for (const auto& sub : c->subcommands) {
            CAPTURE(sub.name);
            bool has_handler = sub.handler != nullptr;
            CHECK(has_handler);
            CHECK(sub.name.rfind(c->name + "|", 0) == 0);
        }
    }
}

TEST_CASE("slowlog: records only commands at or over the threshold, newest first, bounded") {
    Slowlog log;
    std::vector<std::string_view> fast = {"get", "a"};
    std::vector<std::string_view> slow = {"debug", "sleep", "1"};
    log.maybe_add(fast, 5, 10, 3, "1.2.3.4:5", "", 100);
    CHECK(log.entries().empty());
    log.maybe_add(slow, 10, 10, 3, "1.2.3.4:5", "n", 101);
    REQUIRE(log.entries().size() == 1);
    CHECK(log.entries()[0].args[0] == "debug");
    CHECK(log.entries()[0].client_name == "n");
    for (int i = 0; i < 5; i++) log.maybe_add(slow, 50, 10, 3, "p", "", 102 + i);
    CHECK(log.entries().size() == 3);
    CHECK(log.entries()[0].id > log.entries()[1].id);
    log.maybe_add(slow, 1000000, -1, 3, "p", "", 200);  // negative threshold disables
    CHECK(log.entries()[0].time_sec != 200);
}

TEST_CASE("slowlog: long arguments and long argument lists are truncated as Redis does") {
    Slowlog log;
    std::string big(200, 'x');
    std::vector<std::string_view> args = {"set", "k", big};
    log.maybe_add(args, 100, 0, 10, "p", "", 1);
    CHECK(log.entries()[0].args[2] == std::string(128, 'x') + "... (72 more bytes)");

    std::vector<std::string> many_s(40, "a");
    std::vector<std::string_view> many(many_s.begin(), many_s.end());
    log.maybe_add(many, 100, 0, 10, "p", "", 2);
    const auto& e = log.entries()[0];
    REQUIRE(e.args.size() == 32);
    CHECK(e.args[31] == "... (9 more arguments)");
}

TEST_CASE("stats: instantaneous ops averages the per-100ms samples") {
    Stats s;
    s.sample_ops(1'000'000);
    s.commands_processed = 1000;
    s.sample_ops(1'100'000);  // 1000 ops in 100 ms = 10000/s
    CHECK(s.instantaneous_ops() == 10000 / Stats::kSamples);
    s.sample_ops(1'150'000);  // under 100 ms since the last sample: ignored
    CHECK(s.instantaneous_ops() == 10000 / Stats::kSamples);
}
