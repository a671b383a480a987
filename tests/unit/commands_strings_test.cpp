// The string family's data operations (src/commands/strings.h) against a real keyspace::Db:
// each command's semantics, expiry arithmetic, limits and keyspace hit/miss counting, with
// expected values taken from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/strings.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::kKeepTtl;
using keyspace::kNoExpire;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Fixture {
    keyspace::Keyspace ks{2};
    server::Stats stats;
    OpArgs op(int64_t now = kNow) { return OpArgs{ks.db(0), now, &stats}; }

    // The value of key as GET sees it; "<nil>" when missing.
    std::string get(std::string_view key, int64_t now = kNow) {
        Result<const keyspace::Entry*> r = op_get(op(now), key, key_slot(key));
        REQUIRE(r.ok());
        if (*r == nullptr) {
            return "<nil>";
        }
        char buf[keyspace::kIntBufLen];
        return std::string((*r)->string_value(buf));
    }
    int64_t expire_of(std::string_view key) {
        const keyspace::Entry* e = ks.db(0).find(key, key_slot(key));
        REQUIRE(e != nullptr);
        return e->expire_at;
    }
    void set(std::string_view key, std::string_view value, int64_t expire_at = kNoExpire) {
        SetParams p{.value = value, .expire_at = expire_at};
        REQUIRE(op_set(op(), key, key_slot(key), p)->written);
    }
    void make_list(std::string_view key) {
        // A non-string key: an object-less entry is enough for type checks.
        struct Dummy : keyspace::Object {
            size_t memory_usage() const override { return 0; }
            std::unique_ptr<keyspace::Object> clone() const override {
                return std::make_unique<Dummy>();
            }
        };
        ks.db(0).add_object(key, key_slot(key), keyspace::Type::List,
                            keyspace::Encoding::QuickList, std::make_unique<Dummy>(), kNoExpire,
                            kNow);
    }
};

uint16_t slot(std::string_view k) { return key_slot(k); }

}  // namespace

TEST_CASE_FIXTURE(Fixture, "get: missing key is nil and counts a miss, present counts a hit") {
    CHECK(get("k") == "<nil>");
    CHECK(stats.keyspace_misses == 1);
    set("k", "v");
    CHECK(get("k") == "v");
    CHECK(stats.keyspace_hits == 1);
}

TEST_CASE_FIXTURE(Fixture, "get: another type is WRONGTYPE") {
    make_list("l");
    CHECK(op_get(op(), "l", slot("l")).err() == Err::WrongType);
}

TEST_CASE_FIXTURE(Fixture, "set: a plain SET drops the TTL, KEEPTTL keeps it") {
    set("k", "v", kNow + 5000);
    set("k", "v2");
    CHECK(expire_of("k") == kNoExpire);
    set("k", "v3", kNow + 5000);
    set("k", "v4", kKeepTtl);
    CHECK(expire_of("k") == kNow + 5000);
    CHECK(get("k") == "v4");
}

TEST_CASE_FIXTURE(Fixture, "set: KEEPTTL on a new key gives no TTL") {
    set("k", "v", kKeepTtl);
    CHECK(expire_of("k") == kNoExpire);
}

TEST_CASE_FIXTURE(Fixture, "set: NX writes only a missing key, XX only an existing one") {
    SetParams nx{.value = "a", .nx = true};
    CHECK(op_set(op(), "k", slot("k"), nx)->written);
    CHECK_FALSE(op_set(op(), "k", slot("k"), nx)->written);
    SetParams xx{.value = "b", .xx = true};
    CHECK(op_set(op(), "k", slot("k"), xx)->written);
    CHECK_FALSE(op_set(op(), "missing", slot("missing"), xx)->written);
    CHECK(get("k") == "b");
    CHECK(get("missing") == "<nil>");
}

TEST_CASE_FIXTURE(Fixture, "set: an expired key counts as missing for NX") {
    set("k", "old", kNow + 10);
    SetParams nx{.value = "new", .nx = true};
    CHECK(op_set(op(kNow + 11), "k", slot("k"), nx)->written);
    CHECK(get("k", kNow + 11) == "new");
}

TEST_CASE_FIXTURE(Fixture, "set GET: returns the old value even when NX refuses") {
    set("k", "old");
    SetParams p{.value = "new", .nx = true, .get = true};
    Result<SetOutcome> r = op_set(op(), "k", slot("k"), p);
    REQUIRE(r.ok());
    CHECK_FALSE(r->written);
    CHECK(r->had_old);
    CHECK(r->old == "old");
    CHECK(get("k") == "old");
}

TEST_CASE_FIXTURE(Fixture, "set GET: a non-string key is WRONGTYPE and is not overwritten") {
    make_list("l");
    SetParams p{.value = "x", .get = true};
    CHECK(op_set(op(), "l", slot("l"), p).err() == Err::WrongType);
    CHECK(op_get(op(), "l", slot("l")).err() == Err::WrongType);
}

TEST_CASE_FIXTURE(Fixture, "set: an integer value reads back as the same digits") {
    set("n", "-9223372036854775808");
    CHECK(get("n") == "-9223372036854775808");
}

TEST_CASE_FIXTURE(Fixture, "mset / msetnx: all or nothing for msetnx") {
    std::vector<std::string_view> kv{"mset", "a", "1", "b", "2"};
    CHECK(op_mset(op(), kv, false));
    CHECK(get("a") == "1");
    CHECK(get("b") == "2");
    std::vector<std::string_view> nx{"msetnx", "c", "3", "a", "9"};
    CHECK_FALSE(op_mset(op(), nx, true));
    CHECK(get("c") == "<nil>");
    CHECK(get("a") == "1");
    std::vector<std::string_view> dup{"msetnx", "d", "1", "d", "2"};
    CHECK(op_mset(op(), dup, true));
    CHECK(get("d") == "2");
}

TEST_CASE_FIXTURE(Fixture, "getdel: returns the value and deletes; nil when missing") {
    set("k", "v");
    Result<SetOutcome> r = op_getdel(op(), "k", slot("k"));
    CHECK(r->had_old);
    CHECK(r->old == "v");
    CHECK(get("k") == "<nil>");
    CHECK_FALSE(op_getdel(op(), "k", slot("k"))->had_old);
}

TEST_CASE_FIXTURE(Fixture, "getex: EX sets a relative TTL, PERSIST removes it") {
    set("k", "v");
    GetexOptions ex{.expire = ExpireKind::Ex, .expire_arg = "100"};
    Result<GetexOutcome> r = op_getex(op(), "k", slot("k"), ex, true);
    REQUIRE(r.ok());
    CHECK(r->value == "v");
    CHECK(r->effect == GetexEffect::Expire);
    CHECK(r->when == kNow + 100000);
    CHECK(expire_of("k") == kNow + 100000);
    GetexOptions persist{.expire = ExpireKind::Persist};
    CHECK(op_getex(op(), "k", slot("k"), persist, true)->effect == GetexEffect::Persist);
    CHECK(expire_of("k") == kNoExpire);
    CHECK(op_getex(op(), "k", slot("k"), persist, true)->effect == GetexEffect::None);
}

TEST_CASE_FIXTURE(Fixture, "getex: EXAT in the past deletes on a master, is stored on a replica") {
    set("k", "v");
    GetexOptions past{.expire = ExpireKind::ExAt, .expire_arg = "1"};
    Result<GetexOutcome> r = op_getex(op(), "k", slot("k"), past, true);
    CHECK(r->value == "v");
    CHECK(r->effect == GetexEffect::Delete);
    CHECK(ks.db(0).find("k", slot("k")) == nullptr);
    set("k", "v");
    CHECK(op_getex(op(), "k", slot("k"), past, false)->effect == GetexEffect::Expire);
    CHECK(expire_of("k") == 1000);
}

TEST_CASE_FIXTURE(Fixture, "getex: a bad time is reported only when the key exists") {
    GetexOptions zero{.expire = ExpireKind::Ex, .expire_arg = "0"};
    Result<GetexOutcome> missing = op_getex(op(), "k", slot("k"), zero, true);
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->found);
    set("k", "v");
    CHECK(op_getex(op(), "k", slot("k"), zero, true).err() == Err::Invalid);
    GetexOptions junk{.expire = ExpireKind::Px, .expire_arg = "x"};
    CHECK(op_getex(op(), "k", slot("k"), junk, true).err() == Err::NotInteger);
}

TEST_CASE_FIXTURE(Fixture, "append: creates, appends, keeps the TTL, enforces the limit") {
    CHECK(*op_append(op(), "k", slot("k"), "abc", 100) == 3);
    ks.db(0).set_expire(ks.db(0).find("k", slot("k")), kNow + 1000);
    CHECK(*op_append(op(), "k", slot("k"), "de", 100) == 5);
    CHECK(get("k") == "abcde");
    CHECK(expire_of("k") == kNow + 1000);
    CHECK(op_append(op(), "k", slot("k"), "xyz", 7).err() == Err::StringTooLong);
    CHECK(*op_append(op(), "k", slot("k"), "xy", 7) == 7);
    set("n", "12");
    CHECK(*op_append(op(), "n", slot("n"), "3", 100) == 3);
    CHECK(get("n") == "123");
}

TEST_CASE_FIXTURE(Fixture, "strlen: 0 when missing, digits of an integer") {
    CHECK(*op_strlen(op(), "k", slot("k")) == 0);
    set("k", "-123");
    CHECK(*op_strlen(op(), "k", slot("k")) == 4);
}

TEST_CASE_FIXTURE(Fixture, "incrby: starts at 0, keeps the TTL, rejects non-integers") {
    CHECK(*op_incrby(op(), "k", slot("k"), 5) == 5);
    ks.db(0).set_expire(ks.db(0).find("k", slot("k")), kNow + 1000);
    CHECK(*op_incrby(op(), "k", slot("k"), -7) == -2);
    CHECK(expire_of("k") == kNow + 1000);
    set("s", "hello");
    CHECK(op_incrby(op(), "s", slot("s"), 1).err() == Err::NotInteger);
    set("sp", " 1");
    CHECK(op_incrby(op(), "sp", slot("sp"), 1).err() == Err::NotInteger);
    make_list("l");
    CHECK(op_incrby(op(), "l", slot("l"), 1).err() == Err::WrongType);
}

TEST_CASE_FIXTURE(Fixture, "incrby: overflow in either direction is an error, value unchanged") {
    set("k", "1");
    CHECK(op_incrby(op(), "k", slot("k"), LLONG_MAX).err() == Err::Overflow);
    set("k", "-2");
    CHECK(op_incrby(op(), "k", slot("k"), LLONG_MIN + 1).err() == Err::Overflow);
    CHECK(get("k") == "-2");
    set("k", "9223372036854775806");
    CHECK(*op_incrby(op(), "k", slot("k"), 1) == LLONG_MAX);
}

TEST_CASE_FIXTURE(Fixture, "incrbyfloat: human-friendly results") {
    set("f", "10.50");
    CHECK(*op_incrbyfloat(op(), "f", slot("f"), "0") == "10.5");
    CHECK(*op_incrbyfloat(op(), "f", slot("f"), "5.0e3") == "5010.5");
    CHECK(*op_incrbyfloat(op(), "g", slot("g"), "5.0e3") == "5000");
    CHECK(*op_incrbyfloat(op(), "h", slot("h"), "0.1") == "0.1");
    CHECK(*op_incrbyfloat(op(), "h", slot("h"), "0.2") == "0.3");
    CHECK(*op_incrbyfloat(op(), "i", slot("i"), "1.23456789012345678901") ==
          "1.23456789012345679");
    CHECK(*op_incrbyfloat(op(), "j", slot("j"), "1e20") == "100000000000000000000");
    CHECK(get("f") == "5010.5");
}

TEST_CASE_FIXTURE(Fixture, "incrbyfloat: errors and TTL") {
    set("s", "hello");
    CHECK(op_incrbyfloat(op(), "s", slot("s"), "1").err() == Err::NotFloat);
    CHECK(op_incrbyfloat(op(), "k", slot("k"), "abc").err() == Err::NotFloat);
    CHECK(op_incrbyfloat(op(), "k", slot("k"), "inf").err() == Err::NanOrInf);
    CHECK(op_incrbyfloat(op(), "k", slot("k"), " 1").err() == Err::NotFloat);
    set("t", "1", kNow + 1000);
    CHECK(*op_incrbyfloat(op(), "t", slot("t"), "1.5") == "2.5");
    CHECK(expire_of("t") == kNow + 1000);
    make_list("l");
    CHECK(op_incrbyfloat(op(), "l", slot("l"), "abc").err() == Err::WrongType);
}

TEST_CASE("string range: negative indexes, clamping and empty ranges (Redis 7.0)") {
    size_t from = 0;
    size_t n = 0;
    REQUIRE(string_range(5, -3, -1, &from, &n));
    CHECK(from == 2);
    CHECK(n == 3);
    REQUIRE(string_range(5, 0, 100, &from, &n));
    CHECK(n == 5);
    REQUIRE(string_range(5, 0, -100, &from, &n));
    CHECK(from == 0);
    CHECK(n == 1);
    CHECK_FALSE(string_range(5, -100, -200, &from, &n));
    CHECK_FALSE(string_range(5, 3, 1, &from, &n));
    CHECK_FALSE(string_range(0, 0, -1, &from, &n));
    CHECK_FALSE(string_range(0, -1, 0, &from, &n));
    CHECK_FALSE(string_range(5, LLONG_MAX, LLONG_MAX, &from, &n));
    REQUIRE(string_range(5, LLONG_MIN, LLONG_MAX, &from, &n));
    CHECK(n == 5);
}

TEST_CASE_FIXTURE(Fixture, "getrange: substring of strings and integers, empty when missing") {
    char buf[keyspace::kIntBufLen];
    set("s", "hello");
    CHECK(*op_getrange(op(), "s", slot("s"), -3, -1, buf) == "llo");
    set("n", "12345");
    CHECK(*op_getrange(op(), "n", slot("n"), 1, 2, buf) == "23");
    CHECK(op_getrange(op(), "x", slot("x"), 0, 1, buf)->empty());
}

TEST_CASE_FIXTURE(Fixture, "setrange: zero padding, empty writes create nothing, limit") {
    CHECK(*op_setrange(op(), "k", slot("k"), 0, "", 100) == 0);
    CHECK(ks.db(0).find("k", slot("k")) == nullptr);
    CHECK(*op_setrange(op(), "k", slot("k"), 3, "ab", 100) == 5);
    CHECK(get("k") == std::string("\0\0\0ab", 5));
    CHECK(*op_setrange(op(), "k", slot("k"), 1, "", 100) == 5);
    CHECK(*op_setrange(op(), "k", slot("k"), 1, "X", 100) == 5);
    CHECK(get("k") == std::string("\0X\0ab", 5));
    CHECK(op_setrange(op(), "k", slot("k"), 99, "ab", 100).err() == Err::StringTooLong);
    CHECK(*op_setrange(op(), "k", slot("k"), 98, "ab", 100) == 100);
    CHECK(op_setrange(op(), "z", slot("z"), LLONG_MAX, "ab", LLONG_MAX).err() ==
          Err::StringTooLong);
    set("n", "12345");
    CHECK(*op_setrange(op(), "n", slot("n"), 0, "9", 100) == 5);
    CHECK(get("n") == "92345");
}
