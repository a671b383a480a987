// Db core: lookup with lazy expiry, linking and unlinking entries in their slot table, the
// volatile-key vector, TTLs and access clocks; and the Keyspace's database array and settings.
// Values are in db_values.cpp, slot/scan/whole-db operations in db_slots.cpp, the cron cycles
// (expiry, eviction, rehash) in cycles.cpp. Loop thread only.
#include "keyspace/keyspace.h"

#include <utility>

#include "common/random.h"
#include "keyspace/db_internal.h"
#include "keyspace/lazyfree.h"
#include "keyspace/lfu.h"
#include "keyspace/memory.h"

namespace slotcache::keyspace {

void release_value(Entry* e) {
    if (e->is_string()) {
        if (e->encoding() == Encoding::Raw) {
            std::free(raw_data(e));
        }
        return;
    }
    delete e->object();
}

void free_entry(Entry* e) {
    release_value(e);
    std::free(e);
}

void DbContentsDeleter::operator()(DbContents* c) const { delete c; }

Db::Db(Keyspace* owner, int id) : owner_(owner), id_(id), c_(new DbContents) {}

Db::~Db() { delete c_; }

Table* Db::table(uint16_t slot) const {
    return c_->slots ? c_->slots->tables[slot] : nullptr;
}

Table* Db::table_for_write(uint16_t slot) {
    if (!c_->slots) {
        c_->slots.reset(new SlotArray());
    }
    Table*& t = c_->slots->tables[slot];
    if (t == nullptr) {
        t = new Table();
    }
    return t;
}

void Db::free_table_if_empty(uint16_t slot) {
    Table*& t = c_->slots->tables[slot];
    if (t != nullptr && t->size() == 0) {
        delete t;
        t = nullptr;
    }
}

Entry* Db::find(std::string_view key, uint16_t slot) const {
    Table* t = table(slot);
    return t ? t->find(key, key_hash(key)) : nullptr;
}

Entry* Db::lookup(std::string_view key, uint16_t slot, int64_t now_ms, uint32_t flags) {
    Entry* e = find(key, slot);
    if (e == nullptr) {
        return nullptr;
    }
    if ((flags & kLookupNoExpire) == 0 && is_expired(e, now_ms)) {
        if (owner_->expire_deletes_) {
            remove_expired(e);
        }
        return nullptr;
    }
    if ((flags & kLookupNoTouch) == 0) {
        touch(e, now_ms);
    }
    return e;
}

void Db::touch(Entry* e, int64_t now_ms) {
    const EvictionConfig& cfg = owner_->evict_cfg_;
    if (policy_is_lfu(cfg.policy)) {
        double r = static_cast<double>(random_u64() >> 11) * 0x1.0p-53;
        e->lru = lfu_touch(e->lru, now_ms, cfg.lfu_log_factor, cfg.lfu_decay_time, r);
    } else {
        e->lru = lru_clock(now_ms);
    }
}

bool Db::set_access_clock(Entry* e, long long idle_s, long long freq, int64_t now_ms) {
    if (owner_->lfu_mode()) {
        if (freq < 0) return false;
        e->lru = (lfu_minutes(now_ms) << 8) | static_cast<uint32_t>(freq & 0xff);
        return true;
    }
    if (idle_s < 0) return false;
    long long clock = lru_clock(now_ms);
    static_assert(kLruClockResolutionMs == 1000, "IDLETIME is in seconds, one clock tick each");
    long long at = clock - idle_s;
    if (at < 0) at = (clock + kLruClockMax / 2) % kLruClockMax;
    e->lru = static_cast<uint32_t>(at);
    return true;
}

uint64_t Db::idle_ms(const Entry* e, int64_t now_ms) const {
    return lru_idle_ms(e->lru, lru_clock(now_ms));
}

uint8_t Db::lfu_frequency(const Entry* e, int64_t now_ms) const {
    return lfu_decayed_counter(e->lru, now_ms, owner_->evict_cfg_.lfu_decay_time);
}

Entry* Db::alloc_entry(std::string_view key, Encoding enc, size_t payload_len, int64_t now_ms) {
    auto* e = static_cast<Entry*>(std::malloc(sizeof(Entry) + key.size() + payload_len));
    if (e == nullptr) {
        std::abort();  // out of memory: nothing sensible to return to a command
    }
    e->next = nullptr;
    e->expire_at = kNoExpire;
    e->lru = owner_->lfu_mode() ? lfu_init(now_ms) : lru_clock(now_ms);
    e->type_bits = static_cast<uint32_t>(Type::String);
    e->encoding_bits = static_cast<uint32_t>(enc);
    e->key_len = static_cast<uint32_t>(key.size());
    e->volatile_idx = 0;
    e->value_len = 0;
    std::memcpy(reinterpret_cast<char*>(e + 1), key.data(), key.size());
    return e;
}

void Db::link_new(Entry* e, uint16_t slot, int64_t expire_at) {
    Table* t = table_for_write(slot);
    t->insert(e, key_hash(e->key()));
    if (t->is_rehashing() && !t->in_rehash_list()) {
        t->set_in_rehash_list(true);
        c_->rehashing.push_back(slot);
    }
    c_->slots->fenwick_add(slot, 1);
    c_->keys++;
    e->expire_at = kNoExpire;
    if (expire_at != kNoExpire && expire_at != kKeepTtl) {
        set_expire(e, expire_at);
    }
}

void Db::unlink_entry(Entry* e, uint16_t slot) {
    Table* t = table(slot);
    t->remove(e, key_hash(e->key()));
    if (t->is_rehashing() && !t->in_rehash_list()) {
        t->set_in_rehash_list(true);
        c_->rehashing.push_back(slot);
    }
    c_->slots->fenwick_add(slot, -1);
    c_->keys--;
    if (e->has_expire()) {
        volatile_remove(e);
    }
    free_table_if_empty(slot);
}

Entry* Db::relocate(Entry* old_e, Entry* new_e) {
    if (old_e != new_e) {
        uint16_t slot = key_slot(new_e->key());
        table(slot)->replace(old_e, new_e, key_hash(new_e->key()));
        if (new_e->has_expire()) {
            c_->volatile_keys[new_e->volatile_idx] = new_e;
        }
    }
    return new_e;
}

void Db::volatile_add(Entry* e) {
    e->volatile_idx = static_cast<uint32_t>(c_->volatile_keys.size());
    c_->volatile_keys.push_back(e);
}

void Db::volatile_remove(Entry* e) {
    auto& v = c_->volatile_keys;
    Entry* last = v.back();
    v[e->volatile_idx] = last;
    last->volatile_idx = e->volatile_idx;
    v.pop_back();
}

bool Db::del(std::string_view key, uint16_t slot, bool lazy) {
    Entry* e = find(key, slot);
    if (e == nullptr) {
        return false;
    }
    unlink_entry(e, slot);
    dispose(e, lazy);
    return true;
}

void Db::del(Entry* e, bool lazy) {
    unlink_entry(e, key_slot(e->key()));
    dispose(e, lazy);
}

void Db::dispose(Entry* e, bool lazy) {
    if (lazy && !e->is_string()) {
        owner_->lazyfree_->free_object(std::unique_ptr<Object>(e->object()));
        std::free(e);
        return;
    }
    free_entry(e);
}

void Db::release_for_overwrite(Entry* e) {
    if (owner_->lazy_cfg_.server_del && !e->is_string()) {
        owner_->lazyfree_->free_object(std::unique_ptr<Object>(e->object()));
        return;
    }
    release_value(e);
}

void Db::set_expire(Entry* e, int64_t when) {
    if (when == kKeepTtl) {
        return;
    }
    if (when == kNoExpire) {
        persist(e);
        return;
    }
    if (!e->has_expire()) {
        volatile_add(e);
    }
    e->expire_at = when;
}

bool Db::persist(Entry* e) {
    if (!e->has_expire()) {
        return false;
    }
    volatile_remove(e);
    e->expire_at = kNoExpire;
    return true;
}

void Db::remove_expired(Entry* e) {
    if (KeyspaceObserver* o = owner_->observer_) {
        o->on_expired(id_, e->key());
    }
    owner_->stats_.expired_keys++;
    del(e, owner_->lazy_cfg_.expire);
}

void Db::remove_evicted(Entry* e) {
    if (KeyspaceObserver* o = owner_->observer_) {
        o->on_evicted(id_, e->key());
    }
    owner_->stats_.evicted_keys++;
    del(e, owner_->lazy_cfg_.eviction);
}

size_t Db::size() const { return c_->keys; }
size_t Db::volatile_count() const { return c_->volatile_keys.size(); }
const std::vector<Entry*>& Db::volatile_entries() const { return c_->volatile_keys; }
long long Db::avg_ttl() const { return c_->avg_ttl; }

void Db::note_ttl_sample(long long avg_ttl_ms) {
    // Redis' running estimate: each cycle's sample average weighs 2%.
    c_->avg_ttl = c_->avg_ttl == 0 ? avg_ttl_ms : (c_->avg_ttl / 50) * 49 + avg_ttl_ms / 50;
}

void Db::swap(Db& other) { std::swap(c_, other.c_); }

// ---- Keyspace -------------------------------------------------------------------------------

Keyspace::Keyspace(int databases) : lazyfree_(std::make_unique<LazyFree>()) {
    dbs_.reserve(static_cast<size_t>(databases));
    for (int i = 0; i < databases; i++) {
        dbs_.push_back(std::make_unique<Db>(this, i));
    }
}

Keyspace::~Keyspace() = default;

size_t Keyspace::total_keys() const {
    size_t n = 0;
    for (const auto& d : dbs_) {
        n += d->size();
    }
    return n;
}

void Keyspace::set_eviction_config(const EvictionConfig& cfg) {
    if (policy_is_lfu(cfg.policy) != policy_is_lfu(evict_cfg_.policy)) {
        pool_.clear();  // scores of the other mode are meaningless
    }
    evict_cfg_ = cfg;
}

void Keyspace::set_memory_probe(std::function<size_t()> probe) { memory_probe_ = std::move(probe); }

void Keyspace::swap_db(int a, int b) { db(a).swap(db(b)); }

size_t Keyspace::clear_all() {
    size_t n = 0;
    for (auto& d : dbs_) {
        n += d->clear();
    }
    return n;
}

bool Keyspace::over_maxmemory() const {
    if (evict_cfg_.maxmemory == 0) {
        return false;
    }
    size_t used = memory_probe_ ? memory_probe_() : used_memory();
    return used > evict_cfg_.maxmemory;
}

}  // namespace slotcache::keyspace
