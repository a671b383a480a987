// Cache behaviour: lazy and active expiry, and maxmemory with allkeys-lru, volatile-ttl and
// noeviction. Sizes are measured, not assumed: the memory a key costs differs between servers,
// so each test loads a first batch, derives the cost per key, and sets maxmemory from that.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const std::string kValue(1000, 'v');

// SETs prefix:0 .. prefix:n-1 in pipelined batches; returns how many got +OK.
int load(Conn& c, const std::string& prefix, int n, Args options = {}) {
    int ok_count = 0;
    for (int start = 0; start < n; start += 500) {
        std::vector<Args> batch;
        for (int i = start; i < std::min(n, start + 500); i++) {
            Args a{"SET", prefix + ":" + std::to_string(i), kValue};
            a.insert(a.end(), options.begin(), options.end());
            batch.push_back(std::move(a));
        }
        for (const auto& r : c.pipeline(batch)) {
            ok_count += r == ok();
        }
    }
    return ok_count;
}

// How many of prefix:0 .. prefix:n-1 exist, checked without touching their LRU clock.
int surviving(Conn& c, const std::string& prefix, int n) {
    std::vector<Args> batch;
    for (int i = 0; i < n; i++) {
        batch.push_back({"EXISTS", prefix + ":" + std::to_string(i)});
    }
    int count = 0;
    for (const auto& r : c.pipeline(batch)) {
        count += static_cast<int>(r.integer);
    }
    return count;
}

long long used_memory(Conn& c) { return info_int(c, "memory", "used_memory"); }

}  // namespace

TEST_CASE("expiry: lazy expiry deletes an expired key when it is accessed") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == ok());
    c.cmd({"SET", "k", "v", "PX", "50"});
    c.cmd({"SET", "k2", "v", "PX", "50"});
    c.cmd({"SET", "keep", "v"});
    // A fixed pause is the point here: nothing may remove the keys while we wait.
    std::this_thread::sleep_for(200ms);
    CHECK(c.cmd({"DBSIZE"}) == integer(3));
    CHECK(info_int(c, "stats", "expired_keys") == 0);
    CHECK(c.cmd({"GET", "k"}) == nil());
    CHECK(c.cmd({"DBSIZE"}) == integer(2));
    CHECK(info_int(c, "stats", "expired_keys") == 1);
    CHECK(c.cmd({"KEYS", "*"}) == bulks({"keep"}));
    CHECK(c.cmd({"EXISTS", "k2"}) == integer(0));
    CHECK(c.cmd({"TTL", "k2"}) == integer(-2));
}

TEST_CASE("expiry: active expiry removes 1000 keys with 100 ms TTL without access") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(load(c, "temp", 1000, {"PX", "100"}) == 1000);
    CHECK(load(c, "keep", 10) == 10);
    CHECK(wait_until([&] { return c.cmd({"DBSIZE"}) == integer(10); }, 5000ms, 50ms));
    CHECK(info_int(c, "stats", "expired_keys") == 1000);
    auto ks = info(c, "keyspace");
    CHECK(ks["db0"].rfind("keys=10,expires=0,", 0) == 0);
}

TEST_CASE("expiry: a key set with EX 1 is gone after about a second") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v", "EX", "1"});
    CHECK(c.cmd({"GET", "k"}) == bulk("v"));
    long long t0 = now_ms();
    CHECK(wait_until([&] { return c.cmd({"GET", "k"}) == nil(); }, 3000ms));
    CHECK(now_ms() - t0 >= 800);
}

TEST_CASE("eviction: allkeys-lru keeps memory near maxmemory and evicts cold keys first") {
    ServerProcess s;
    Conn c = s.connect();
    long long base = used_memory(c);
    REQUIRE(load(c, "hot", 2000) == 2000);
    REQUIRE(load(c, "cold", 2000) == 2000);
    long long loaded = used_memory(c);
    long long per_key = (loaded - base) / 4000;
    REQUIRE(per_key >= 1000);
    long long maxmemory = loaded + per_key * 1000;
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-samples", "10"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory", std::to_string(maxmemory)}) == ok());
    // The LRU clock has a resolution of one second: let it tick before the hot keys are read.
    std::this_thread::sleep_for(1200ms);
    std::vector<Args> reads;
    for (int i = 0; i < 2000; i++) {
        reads.push_back({"GET", "hot:" + std::to_string(i)});
    }
    c.pipeline(reads);
    CHECK(load(c, "new", 3000) == 3000);
    long long used = used_memory(c);
    CHECK(used <= maxmemory + 256 * 1024);
    CHECK(used >= maxmemory / 2);
    CHECK(info_int(c, "stats", "evicted_keys") > 0);
    int hot = surviving(c, "hot", 2000);
    int cold = surviving(c, "cold", 2000);
    MESSAGE("hot survivors " << hot << ", cold survivors " << cold);
    CHECK(hot >= 1500);
    CHECK(cold < hot / 2);
}

TEST_CASE("eviction: volatile-ttl evicts the shortest TTLs, never keys without TTL") {
    ServerProcess s;
    Conn c = s.connect();
    long long base = used_memory(c);
    REQUIRE(load(c, "persist", 1000) == 1000);
    REQUIRE(load(c, "short", 1000, {"EX", "1000"}) == 1000);
    REQUIRE(load(c, "long", 1000, {"EX", "100000"}) == 1000);
    long long loaded = used_memory(c);
    long long per_key = (loaded - base) / 3000;
    long long maxmemory = loaded + per_key * 200;
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-policy", "volatile-ttl"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory", std::to_string(maxmemory)}) == ok());
    CHECK(load(c, "more", 1000) == 1000);
    CHECK(info_int(c, "stats", "evicted_keys") > 0);
    CHECK(surviving(c, "persist", 1000) == 1000);
    CHECK(surviving(c, "more", 1000) == 1000);
    int shorts = surviving(c, "short", 1000);
    int longs = surviving(c, "long", 1000);
    MESSAGE("short-TTL survivors " << shorts << ", long-TTL survivors " << longs);
    CHECK(longs >= 900);
    CHECK(shorts < 500);
}

TEST_CASE("eviction: noeviction refuses writes with OOM, reads and deletes still work") {
    ServerProcess s;
    Conn c = s.connect();
    REQUIRE(load(c, "k", 500) == 500);
    long long maxmemory = used_memory(c) + 200 * 1024;
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory", std::to_string(maxmemory)}) == ok());
    CHECK(info(c, "memory")["maxmemory_policy"] == "noeviction");
    Reply refused;
    for (int i = 0; i < 5000 && !refused.is_error(); i++) {
        Reply r = c.cmd({"SET", "extra:" + std::to_string(i), kValue});
        if (!(r == ok())) {
            refused = r;
        }
    }
    CHECK(refused == error("OOM command not allowed when used memory > 'maxmemory'."));
    CHECK(c.cmd({"GET", "k:1"}) == bulk(kValue));
    CHECK(c.cmd({"DEL", "k:1"}) == integer(1));
    CHECK(info_int(c, "stats", "evicted_keys") == 0);
    CHECK(surviving(c, "k", 500) == 499);
}
