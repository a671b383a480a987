// RESTORE's option parsing and data work (op_restore) without a server: the order of Redis
// 7.0's checks, TTL handling on a master and a replica, REPLACE, IDLETIME and FREQ, payloads
// from redis-server 7.0.15 (tests/unit/fixtures, made with its DUMP) and corrupt payloads.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "commands/persistence.h"
#include "common/crc16.h"
#include "common/crc64.h"
#include "keyspace/lfu.h"
#include "keyspace/keyspace.h"
#include "persistence/dump.h"

using namespace slotcache;
using namespace slotcache::commands;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::string fixture(const char* name) {
    std::ifstream f(std::string("tests/unit/fixtures/") + name, std::ios::binary);
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::string_view> argv(std::initializer_list<std::string_view> a) { return a; }

std::string value_of(keyspace::Db& db, std::string_view k) {
    keyspace::Entry* e = db.find(k, key_slot(k));
    REQUIRE(e != nullptr);
    char buf[keyspace::kIntBufLen];
    return std::string(e->string_value(buf));
}

RestoreResult restore(keyspace::Db& db, std::string_view key, std::string_view ttl,
                      std::string_view payload, RestoreOptions o = {}, bool may_expire = true) {
    return op_restore(OpArgs{db, kNow}, key, key_slot(key), ttl, payload, o, may_expire);
}

}  // namespace

TEST_CASE("restore options: REPLACE ABSTTL IDLETIME FREQ, and their errors") {
    auto p = parse_restore_options(argv({"restore", "k", "0", "x", "REPLACE", "absttl"}));
    REQUIRE(p.ok());
    CHECK(p->replace);
    CHECK(p->absttl);
    p = parse_restore_options(argv({"restore", "k", "0", "x", "IDLETIME", "10"}));
    REQUIRE(p.ok());
    CHECK(p->idle == 10);
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "foo"})).error() ==
          "ERR syntax error");
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "idletime"})).error() ==
          "ERR syntax error");
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "idletime", "-1"})).error() ==
          "ERR Invalid IDLETIME value, must be >= 0");
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "freq", "256"})).error() ==
          "ERR Invalid FREQ value, must be >= 0 and <= 255");
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "freq", "a"})).error() ==
          "ERR value is not an integer or out of range");
    CHECK(parse_restore_options(argv({"restore", "k", "0", "x", "freq", "1", "idletime", "1"}))
              .error() == "ERR syntax error");
}

TEST_CASE("restore: a Redis payload restores; an existing key is BUSYKEY unless REPLACE") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    std::string p = fixture("redis_dump_str.bin");
    RestoreResult r = restore(db, "k", "0", p);
    REQUIRE(r.outcome == RestoreOutcome::Restored);
    CHECK(value_of(db, "k") == "hello");
    CHECK_FALSE(db.find("k", key_slot("k"))->has_expire());
    r = restore(db, "k", "0", fixture("redis_dump_lzf.bin"));
    CHECK(r.error == "BUSYKEY Target key name already exists.");
    RestoreOptions o;
    o.replace = true;
    r = restore(db, "k", "0", fixture("redis_dump_int.bin"), o);
    REQUIRE(r.outcome == RestoreOutcome::Restored);
    CHECK(value_of(db, "k") == "100");
}

TEST_CASE("restore: checks run in Redis' order (busy key, TTL, checksum, body)") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    std::string good = fixture("redis_dump_str.bin");
    db.set_string("busy", key_slot("busy"), "x", keyspace::kNoExpire, kNow);
    CHECK(restore(db, "busy", "abc", "junk").error == "BUSYKEY Target key name already exists.");
    CHECK(restore(db, "k", "abc", "junk").error == "ERR value is not an integer or out of range");
    CHECK(restore(db, "k", "-1", "junk").error == "ERR Invalid TTL value, must be >= 0");
    CHECK(restore(db, "k", "0", "junk").error == "ERR DUMP payload version or checksum are wrong");
    std::string bad = good;
    bad[2] ^= 1;
    CHECK(restore(db, "k", "0", bad).error == "ERR DUMP payload version or checksum are wrong");
    // A well-formed payload whose body is not a value (a list of 0 elements, which Redis
    // refuses too).
    std::string empty_list("\x01\x00\x0a\x00", 4);
    uint64_t crc = crc64(0, empty_list.data(), empty_list.size());
    for (int i = 0; i < 8; i++) empty_list.push_back(static_cast<char>(crc >> (8 * i)));
    CHECK(restore(db, "k", "0", empty_list).error == "ERR Bad data format");
    CHECK(db.size() == 1);
}

TEST_CASE("restore: relative and absolute TTLs; a past TTL adds nothing on a master") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    std::string p = fixture("redis_dump_str.bin");
    RestoreResult r = restore(db, "rel", "5000", p);
    CHECK(r.expire_at == kNow + 5000);
    CHECK(db.find("rel", key_slot("rel"))->expire_at == kNow + 5000);
    RestoreOptions abs;
    abs.absttl = true;
    r = restore(db, "abs", std::to_string(kNow + 9000), p, abs);
    CHECK(db.find("abs", key_slot("abs"))->expire_at == kNow + 9000);

    r = restore(db, "past", std::to_string(kNow - 1), p, abs);
    CHECK(r.outcome == RestoreOutcome::ExpiredNothing);
    CHECK(db.find("past", key_slot("past")) == nullptr);
    RestoreOptions repl_abs = abs;
    repl_abs.replace = true;
    r = restore(db, "rel", std::to_string(kNow - 1), p, repl_abs);
    CHECK(r.outcome == RestoreOutcome::ExpiredReplaced);
    CHECK(db.find("rel", key_slot("rel")) == nullptr);
    // A replica keeps the key and waits for the master's DEL.
    r = restore(db, "past", std::to_string(kNow - 1), p, abs, false);
    CHECK(r.outcome == RestoreOutcome::Restored);
    CHECK(db.find("past", key_slot("past"))->expire_at == kNow - 1);
}

TEST_CASE("dump then restore round-trips a value through our own payload") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    std::string big(100000, 'a');
    db.set_string("src", key_slot("src"), big, keyspace::kNoExpire, kNow);
    std::string p;
    REQUIRE(persistence::dump_payload(db.find("src", key_slot("src")), true, &p));
    CHECK(p.size() < 2000);  // LZF
    REQUIRE(restore(db, "dst", "0", p).outcome == RestoreOutcome::Restored);
    CHECK(value_of(db, "dst") == big);
}

TEST_CASE("restore IDLETIME dates the last access back (LRU policies); FREQ is ignored there") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    std::string p = fixture("redis_dump_str.bin");
    RestoreOptions o;
    o.idle = 1000;
    REQUIRE(restore(db, "old", "0", p, o).outcome == RestoreOutcome::Restored);
    keyspace::Entry* e = db.find("old", key_slot("old"));
    REQUIRE(e != nullptr);
    CHECK(db.idle_ms(e, kNow) == 1000 * 1000);
    REQUIRE(restore(db, "new", "0", p).outcome == RestoreOutcome::Restored);
    CHECK(db.idle_ms(db.find("new", key_slot("new")), kNow) == 0);
    RestoreOptions f;
    f.freq = 200;
    REQUIRE(restore(db, "freq", "0", p, f).outcome == RestoreOutcome::Restored);
    CHECK(db.idle_ms(db.find("freq", key_slot("freq")), kNow) == 0);
    // Beyond the 24-bit clock's reach (194 days): half a wrap away, as Redis does.
    o.idle = 1LL << 40;
    REQUIRE(restore(db, "ancient", "0", p, o).outcome == RestoreOutcome::Restored);
    CHECK(db.idle_ms(db.find("ancient", key_slot("ancient")), kNow) ==
          (keyspace::kLruClockMax / 2 + 1) * 1000ULL);
}

TEST_CASE("restore FREQ sets the LFU counter (LFU policies); IDLETIME is ignored there") {
    keyspace::Keyspace ks;
    keyspace::EvictionConfig ec;
    ec.policy = keyspace::EvictionPolicy::AllKeysLfu;
    ks.set_eviction_config(ec);
    keyspace::Db& db = ks.db(0);
    std::string p = fixture("redis_dump_str.bin");
    RestoreOptions f;
    f.freq = 200;
    REQUIRE(restore(db, "hot", "0", p, f).outcome == RestoreOutcome::Restored);
    CHECK(db.lfu_frequency(db.find("hot", key_slot("hot")), kNow) == 200);
    RestoreOptions o;
    o.idle = 5000;
    REQUIRE(restore(db, "idle", "0", p, o).outcome == RestoreOutcome::Restored);
    CHECK(db.lfu_frequency(db.find("idle", key_slot("idle")), kNow) == keyspace::kLfuInitVal);
}

TEST_CASE("restore: Redis payloads of every string encoding restore to the same value") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    const struct {
        const char* file;
        std::string value;
    } cases[] = {
        {"redis_dump_raw.bin",
         "The quick brown fox jumps over the lazy dog; 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ "
         "!@#%^&*()_+=-"},
        {"redis_dump_neg.bin", "-12345"},
        {"redis_dump_i32.bin", "2000000000"},
        {"redis_dump_big64.bin", "9223372036854775807"},
        {"redis_dump_empty.bin", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.file);
        std::string p = fixture(c.file);
        REQUIRE(restore(db, c.file, "0", p).outcome == RestoreOutcome::Restored);
        CHECK(value_of(db, c.file) == c.value);
        // Our DUMP of the restored value is Redis' payload byte for byte.
        std::string again;
        REQUIRE(persistence::dump_payload(db.find(c.file, key_slot(c.file)), true, &again));
        CHECK(again == p);
    }
}

TEST_CASE("restore: a body that lies about its length is 'Bad data format', whatever the CRC") {
    keyspace::Keyspace ks;
    keyspace::Db& db = ks.db(0);
    // Type string, length 50, 3 bytes of data; version 10 and a correct CRC64.
    std::string body("\x00\x32" "abc", 5);
    std::string p = body + std::string("\x0a\x00", 2);
    uint64_t crc = crc64(0, p.data(), p.size());
    for (int i = 0; i < 8; i++) p += static_cast<char>(crc >> (8 * i));
    REQUIRE(persistence::verify_dump_payload(p));
    CHECK(restore(db, "k", "0", p).error == "ERR Bad data format");
    // An unknown type byte.
    std::string q = std::string("\x7f\x01x", 3) + std::string("\x0a\x00", 2);
    crc = crc64(0, q.data(), q.size());
    for (int i = 0; i < 8; i++) q += static_cast<char>(crc >> (8 * i));
    CHECK(restore(db, "k", "0", q).error == "ERR Bad data format");
    // Every truncation of a good payload fails one check or the other, never restores.
    std::string good = fixture("redis_dump_raw.bin");
    for (size_t n = 0; n < good.size(); n++) {
        CAPTURE(n);
        CHECK(restore(db, "t", "0", good.substr(0, n)).outcome == RestoreOutcome::Error);
    }
    CHECK(db.size() == 0);
}
