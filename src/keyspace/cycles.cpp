// The Keyspace's periodic work: Redis' slow active-expire cycle, the cron's incremental rehash,
// and maxmemory eviction (sampling into the eviction pool of evict.h).
//
// Expiry samples the volatile vector directly (random indexes), so a sample costs O(1) per key
// whatever the table sizes; Redis walks dict buckets instead. Eviction: random policies delete
// one random key of the next Db in turn; the others sample maxmemory-samples keys per Db into
// the pool and evict the best pooled key that still exists. Loop thread only.
#include <algorithm>

#include "common/clock.h"
#include "common/crc16.h"
#include "common/random.h"
#include "keyspace/keyspace.h"
#include "keyspace/memory.h"

namespace slotcache::keyspace {

namespace {

constexpr size_t kExpireSamplesPerLoop = 20;     // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
constexpr size_t kExpireAcceptableStalePct = 10;  // ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE
constexpr int kEvictRoundsMax = 16;  // pool refills per evicted key before giving up
constexpr int64_t kEvictTimeLimitUs = 500;  // per call, Redis' default eviction time limit

}  // namespace

size_t Keyspace::active_expire_cycle(int64_t now_ms, int64_t time_budget_us) {
    if (!expire_deletes_ || dbs_.empty()) {
        return 0;  // replicas wait for the master's DEL
    }
    int64_t start = monotonic_us();
    size_t expired_total = 0;
    size_t sampled_total = 0;
    size_t iteration = 0;
    bool time_out = false;
    int n = db_count();
    for (int j = 0; j < n && !time_out; j++) {
        Db& d = db(expire_next_db_ % n);
        expire_next_db_ = (expire_next_db_ + 1) % n;
        size_t sampled = 0;
        size_t expired = 0;
        do {
            const auto& vec = d.volatile_entries();
            if (vec.empty()) {
                break;
            }
            iteration++;
            sampled = 0;
            expired = 0;
            long long ttl_sum = 0;
            long long ttl_samples = 0;
            size_t num = std::min(kExpireSamplesPerLoop, vec.size());
            for (size_t i = 0; i < num && !vec.empty(); i++) {
                Entry* e = vec[random_below(vec.size())];
                sampled++;
                if (Db::is_expired(e, now_ms)) {
                    d.remove_expired(e);
                    expired++;
                } else {
                    ttl_sum += e->expire_at - now_ms;
                    ttl_samples++;
                }
            }
            expired_total += expired;
            sampled_total += sampled;
            if (ttl_samples > 0) {
                d.note_ttl_sample(ttl_sum / ttl_samples);
            }
            if ((iteration & 0xf) == 0 && monotonic_us() - start > time_budget_us) {
                time_out = true;
                stats_.expired_time_cap_reached_count++;
                break;
            }
        } while (sampled > 0 && expired * 100 / sampled > kExpireAcceptableStalePct);
    }
    int64_t elapsed = monotonic_us() - start;
    stats_.expire_cycle_cpu_milliseconds += static_cast<uint64_t>(elapsed / 1000);
    double current = sampled_total > 0 ? static_cast<double>(expired_total) / sampled_total : 0;
    stats_.expired_stale_perc = current * 0.05 + stats_.expired_stale_perc * 0.95;
    return expired_total;
}

void Keyspace::rehash_step(int64_t budget_us) {
    int64_t start = monotonic_us();
    int n = db_count();
    for (int j = 0; j < n; j++) {
        int64_t left = budget_us - (monotonic_us() - start);
        if (left <= 0) {
            return;
        }
        Db& d = db(rehash_next_db_);
        if (d.rehash_step(left)) {
            return;  // budget spent on this Db; resume here next time
        }
        rehash_next_db_ = (rehash_next_db_ + 1) % n;
    }
}

bool Keyspace::evict_one_random() {
    bool volatile_only = policy_is_volatile(evict_cfg_.policy);
    int n = db_count();
    for (int j = 0; j < n; j++) {
        Db& d = db(evict_next_db_);
        evict_next_db_ = (evict_next_db_ + 1) % n;
        Entry* e = nullptr;
        if (volatile_only) {
            const auto& vec = d.volatile_entries();
            if (!vec.empty()) {
                e = vec[random_below(vec.size())];
            }
        } else {
            e = d.random_entry();
        }
        if (e != nullptr) {
            d.remove_evicted(e);
            return true;
        }
    }
    return false;
}

void Keyspace::fill_pool(int64_t now_ms) {
    bool volatile_only = policy_is_volatile(evict_cfg_.policy);
    for (auto& dp : dbs_) {
        Db& d = *dp;
        size_t avail = volatile_only ? d.volatile_count() : d.size();
        if (avail == 0) {
            continue;
        }
        int samples = std::max(evict_cfg_.samples, 1);
        for (int i = 0; i < samples; i++) {
            const Entry* e;
            if (volatile_only) {
                const auto& vec = d.volatile_entries();
                e = vec[random_below(vec.size())];
            } else {
                e = d.random_entry();
            }
            uint64_t score = eviction_score(evict_cfg_.policy, e->lru, e->expire_at, now_ms,
                                            evict_cfg_.lfu_decay_time);
            pool_.offer(score, d.id(), e->key());
        }
    }
}

bool Keyspace::evict_one(int64_t now_ms) {
    if (policy_is_random(evict_cfg_.policy)) {
        return evict_one_random();
    }
    bool volatile_only = policy_is_volatile(evict_cfg_.policy);
    EvictionPool::Candidate c;
    for (int round = 0; round < kEvictRoundsMax; round++) {
        fill_pool(now_ms);
        // Pooled keys may have been deleted or lost their TTL since they were sampled.
        while (pool_.pop_best(&c)) {
            if (c.db >= db_count()) {
                continue;
            }
            Db& d = db(c.db);
            Entry* e = d.find(c.key, key_slot(c.key));
            if (e != nullptr && (!volatile_only || e->has_expire())) {
                d.remove_evicted(e);
                return true;
            }
        }
        if (pool_.size() == 0 && (volatile_only ? total_volatile() : total_keys()) == 0) {
            return false;
        }
    }
    return false;
}

size_t Keyspace::total_volatile() const {
    size_t n = 0;
    for (const auto& d : dbs_) {
        n += d->volatile_count();
    }
    return n;
}

Result<size_t> Keyspace::evict_if_needed(int64_t now_ms) {
    size_t evicted = 0;
    int64_t start = 0;
    while (over_maxmemory()) {
        if (evict_cfg_.policy == EvictionPolicy::NoEviction || !evict_one(now_ms)) {
            return Err::Oom;
        }
        evicted++;
        // Redis' eviction time limit (tenacity 10): the rest is left to the next call, and the
        // command proceeds, as with Redis' EVICT_RUNNING.
        if ((evicted & 0xf) == 0) {
            int64_t t = monotonic_us();
            if (start == 0) {
                start = t;
            } else if (t - start > kEvictTimeLimitUs) {
                break;
            }
        }
    }
    return evicted;
}

}  // namespace slotcache::keyspace
