// Memory per key, the product goal: 1,000,000 keys of 16 bytes ("key:000000123456") with
// 16-byte values must cost <= 0.9 x redis-server 7.0's used_memory per key (120.5 bytes measured
// on Debian 12's 7.0.15 with jemalloc-5.3.0 -> 108). Only meaningful with jemalloc: the
// sanitizer and libc builds skip it.
#include <doctest/doctest.h>

#include <cstdio>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "keyspace/memory.h"

using namespace slotcache::keyspace;

#ifdef SLOTCACHE_JEMALLOC
TEST_CASE("memory: 1M 16-byte keys with 16-byte values cost under 81 bytes each") {
    constexpr int kKeys = 1'000'000;
    register_thread();
    Keyspace ks;
    Db& db = ks.db(0);
    size_t before = used_memory();
    char key[24];
    char val[24];
    for (int i = 0; i < kKeys; i++) {
        std::snprintf(key, sizeof(key), "key:%012d", i);
        std::snprintf(val, sizeof(val), "val:%012d", i);
        std::string_view k(key, 16);
        db.set_string(k, slotcache::key_slot(k), std::string_view(val, 16), kNoExpire, 0);
    }
    ks.rehash_step(1'000'000);
    double per_key = static_cast<double>(used_memory() - before) / kKeys;
    MESSAGE("bytes per key: " << per_key);
    CHECK(db.size() == static_cast<size_t>(kKeys));
    CHECK(per_key < 81.0);  // 0.9 x the ~90 bytes the goal assumes; Redis 7.0 measured 120.5
    // A one-entry allocation: 32-byte header + 16 + 16 fills the 64-byte class exactly.
    Entry* e = db.find("key:000000000007", slotcache::key_slot("key:000000000007"));
    REQUIRE(e != nullptr);
    CHECK(alloc_usable_size(e) == 64);
    CHECK(e->encoding() == Encoding::EmbStr);
}
#endif
