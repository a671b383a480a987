// Eviction policies and Redis' eviction pool (evict.c evictionPoolPopulate), pure logic; the
// sampling loop that feeds it is in eviction.cpp. Loop thread only.
#include "keyspace/evict.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "common/strutil.h"
#include "keyspace/lfu.h"

namespace slotcache::keyspace {

namespace {

struct PolicyName {
    EvictionPolicy policy;
    std::string_view name;
};

constexpr PolicyName kPolicyNames[] = {
    {EvictionPolicy::NoEviction, "noeviction"},
    {EvictionPolicy::AllKeysLru, "allkeys-lru"},
    {EvictionPolicy::AllKeysLfu, "allkeys-lfu"},
    {EvictionPolicy::AllKeysRandom, "allkeys-random"},
    {EvictionPolicy::VolatileLru, "volatile-lru"},
    {EvictionPolicy::VolatileLfu, "volatile-lfu"},
    {EvictionPolicy::VolatileRandom, "volatile-random"},
    {EvictionPolicy::VolatileTtl, "volatile-ttl"},
};

}  // namespace

bool parse_eviction_policy(std::string_view s, EvictionPolicy* out) {
    for (const auto& p : kPolicyNames) {
        if (iequals(s, p.name)) {
            *out = p.policy;
            return true;
        }
    }
    return false;
}

std::string_view eviction_policy_name(EvictionPolicy p) {
    for (const auto& n : kPolicyNames) {
        if (n.policy == p) {
            return n.name;
        }
    }
    return "noeviction";
}

bool policy_is_volatile(EvictionPolicy p) {
    return p == EvictionPolicy::VolatileLru || p == EvictionPolicy::VolatileLfu ||
           p == EvictionPolicy::VolatileRandom || p == EvictionPolicy::VolatileTtl;
}

bool policy_is_lfu(EvictionPolicy p) {
    return p == EvictionPolicy::AllKeysLfu || p == EvictionPolicy::VolatileLfu;
}

bool policy_is_random(EvictionPolicy p) {
    return p == EvictionPolicy::AllKeysRandom || p == EvictionPolicy::VolatileRandom;
}

uint64_t eviction_score(EvictionPolicy p, uint32_t lru, int64_t expire_at, int64_t now_ms,
                        int lfu_decay_time) {
    switch (p) {
        case EvictionPolicy::AllKeysLru:
        case EvictionPolicy::VolatileLru:
            return lru_idle_ms(lru, lru_clock(now_ms));
        case EvictionPolicy::AllKeysLfu:
        case EvictionPolicy::VolatileLfu:
            return 255 - lfu_decayed_counter(lru, now_ms, lfu_decay_time);
        case EvictionPolicy::VolatileTtl:
            // Sooner expiry = better candidate.
            return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(expire_at);
        default:
            return 0;
    }
}

void EvictionPool::offer(uint64_t score, int db, std::string_view key) {
    // A key already pooled keeps one slot: drop the old one, then insert with the new score.
    for (size_t i = 0; i < size_; i++) {
        if (items_[i].db == db && items_[i].key == key) {
            for (size_t j = i; j + 1 < size_; j++) {
                std::swap(items_[j], items_[j + 1]);
            }
            size_--;
            break;
        }
    }
    // First position whose score is >= the new one (ascending order).
    size_t k = 0;
    while (k < size_ && items_[k].score < score) {
        k++;
    }
    if (k == 0 && size_ == kEvictionPoolSize) {
        return;  // worse than every pooled candidate
    }
    if (size_ < kEvictionPoolSize) {
        // Shift right to open position k (the spare item's buffer rotates into k).
        for (size_t j = size_; j > k; j--) {
            std::swap(items_[j], items_[j - 1]);
        }
        size_++;
    } else {
        // Full: drop the worst (index 0) by shifting left, insert at k - 1.
        k--;
        for (size_t j = 0; j < k; j++) {
            std::swap(items_[j], items_[j + 1]);
        }
    }
    items_[k].score = score;
    items_[k].db = db;
    items_[k].key.assign(key.data(), key.size());
}

bool EvictionPool::pop_best(Candidate* out) {
    if (size_ == 0) {
        return false;
    }
    Candidate& c = items_[--size_];
    out->score = c.score;
    out->db = c.db;
    out->key.swap(c.key);
    return true;
}

}  // namespace slotcache::keyspace
