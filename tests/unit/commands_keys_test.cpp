// The generic key family's data operations (src/commands/keys.h) against a real keyspace::Db:
// DEL/EXISTS counting, the EXPIRE family's conditions and past times, TTL replies, RENAME and
// COPY keeping the TTL, KEYS/SCAN filtering, OBJECT REFCOUNT; expected values from
// redis-server 7.0.15.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keys.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::kNoExpire;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;
using Args = std::vector<std::string_view>;

struct Fixture {
    keyspace::Keyspace ks{2};
    server::Stats stats;
    keyspace::Db& db = ks.db(0);
    OpArgs op(int64_t now = kNow) { return OpArgs{db, now, &stats}; }

    void set(std::string_view key, std::string_view value, int64_t expire_at = kNoExpire,
             keyspace::Db* in = nullptr) {
        (in ? *in : db).set_string(key, key_slot(key), value, expire_at, kNow);
    }
    const keyspace::Entry* find(std::string_view key, keyspace::Db* in = nullptr) {
        return (in ? *in : db).find(key, key_slot(key));
    }
    std::string value(std::string_view key, keyspace::Db* in = nullptr) {
        const keyspace::Entry* e = find(key, in);
        REQUIRE(e != nullptr);
        char buf[keyspace::kIntBufLen];
        return std::string(e->string_value(buf));
    }
    int64_t ttl_ms(std::string_view key, int64_t now = kNow) {
        return ttl_reply_value(op_expire_time(op(now), key, key_slot(key)), now, true, false);
    }
};

uint16_t slot(std::string_view k) { return key_slot(k); }

}  // namespace

TEST_CASE_FIXTURE(Fixture, "del: counts each deleted key once, skips missing and expired") {
    set("a", "1");
    set("b", "2");
    set("gone", "3", kNow - 1);
    CHECK(op_del(op(), Args{"del", "a", "a", "b", "zz", "gone"}, 1) == 2);
    CHECK(find("a") == nullptr);
    CHECK(find("gone") == nullptr);
    CHECK(stats.keyspace_hits + stats.keyspace_misses == 0);
}

TEST_CASE_FIXTURE(Fixture, "exists: counts duplicates, as reads") {
    set("a", "1");
    set("b", "2");
    CHECK(op_exists(op(), Args{"exists", "a", "a", "b", "c"}, 1) == 3);
    CHECK(stats.keyspace_hits == 3);
    CHECK(stats.keyspace_misses == 1);
}

TEST_CASE_FIXTURE(Fixture, "touch and type") {
    set("a", "1");
    CHECK(op_touch(op(), Args{"touch", "a", "b"}, 1) == 1);
    CHECK(op_type(op(), "a", slot("a")) == "string");
    CHECK(op_type(op(), "b", slot("b")) == "none");
}

TEST_CASE_FIXTURE(Fixture, "expire: sets the absolute time; missing key is not set") {
    set("k", "v");
    CHECK(op_expire(op(), "k", slot("k"), kNow + 5000, {}, true) == ExpireOutcome::Set);
    CHECK(find("k")->expire_at == kNow + 5000);
    CHECK(op_expire(op(), "nokey", slot("nokey"), kNow + 5000, {}, true) ==
          ExpireOutcome::NotSet);
}

TEST_CASE_FIXTURE(Fixture, "expire: a time not in the future deletes the key at once") {
    set("k", "v");
    CHECK(op_expire(op(), "k", slot("k"), kNow, {}, true) == ExpireOutcome::Deleted);
    CHECK(find("k") == nullptr);
    set("k", "v");
    CHECK(op_expire(op(), "k", slot("k"), LLONG_MIN + kNow, {}, true) == ExpireOutcome::Deleted);
}

TEST_CASE_FIXTURE(Fixture, "expire: on a replica a past time is stored and the key reads missing") {
    ks.set_expire_deletes(false);
    set("k", "v");
    CHECK(op_expire(op(), "k", slot("k"), -1, {}, false) == ExpireOutcome::Set);
    REQUIRE(find("k") != nullptr);
    CHECK(find("k")->expire_at == 0);  // not -1, which would read as "no TTL"
    CHECK(op_expire_time(op(), "k", slot("k")) == -2);
}

TEST_CASE_FIXTURE(Fixture, "expire GT/LT: a key without TTL is infinite") {
    set("k", "v");
    ExpireCondition gt{.gt = true};
    ExpireCondition lt{.lt = true};
    CHECK(op_expire(op(), "k", slot("k"), kNow + 100000, gt, true) == ExpireOutcome::NotSet);
    CHECK(find("k")->expire_at == kNoExpire);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 100000, lt, true) == ExpireOutcome::Set);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 200000, lt, true) == ExpireOutcome::NotSet);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 200000, gt, true) == ExpireOutcome::Set);
    CHECK(find("k")->expire_at == kNow + 200000);
}

TEST_CASE_FIXTURE(Fixture, "expire NX/XX: by presence of a TTL") {
    set("k", "v");
    ExpireCondition nx{.nx = true};
    ExpireCondition xx{.xx = true};
    CHECK(op_expire(op(), "k", slot("k"), kNow + 1000, xx, true) == ExpireOutcome::NotSet);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 1000, nx, true) == ExpireOutcome::Set);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 2000, nx, true) == ExpireOutcome::NotSet);
    CHECK(op_expire(op(), "k", slot("k"), kNow + 2000, xx, true) == ExpireOutcome::Set);
}

TEST_CASE_FIXTURE(Fixture, "ttl: -2 missing, -1 persistent, seconds rounded to nearest") {
    CHECK(op_expire_time(op(), "k", slot("k")) == -2);
    set("k", "v");
    CHECK(op_expire_time(op(), "k", slot("k")) == -1);
    CHECK(ttl_reply_value(-1, kNow, false, false) == -1);
    CHECK(ttl_reply_value(-2, kNow, true, true) == -2);
    CHECK(ttl_reply_value(kNow + 1499, kNow, false, false) == 1);
    CHECK(ttl_reply_value(kNow + 1500, kNow, false, false) == 2);
    CHECK(ttl_reply_value(kNow + 1500, kNow, true, false) == 1500);
    CHECK(ttl_reply_value(kNow + 1500, kNow, true, true) == kNow + 1500);
    CHECK(ttl_reply_value(kNow + 1500, kNow, false, true) == (kNow + 2000) / 1000);
    CHECK(ttl_reply_value(kNow, kNow + 10, true, false) == 0);
}

TEST_CASE_FIXTURE(Fixture, "ttl: an expired key reads -2") {
    set("k", "v", kNow + 10);
    CHECK(ttl_ms("k") == 10);
    CHECK(ttl_ms("k", kNow + 11) == -2);
}

TEST_CASE_FIXTURE(Fixture, "persist: removes a TTL once") {
    set("k", "v", kNow + 1000);
    CHECK(op_persist(op(), "k", slot("k")));
    CHECK_FALSE(op_persist(op(), "k", slot("k")));
    CHECK_FALSE(op_persist(op(), "nokey", slot("nokey")));
}

TEST_CASE_FIXTURE(Fixture, "rename: moves the value and keeps the TTL, replaces the target") {
    set("a", "1", kNow + 5000);
    set("b", "old");
    CHECK(*op_rename(op(), "a", "b", false) == RenameOutcome::Renamed);
    CHECK(find("a") == nullptr);
    CHECK(value("b") == "1");
    CHECK(find("b")->expire_at == kNow + 5000);
}

TEST_CASE_FIXTURE(Fixture, "rename: missing source, same key, renamenx onto an existing key") {
    CHECK(op_rename(op(), "nokey", "x", false).err() == Err::NoSuchKey);
    CHECK(op_rename(op(), "nokey", "nokey", true).err() == Err::NoSuchKey);
    set("a", "1");
    set("b", "2");
    CHECK(*op_rename(op(), "a", "a", false) == RenameOutcome::SameKey);
    CHECK(*op_rename(op(), "a", "b", true) == RenameOutcome::DestinationExists);
    CHECK(value("a") == "1");
    set("stale", "s", kNow - 1);
    CHECK(*op_rename(op(), "a", "stale", true) == RenameOutcome::Renamed);
    CHECK(value("stale") == "1");
}

TEST_CASE_FIXTURE(Fixture, "copy: value and TTL, REPLACE, across databases") {
    set("a", "1", kNow + 5000);
    CHECK(op_copy(op(), "a", db, "b", false));
    CHECK(value("b") == "1");
    CHECK(find("b")->expire_at == kNow + 5000);
    set("c", "x");
    CHECK_FALSE(op_copy(op(), "a", db, "c", false));
    CHECK(value("c") == "x");
    CHECK(op_copy(op(), "a", db, "c", true));
    CHECK(value("c") == "1");
    CHECK_FALSE(op_copy(op(), "nokey", db, "d", true));
    keyspace::Db& other = ks.db(1);
    CHECK(op_copy(op(), "a", other, "a", false));
    CHECK(value("a", &other) == "1");
    CHECK(value("a") == "1");
}

TEST_CASE_FIXTURE(Fixture, "keys: glob match, expired keys skipped") {
    set("apple", "1");
    set("apricot", "2");
    set("banana", "3");
    set("avocado", "4", kNow - 1);
    std::vector<std::string_view> out;
    op_keys(op(), "a*", &out);
    std::sort(out.begin(), out.end());
    CHECK(out == std::vector<std::string_view>{"apple", "apricot"});
    out.clear();
    op_keys(op(), "*", &out);
    CHECK(out.size() == 3);
}

TEST_CASE_FIXTURE(Fixture, "scan: a full iteration returns every live key once, with filters") {
    for (int i = 0; i < 300; i++) {
        set("key:" + std::to_string(i), "v");
    }
    set("other", "v");
    set("dead", "v", kNow - 1);
    ScanOptions all;
    std::vector<std::string> out;
    uint64_t cursor = 0;
    int pages = 0;
    do {
        cursor = op_scan(op(), cursor, all, &out);
        pages++;
    } while (cursor != 0 && pages < 10000);
    std::sort(out.begin(), out.end());
    CHECK(std::unique(out.begin(), out.end()) == out.end());
    CHECK(out.size() == 301);
    CHECK(find("dead") == nullptr);

    ScanOptions match{.pattern = "key:1?", .has_pattern = true, .count = 1000};
    out.clear();
    cursor = 0;
    do {
        cursor = op_scan(op(), cursor, match, &out);
    } while (cursor != 0);
    CHECK(out.size() == 10);

    ScanOptions type{.count = 1000, .type = "LIST", .has_type = true};
    out.clear();
    cursor = 0;
    do {
        cursor = op_scan(op(), cursor, type, &out);
    } while (cursor != 0);
    CHECK(out.empty());
}

TEST_CASE_FIXTURE(Fixture, "randomkey: nil on an empty db, a live key otherwise") {
    CHECK(op_randomkey(op()) == nullptr);
    set("only", "v");
    set("dead", "v", kNow - 1);
    for (int i = 0; i < 20; i++) {
        const keyspace::Entry* e = op_randomkey(op());
        REQUIRE(e != nullptr);
        CHECK(e->key() == "only");
    }
}

TEST_CASE_FIXTURE(Fixture, "object refcount: shared small integers unless an LRU/LFU maxmemory") {
    set("small", "5");
    set("big", "10000");
    set("str", "hello");
    using keyspace::EvictionPolicy;
    CHECK(object_refcount(find("small"), 0, EvictionPolicy::AllKeysLfu) == INT_MAX);
    CHECK(object_refcount(find("small"), 100, EvictionPolicy::AllKeysRandom) == INT_MAX);
    CHECK(object_refcount(find("small"), 100, EvictionPolicy::AllKeysLru) == 1);
    CHECK(object_refcount(find("big"), 0, EvictionPolicy::NoEviction) == 1);
    CHECK(object_refcount(find("str"), 0, EvictionPolicy::NoEviction) == 1);
    CHECK(op_object_lookup(op(), "nokey", slot("nokey")) == nullptr);
}
