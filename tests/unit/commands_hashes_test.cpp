// The hash family's data operations (src/commands/hashes.h) against a real keyspace::Db:
// creation and deletion of the key, the entry's recorded encoding, HINCRBY/HINCRBYFLOAT
// arithmetic and errors, WRONGTYPE, keyspace hit/miss counting. Expected values from
// redis-server 7.0.15.
#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/hashes.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::Encoding;
using keyspace::HashLimits;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Fixture {
    keyspace::Keyspace ks{1};
    server::Stats stats;
    HashLimits lim{.max_listpack_entries = 4, .max_listpack_value = 10};
    OpArgs op() { return OpArgs{ks.db(0), kNow, &stats}; }

    long long hset(std::string_view key, std::vector<std::string_view> pairs) {
        Result<long long> r = op_hset(op(), key, key_slot(key), pairs, lim);
        REQUIRE(r.ok());
        return *r;
    }
    const keyspace::Entry* entry(std::string_view key) { return ks.db(0).find(key, key_slot(key)); }
    std::string hget(std::string_view key, std::string_view field) {
        Result<const keyspace::Hash*> r = op_hash_read(op(), key, key_slot(key));
        REQUIRE(r.ok());
        std::string_view v;
        return *r != nullptr && (*r)->get(field, &v) ? std::string(v) : "<nil>";
    }
};

}  // namespace

TEST_CASE("hset: counts new fields, creates the key, records the conversion on the entry") {
    Fixture f;
    CHECK(f.hset("h", {"a", "1", "b", "2"}) == 2);
    CHECK(f.hset("h", {"a", "10", "c", "3"}) == 1);
    REQUIRE(f.entry("h") != nullptr);
    CHECK(f.entry("h")->type() == keyspace::Type::Hash);
    CHECK(f.entry("h")->encoding() == Encoding::ListPack);
    CHECK(f.hget("h", "a") == "10");
    CHECK(f.hset("h", {"d", "4", "e", "5"}) == 2);  // 5 > 4 entries
    CHECK(f.entry("h")->encoding() == Encoding::HashTable);

    // A long value anywhere in the command converts before the first pair is set.
    CHECK(f.hset("g", {"x", "1", "y", "01234567890"}) == 2);
    CHECK(f.entry("g")->encoding() == Encoding::HashTable);
}

TEST_CASE("hsetnx: sets only absent fields; a long value converts only when it is set") {
    Fixture f;
    auto nx = [&](std::string_view fld, std::string_view v) {
        Result<bool> r = op_hsetnx(f.op(), "h", key_slot("h"), fld, v, f.lim);
        REQUIRE(r.ok());
        return *r;
    };
    CHECK(nx("a", "1"));
    CHECK_FALSE(nx("a", "2"));
    CHECK(f.hget("h", "a") == "1");
    CHECK_FALSE(nx("a", "a-long-value-here"));
    CHECK(f.entry("h")->encoding() == Encoding::ListPack);
    CHECK(nx("b", "a-long-value-here"));
    CHECK(f.entry("h")->encoding() == Encoding::HashTable);
    CHECK(f.hget("h", "a") == "1");
}

TEST_CASE("hdel: removes fields and deletes the key with its last field") {
    Fixture f;
    f.hset("h", {"a", "1", "b", "2"});
    std::vector<std::string_view> fields{"a", "zz", "a"};
    CHECK(*op_hdel(f.op(), "h", key_slot("h"), fields) == 1);
    fields = {"b", "c"};
    CHECK(*op_hdel(f.op(), "h", key_slot("h"), fields) == 1);
    CHECK(f.entry("h") == nullptr);
    CHECK(*op_hdel(f.op(), "h", key_slot("h"), fields) == 0);
}

TEST_CASE("hincrby: arithmetic, missing field, non-integer value, overflow both ways") {
    Fixture f;
    auto incr = [&](std::string_view fld, long long by) {
        return op_hincrby(f.op(), "h", key_slot("h"), fld, by, f.lim);
    };
    CHECK(*incr("n", 5) == 5);
    CHECK(*incr("n", -7) == -2);
    f.hset("h",
           {"s", "abc", "big", "9223372036854775807", "low", "-9223372036854775808", "sp", " 1"});
    CHECK(incr("s", 1).err() == Err::NotInteger);
    CHECK(incr("sp", 1).err() == Err::NotInteger);
    CHECK(incr("big", 1).err() == Err::Overflow);
    CHECK(incr("low", -1).err() == Err::Overflow);
    CHECK(*incr("big", -1) == LLONG_MAX - 1);
    CHECK(f.entry("h")->encoding() == Encoding::HashTable);  // 6 fields > 4
}

TEST_CASE("hincrbyfloat: Redis' human form, not-a-float values, NaN/Inf results") {
    Fixture f;
    auto incr = [&](std::string_view fld, long double by) {
        return op_hincrbyfloat(f.op(), "h", key_slot("h"), fld, by, f.lim);
    };
    CHECK(*incr("x", 10.5L) == "10.5");
    CHECK(*incr("x", 0.1L) == "10.6");
    f.hset("h", {"e", "1.5e3", "s", "abc"});
    CHECK(*incr("e", 0) == "1500");
    CHECK(incr("s", 1).err() == Err::NotFloat);
    f.hset("h", {"m", "1e4932"});
    CHECK(incr("m", 1e4932L).err() == Err::NanOrInf);
}

TEST_CASE("hash ops: WRONGTYPE on a string key, hits and misses counted on reads only") {
    Fixture f;
    f.ks.db(0).set_string("s", key_slot("s"), "x", keyspace::kNoExpire, kNow);
    std::vector<std::string_view> pairs{"a", "1"};
    CHECK(op_hset(f.op(), "s", key_slot("s"), pairs, f.lim).err() == Err::WrongType);
    CHECK(op_hash_read(f.op(), "s", key_slot("s")).err() == Err::WrongType);
    CHECK(op_hincrby(f.op(), "s", key_slot("s"), "a", 1, f.lim).err() == Err::WrongType);
    CHECK(op_hdel(f.op(), "s", key_slot("s"), pairs).err() == Err::WrongType);
    f.stats.keyspace_hits = f.stats.keyspace_misses = 0;
    CHECK(*op_hash_read(f.op(), "nope", key_slot("nope")) == nullptr);
    f.hset("h", {"a", "1"});
    CHECK(*op_hash_read(f.op(), "h", key_slot("h")) != nullptr);
    CHECK(f.stats.keyspace_hits == 1);
    CHECK(f.stats.keyspace_misses == 1);
}
