// MIGRATE without sockets: argument parsing and key finding (commands/migrate.h), the judgement
// of the target's reply lines and the reply texts (cluster/migrate.h). Expected texts and key
// lists are redis-server 7.0.15's for the same command lines (MIGRATE and COMMAND GETKEYS).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cluster/migrate.h"
#include "commands/migrate.h"

using namespace slotcache;
using namespace slotcache::commands;
using cluster::MigrateIo;
using cluster::MigrateResult;

namespace {

using Args = std::vector<std::string_view>;

std::vector<std::string_view> keys_of(const Args& args) {
    std::vector<int> idx;
    std::vector<std::string_view> out;
    if (!migrate_get_keys(args, &idx)) return {"<invalid>"};
    for (int i : idx) out.push_back(args[static_cast<size_t>(i)]);
    return out;
}

MigrateResult judge(bool auth, std::string_view auth_line, bool select,
                    std::string_view select_line, std::vector<std::string> lines) {
    MigrateResult r;
    cluster::judge_replies(auth, auth_line, select, select_line, lines, &r);
    return r;
}

}  // namespace

TEST_CASE("migrate args: one key, defaults, COPY REPLACE AUTH AUTH2 in any order") {
    auto a = parse_migrate_args({"MIGRATE", "10.0.0.1", "7000", "k", "3", "500"});
    REQUIRE(a.ok());
    CHECK(a->host == "10.0.0.1");
    CHECK(a->port == "7000");
    CHECK(a->db == 3);
    CHECK(a->timeout_ms == 500);
    CHECK(a->first_key == 3);
    CHECK(a->num_keys == 1);
    CHECK_FALSE(a->copy);
    CHECK_FALSE(a->auth);

    a = parse_migrate_args(
        {"migrate", "h", "1", "k", "0", "0", "replace", "COPY", "AUTH", "pw"});
    REQUIRE(a.ok());
    CHECK(a->copy);
    CHECK(a->replace);
    CHECK(a->auth);
    CHECK_FALSE(a->has_username);
    CHECK(a->password == "pw");
    CHECK(a->timeout_ms == 1000);  // a timeout <= 0 means 1000 ms

    a = parse_migrate_args({"migrate", "h", "1", "k", "0", "-5", "auth2", "user", "pw"});
    REQUIRE(a.ok());
    CHECK(a->has_username);
    CHECK(a->username == "user");
    CHECK(a->password == "pw");
    CHECK(a->timeout_ms == 1000);
}

TEST_CASE("migrate args: KEYS takes every remaining argument and needs an empty key") {
    auto a = parse_migrate_args({"migrate", "h", "1", "", "0", "10", "copy", "keys", "a", "b",
                                 "copy"});
    REQUIRE(a.ok());
    CHECK(a->copy);
    CHECK(a->first_key == 8);
    CHECK(a->num_keys == 3);  // the last "copy" is a key
    a = parse_migrate_args({"migrate", "h", "1", "", "0", "10", "keys"});
    REQUIRE(a.ok());
    CHECK(a->num_keys == 0);
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "0", "10", "keys", "a"}).error() ==
          "ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
          "string");
}

TEST_CASE("migrate args: errors in Redis' order (options, then timeout and db)") {
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "x", "y", "foo"}).error() ==
          "ERR syntax error");
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "0", "1", "auth"}).error() ==
          "ERR syntax error");
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "0", "1", "auth2", "u"}).error() ==
          "ERR syntax error");
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "x", "1"}).error() ==
          "ERR value is not an integer or out of range");
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "0", "1.5"}).error() ==
          "ERR value is not an integer or out of range");
    // The KEYS error comes before the numbers are read.
    CHECK(parse_migrate_args({"migrate", "h", "1", "k", "x", "y", "keys", "a"}).error() ==
          "ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
          "string");
}

TEST_CASE("migrate keys (migrateGetKeys): the key, or the KEYS list past AUTH values") {
    CHECK(keys_of({"migrate", "h", "1", "k", "0", "10"}) == Args{"k"});
    CHECK(keys_of({"migrate", "h", "1", "k", "0", "10", "copy", "replace"}) == Args{"k"});
    CHECK(keys_of({"migrate", "h", "1", "", "0", "10", "keys", "a", "b"}) == Args{"a", "b"});
    // AUTH's password "keys" is skipped, so the KEYS token is the second one.
    CHECK(keys_of({"migrate", "h", "1", "", "0", "10", "auth", "keys", "keys", "x"}) ==
          Args{"x"});
    CHECK(keys_of({"migrate", "h", "1", "", "0", "10", "auth2", "keys", "keys", "keys", "y"}) ==
          Args{"y"});
    // A password that is not a keyword leaves the single-key form (Redis does the same).
    CHECK(keys_of({"migrate", "h", "1", "k", "1", "1000", "auth", "keys", "x"}) == Args{"k"});
    CHECK(keys_of({"migrate", "h", "1", "k", "0", "10", "keys", "x"}) == Args{"<invalid>"});
    CHECK(keys_of({"migrate", "h", "1", "", "0", "10", "keys"}) == Args{"<invalid>"});
}

TEST_CASE("migrate replies: every RESTORE acknowledged -> all keys, no error") {
    MigrateResult r = judge(false, "", true, "+OK", {"+OK", "+OK", "+OK"});
    CHECK(r.acked == std::vector<size_t>{0, 1, 2});
    CHECK_FALSE(r.target_failed);
    CHECK(cluster::migrate_error_text(r) == "");
}

TEST_CASE("migrate replies: a refused RESTORE keeps its key; the first error is reported") {
    MigrateResult r = judge(false, "", false, "",
                            {"+OK", "-BUSYKEY Target key name already exists.", "+OK",
                             "-ERR Bad data format"});
    CHECK(r.acked == std::vector<size_t>{0, 2});
    CHECK(r.target_failed);
    CHECK(cluster::migrate_error_text(r) ==
          "ERR Target instance replied with error: BUSYKEY Target key name already exists.");
}

TEST_CASE("migrate replies: a failed AUTH or SELECT acknowledges nothing and is the error") {
    MigrateResult r = judge(true, "-WRONGPASS invalid username-password pair", true, "+OK",
                            {"+OK", "+OK"});
    CHECK(r.acked.empty());
    CHECK(r.target_error == "WRONGPASS invalid username-password pair");
    r = judge(true, "+OK", true, "-ERR DB index is out of range", {"-NOAUTH x", "+OK"});
    CHECK(r.acked.empty());
    CHECK(r.target_error == "ERR DB index is out of range");
    // Not sent: a line is not looked at.
    r = judge(false, "-ERR stale", false, "-ERR stale", {"+OK"});
    CHECK(r.acked == std::vector<size_t>{0});
}

TEST_CASE("migrate replies: I/O errors keep what was acknowledged; target errors win") {
    MigrateResult r = judge(false, "", false, "", {"+OK"});
    r.io = MigrateIo::Read;
    CHECK(r.acked == std::vector<size_t>{0});
    CHECK(cluster::migrate_error_text(r) == "IOERR error or timeout reading to target instance");
    r.io = MigrateIo::Write;
    CHECK(cluster::migrate_error_text(r) == "IOERR error or timeout writing to target instance");
    r.io = MigrateIo::Resolve;
    CHECK(cluster::migrate_error_text(r) == "IOERR error or timeout connecting to the client");
    r = judge(false, "", false, "", {"-BUSYKEY x"});
    r.io = MigrateIo::Read;
    CHECK(cluster::migrate_error_text(r) == "ERR Target instance replied with error: BUSYKEY x");
}

TEST_CASE("migrate: commands are written as RESP arrays of bulk strings, binary-safe") {
    std::string out;
    std::string payload("\x00\xc0\x01\n\x00", 5);
    cluster::append_command(&out, {"RESTORE-ASKING", "k", "0", payload});
    CHECK(out == std::string("*4\r\n$14\r\nRESTORE-ASKING\r\n$1\r\nk\r\n$1\r\n0\r\n$5\r\n") +
                     payload + "\r\n");
    out.clear();
    cluster::append_command(&out, {"SELECT", ""});
    CHECK(out == "*2\r\n$6\r\nSELECT\r\n$0\r\n\r\n");
}
