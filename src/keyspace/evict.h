// Eviction choice: the maxmemory policies and Redis' eviction pool, as pure logic.
//
// Approach (Redis evict.c): each round samples maxmemory-samples keys (from all keys or from the
// keys with a TTL), scores them, and merges them into a pool of the 16 best candidates kept
// across rounds; the best pooled key that still exists is evicted. Score: idle time in ms for
// LRU, 255 - decayed counter for LFU, (UINT64_MAX - expire_at) for volatile-ttl, so higher is
// always better to evict. The random policies bypass the pool.
//
// The pool holds copies of key names (not Entry pointers: entries are freed and reallocated
// between rounds); their buffers are reused so a steady state allocates nothing.
// The sampling and the deletions are Keyspace::evict's (keyspace.cpp). Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotcache::keyspace {

enum class EvictionPolicy : uint8_t {
    NoEviction,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
};

// redis.conf names: "noeviction", "allkeys-lru", ... Parsing is case-insensitive.
bool parse_eviction_policy(std::string_view s, EvictionPolicy* out);
std::string_view eviction_policy_name(EvictionPolicy p);
bool policy_is_volatile(EvictionPolicy p);
bool policy_is_lfu(EvictionPolicy p);
bool policy_is_random(EvictionPolicy p);

// The eviction score of one key (higher = evict first). `lru` is the entry's 24-bit field,
// read in LFU form for the LFU policies. Precondition: not NoEviction and not a random policy.
uint64_t eviction_score(EvictionPolicy p, uint32_t lru, int64_t expire_at, int64_t now_ms,
                        int lfu_decay_time);

constexpr size_t kEvictionPoolSize = 16;

class EvictionPool {
public:
    struct Candidate {
        uint64_t score = 0;
        int db = 0;
        std::string key;
    };

    // Offers a sampled key. Kept if the pool has room or it beats the worst pooled candidate;
    // a key already pooled (same db and name) is updated, not duplicated.
    void offer(uint64_t score, int db, std::string_view key);
    // Removes and returns the best candidate into *out; false when empty.
    bool pop_best(Candidate* out);
    size_t size() const { return size_; }
    void clear() { size_ = 0; }

private:
    // Ascending by score: items_[size_-1] is the best. Strings keep their capacity when
    // entries shift, so a warmed-up pool does not allocate.
    std::array<Candidate, kEvictionPoolSize> items_;
    size_t size_ = 0;
};

}  // namespace slotcache::keyspace
