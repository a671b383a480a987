// Keyspace expiry, replica mode, eviction (pure choice logic and the loop), LRU/LFU math and
// memory accounting.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "common/crc16.h"
#include "keyspace/evict.h"
#include "keyspace/keyspace.h"
#include "keyspace/lfu.h"
#include "keyspace/memory.h"

using namespace slotcache::keyspace;
using slotcache::key_slot;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

Entry* put(Db& db, std::string_view key, std::string_view value, int64_t expire = kNoExpire,
           int64_t now = kNow) {
    return db.set_string(key, key_slot(key), value, expire, now);
}

struct Recorder : KeyspaceObserver {
    std::vector<std::string> expired;
    std::vector<std::string> evicted;
    void on_expired(int db, std::string_view key) override {
        expired.push_back(std::to_string(db) + ":" + std::string(key));
    }
    void on_evicted(int db, std::string_view key) override {
        evicted.push_back(std::to_string(db) + ":" + std::string(key));
    }
};

}  // namespace

// ---- lazy and active expiry ------------------------------------------------------------------

TEST_CASE("expire: lookup deletes an expired key and notifies; a key at its exact ms lives") {
    Keyspace ks;
    Recorder rec;
    ks.set_observer(&rec);
    Db& db = ks.db(3);
    put(db, "k", "v", kNow + 100);
    CHECK(db.lookup("k", key_slot("k"), kNow + 100) != nullptr);  // Redis: expired when now > when
    CHECK(db.lookup("k", key_slot("k"), kNow + 101) == nullptr);
    CHECK(db.size() == 0);
    CHECK(db.volatile_count() == 0);
    REQUIRE(rec.expired.size() == 1);
    CHECK(rec.expired[0] == "3:k");
    CHECK(ks.stats().expired_keys == 1);
    ks.set_observer(nullptr);
}

TEST_CASE("expire: replica mode reports expired keys missing without deleting them") {
    Keyspace ks;
    Recorder rec;
    ks.set_observer(&rec);
    ks.set_expire_deletes(false);
    Db& db = ks.db(0);
    put(db, "k", "v", kNow + 1);
    CHECK(db.lookup("k", key_slot("k"), kNow + 10) == nullptr);
    CHECK(db.size() == 1);
    // The master's stream sees the key.
    CHECK(db.lookup("k", key_slot("k"), kNow + 10, kLookupNoExpire) != nullptr);
    CHECK(ks.active_expire_cycle(kNow + 10, 1000) == 0);
    CHECK(db.size() == 1);
    CHECK(rec.expired.empty());
    // A write on a replica over the stale key replaces it instead of duplicating it.
    put(db, "k", "new", kNoExpire, kNow + 10);
    CHECK(db.size() == 1);
    CHECK(db.lookup("k", key_slot("k"), kNow + 10) != nullptr);
    ks.set_observer(nullptr);
}

TEST_CASE("expire: set_expire and persist maintain the volatile vector") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* a = put(db, "a", "1");
    Entry* b = put(db, "b", "2");
    db.set_expire(a, kNow + 10);
    db.set_expire(b, kNow + 20);
    db.set_expire(a, kNow + 30);
    CHECK(db.volatile_count() == 2);
    CHECK(a->expire_at == kNow + 30);
    CHECK(db.persist(a));
    CHECK_FALSE(db.persist(a));
    CHECK(db.volatile_count() == 1);
    CHECK(db.volatile_entries()[0] == b);
    CHECK(b->volatile_idx == 0);
    db.set_expire(b, kNoExpire);
    CHECK(db.volatile_count() == 0);
}

TEST_CASE("expire: the active cycle removes expired keys and keeps live ones") {
    Keyspace ks;
    Recorder rec;
    ks.set_observer(&rec);
    for (int d = 0; d < 2; d++) {
        for (int i = 0; i < 1000; i++) {
            put(ks.db(d), "e" + std::to_string(i), "v", kNow + 10);
            put(ks.db(d), "l" + std::to_string(i), "v", kNow + 1'000'000);
            put(ks.db(d), "p" + std::to_string(i), "v");
        }
    }
    // A cycle stops once <= 10% of a sample is stale, so the last few need many cycles.
    size_t removed = 0;
    for (int round = 0; round < 20000 && removed < 2000; round++) {
        removed += ks.active_expire_cycle(kNow + 100, 100'000);
    }
    CHECK(removed == 2000);
    CHECK(rec.expired.size() == 2000);
    for (int d = 0; d < 2; d++) {
        CHECK(ks.db(d).size() == 2000);
        CHECK(ks.db(d).volatile_count() == 1000);
        CHECK(ks.db(d).avg_ttl() > 900'000);
        CHECK(ks.db(d).avg_ttl() <= 1'000'000);
    }
    CHECK(ks.stats().expired_keys == 2000);
    CHECK(ks.stats().expired_stale_perc > 0);
    ks.set_observer(nullptr);
}

TEST_CASE("expire: a cycle stops when less than 10% of a sample is stale") {
    Keyspace ks;
    Db& db = ks.db(0);
    // 1 expired key among 10000 volatile ones: one pass samples 20 keys and stops.
    put(db, "dead", "v", kNow - 1);
    for (int i = 0; i < 10000; i++) {
        put(db, "k" + std::to_string(i), "v", kNow + 60'000);
    }
    ks.active_expire_cycle(kNow, 1'000'000);
    CHECK(db.size() >= 10000);
    CHECK(ks.stats().expired_time_cap_reached_count == 0);
}

TEST_CASE("expire: random_live skips and deletes expired keys") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 50; i++) {
        put(db, "x" + std::to_string(i), "v", kNow + 1);
    }
    put(db, "live", "v");
    Entry* e = db.random_live(kNow + 5);
    REQUIRE(e != nullptr);
    CHECK(e->key() == "live");
    ks.set_expire_deletes(false);
    for (int i = 0; i < 50; i++) {
        put(db, "y" + std::to_string(i), "v", kNow + 1);
    }
    db.del("live", key_slot("live"));
    size_t before = db.size();
    // Replica, every key logically expired: returns one after bounded tries, deletes nothing.
    CHECK(db.random_live(kNow + 5) != nullptr);
    CHECK(db.size() == before);
    CHECK(Keyspace().db(0).random_live(kNow) == nullptr);
}

// ---- LRU / LFU math --------------------------------------------------------------------------

TEST_CASE("lru: the clock has seconds resolution, 24 bits, idle time survives a wrap") {
    CHECK(lru_clock(5'000) == 5);
    CHECK(lru_clock(5'999) == 5);
    CHECK(lru_clock(int64_t{1 << 24} * 1000 + 3000) == 3);
    CHECK(lru_idle_ms(10, 25) == 15'000);
    CHECK(lru_idle_ms(kLruClockMax - 1, 2) == 3'000);
    CHECK(lru_idle_ms(7, 7) == 0);
}

TEST_CASE("lfu: counter increments logarithmically and saturates at 255") {
    CHECK(lfu_log_incr(0, 10, 0.99) == 1);          // below LFU_INIT_VAL: p = 1
    CHECK(lfu_log_incr(5, 10, 0.99) == 6);          // baseval 0: p = 1
    CHECK(lfu_log_incr(6, 10, 0.05) == 7);          // p = 1/11
    CHECK(lfu_log_incr(6, 10, 0.10) == 6);
    CHECK(lfu_log_incr(105, 10, 1.0 / 1002) == 106);  // p = 1/1001
    CHECK(lfu_log_incr(105, 10, 1.0 / 1000) == 105);
    CHECK(lfu_log_incr(255, 0, 0.0) == 255);
    CHECK(lfu_log_incr(20, 0, 0.999) == 21);        // factor 0: always
}

TEST_CASE("lfu: counter decays by one per lfu-decay-time minutes, never below zero") {
    int64_t t0 = int64_t{100} * 60'000;
    uint32_t field = lfu_init(t0);
    CHECK((field & 0xFF) == kLfuInitVal);
    CHECK((field >> 8) == 100);
    CHECK(lfu_decayed_counter(field, t0 + 59'000, 1) == 5);
    CHECK(lfu_decayed_counter(field, t0 + 3 * 60'000, 1) == 2);
    CHECK(lfu_decayed_counter(field, t0 + 4 * 60'000, 2) == 3);
    CHECK(lfu_decayed_counter(field, t0 + 100 * 60'000, 1) == 0);
    CHECK(lfu_decayed_counter(field, t0 + 100 * 60'000, 0) == 5);  // decay disabled
    // 16-bit minutes wrap.
    uint32_t late = (65534u << 8) | 10;
    CHECK(lfu_time_elapsed(65534, int64_t{65536 + 2} * 60'000) == 3);
    CHECK(lfu_decayed_counter(late, int64_t{65536 + 2} * 60'000, 1) == 7);
    uint32_t touched = lfu_touch(field, t0 + 2 * 60'000, 10, 1, 0.0);
    CHECK((touched & 0xFF) == 4);  // decayed 5 -> 3, then +1
    CHECK((touched >> 8) == 102);
}

// ---- eviction choice --------------------------------------------------------------------------

TEST_CASE("evict: policy names round-trip and classify") {
    const char* names[] = {"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
                           "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"};
    for (const char* n : names) {
        EvictionPolicy p;
        REQUIRE(parse_eviction_policy(n, &p));
        CHECK(eviction_policy_name(p) == n);
    }
    EvictionPolicy p;
    CHECK(parse_eviction_policy("ALLKEYS-LRU", &p));
    CHECK(p == EvictionPolicy::AllKeysLru);
    CHECK_FALSE(parse_eviction_policy("allkeys", &p));
    CHECK(policy_is_volatile(EvictionPolicy::VolatileTtl));
    CHECK_FALSE(policy_is_volatile(EvictionPolicy::AllKeysLfu));
    CHECK(policy_is_lfu(EvictionPolicy::VolatileLfu));
    CHECK(policy_is_random(EvictionPolicy::AllKeysRandom));
}

TEST_CASE("evict: scores prefer the idlest, the least frequent, the soonest to expire") {
    int64_t now = kNow;
    uint32_t clock = lru_clock(now);
    CHECK(eviction_score(EvictionPolicy::AllKeysLru, clock - 100, kNoExpire, now, 1) >
          eviction_score(EvictionPolicy::AllKeysLru, clock - 5, kNoExpire, now, 1));
    uint32_t cold = (lfu_minutes(now) << 8) | 2;
    uint32_t hot = (lfu_minutes(now) << 8) | 200;
    CHECK(eviction_score(EvictionPolicy::AllKeysLfu, cold, kNoExpire, now, 1) == 253);
    CHECK(eviction_score(EvictionPolicy::VolatileLfu, hot, kNoExpire, now, 1) == 55);
    CHECK(eviction_score(EvictionPolicy::VolatileTtl, 0, now + 10, now, 1) >
          eviction_score(EvictionPolicy::VolatileTtl, 0, now + 5000, now, 1));
}

TEST_CASE("evict: the pool keeps the 16 best candidates and pops best first") {
    EvictionPool pool;
    for (int i = 0; i < 40; i++) {
        pool.offer(static_cast<uint64_t>((i * 7) % 40), 0, "k" + std::to_string((i * 7) % 40));
    }
    CHECK(pool.size() == kEvictionPoolSize);
    EvictionPool::Candidate c;
    std::vector<uint64_t> scores;
    while (pool.pop_best(&c)) {
        scores.push_back(c.score);
        CHECK(c.key == "k" + std::to_string(c.score));
    }
    REQUIRE(scores.size() == 16);
    CHECK(scores.front() == 39);
    CHECK(scores.back() == 24);
    // Re-offering a pooled key updates it instead of duplicating it.
    pool.offer(5, 1, "a");
    pool.offer(9, 1, "a");
    pool.offer(7, 2, "a");
    CHECK(pool.size() == 2);
    REQUIRE(pool.pop_best(&c));
    CHECK(c.score == 9);
    CHECK(c.db == 1);
}

// ---- eviction loop -----------------------------------------------------------------------------

namespace {

// A fake memory probe: "used" = number of keys in the keyspace, limit = maxmemory.
void use_key_count_probe(Keyspace& ks, uint64_t max_keys, EvictionPolicy p) {
    EvictionConfig cfg;
    cfg.maxmemory = max_keys;
    cfg.policy = p;
    cfg.samples = 10;
    ks.set_eviction_config(cfg);
    ks.set_memory_probe([&ks] { return ks.total_keys(); });
}

}  // namespace

TEST_CASE("evict: noeviction over the limit is OOM; under the limit nothing happens") {
    Keyspace ks;
    for (int i = 0; i < 10; i++) {
        put(ks.db(0), "k" + std::to_string(i), "v");
    }
    use_key_count_probe(ks, 20, EvictionPolicy::NoEviction);
    auto r = ks.evict_if_needed(kNow);
    REQUIRE(r.ok());
    CHECK(*r == 0);
    use_key_count_probe(ks, 5, EvictionPolicy::NoEviction);
    CHECK(ks.over_maxmemory());
    CHECK(ks.evict_if_needed(kNow).err() == slotcache::Err::Oom);
    CHECK(ks.total_keys() == 10);
}

TEST_CASE("evict: allkeys-lru evicts the idlest keys first") {
    Keyspace ks;
    Recorder rec;
    ks.set_observer(&rec);
    // 10 old keys (idle 1000 s) and 90 recent ones.
    for (int i = 0; i < 10; i++) {
        put(ks.db(0), "old" + std::to_string(i), "v", kNoExpire, kNow - 1'000'000);
    }
    for (int i = 0; i < 90; i++) {
        put(ks.db(1), "new" + std::to_string(i), "v");
    }
    use_key_count_probe(ks, 95, EvictionPolicy::AllKeysLru);
    auto r = ks.evict_if_needed(kNow);
    REQUIRE(r.ok());
    CHECK(*r == 5);
    CHECK(ks.stats().evicted_keys == 5);
    for (const auto& k : rec.evicted) {
        CHECK(k.substr(0, 5) == "0:old");
    }
    ks.set_observer(nullptr);
}

TEST_CASE("evict: allkeys-lfu evicts rarely used keys before frequently used ones") {
    Keyspace ks;
    EvictionConfig cfg;
    cfg.policy = EvictionPolicy::AllKeysLfu;
    ks.set_eviction_config(cfg);
    Db& db = ks.db(0);
    for (int i = 0; i < 50; i++) {
        put(db, "hot" + std::to_string(i), "v");
        put(db, "cold" + std::to_string(i), "v");
    }
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 50; i++) {
            db.lookup("hot" + std::to_string(i), key_slot("hot" + std::to_string(i)), kNow);
        }
    }
    CHECK(db.lfu_frequency(db.find("hot1", key_slot("hot1")), kNow) > kLfuInitVal);
    Recorder rec;
    ks.set_observer(&rec);
    use_key_count_probe(ks, 80, EvictionPolicy::AllKeysLfu);
    REQUIRE(ks.evict_if_needed(kNow).ok());
    CHECK(rec.evicted.size() == 20);
    for (const auto& k : rec.evicted) {
        CHECK(k.substr(0, 6) == "0:cold");
    }
    ks.set_observer(nullptr);
}

TEST_CASE("evict: volatile-ttl evicts the keys expiring soonest, never persistent ones") {
    Keyspace ks;
    Recorder rec;
    ks.set_observer(&rec);
    Db& db = ks.db(0);
    for (int i = 0; i < 30; i++) {
        put(db, "p" + std::to_string(i), "v");
        put(db, "t" + std::to_string(i), "v", kNow + 1000 * (i + 1));
    }
    use_key_count_probe(ks, 55, EvictionPolicy::VolatileTtl);
    REQUIRE(ks.evict_if_needed(kNow).ok());
    std::set<std::string> ev(rec.evicted.begin(), rec.evicted.end());
    CHECK(ev.size() == 5);
    // The sample is random, so the exact five are not guaranteed; the soonest mostly win.
    for (const auto& k : ev) {
        CHECK(k.substr(0, 3) == "0:t");
    }
    // volatile-*: with no volatile keys left, OOM.
    use_key_count_probe(ks, 10, EvictionPolicy::VolatileLru);
    CHECK(ks.evict_if_needed(kNow).err() == slotcache::Err::Oom);
    CHECK(db.volatile_count() == 0);
    CHECK(db.size() == 30);
    ks.set_observer(nullptr);
}

TEST_CASE("evict: random policies remove keys from the right population") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 20; i++) {
        put(db, "p" + std::to_string(i), "v");
        put(db, "t" + std::to_string(i), "v", kNow + 100000);
    }
    use_key_count_probe(ks, 30, EvictionPolicy::VolatileRandom);
    REQUIRE(ks.evict_if_needed(kNow).ok());
    CHECK(db.volatile_count() == 10);
    CHECK(db.size() == 30);
    use_key_count_probe(ks, 5, EvictionPolicy::AllKeysRandom);
    auto r = ks.evict_if_needed(kNow);
    REQUIRE(r.ok());
    CHECK(*r == 25);
    CHECK(db.size() == 5);
}

// ---- memory accounting -----------------------------------------------------------------------

TEST_CASE("memory: used_memory follows allocations; allocator stats are populated") {
    register_thread();
    size_t before = used_memory();
    std::vector<char*> blocks;
    for (int i = 0; i < 100; i++) {
        blocks.push_back(static_cast<char*>(std::malloc(10000)));
        blocks.back()[0] = 1;
    }
    size_t during = used_memory();
    for (char* b : blocks) {
        std::free(b);
    }
#ifdef SLOTCACHE_JEMALLOC
    CHECK(during >= before + 100 * 10000);
    CHECK(used_memory() < during);
    AllocatorStats s = allocator_stats();
    CHECK(s.available);
    CHECK(s.allocated > 0);
    CHECK(s.active >= s.allocated);
    CHECK(std::string(allocator_name()).substr(0, 8) == "jemalloc");
    CHECK(alloc_size_class(64) == 64);
    CHECK(alloc_size_class(65) == 80);
#else
    // ASan's allocator does not feed mallinfo2(): both read 0 there.
    CHECK(during >= before);
#endif
    update_peak();
    CHECK(used_memory_peak() + 4096 >= used_memory());
}
