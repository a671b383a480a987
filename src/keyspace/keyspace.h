// The keyspace: N databases, each split into 16384 per-slot hash tables, with lazy and active
// expiry, maxmemory eviction and the per-slot operations cluster mode needs.
//
// Approach (DESIGN.md §4, after Redis 7.4's kvstore): a key always lives in the table of its
// hash slot (slot = key_slot(key)), cluster mode or not, so COUNTKEYSINSLOT is O(1), the keys of
// a slot are one table, and dropping a slot costs only its keys. A Db's slot array (and a
// Fenwick tree over the slot key counts, for a RANDOMKEY fair across slots) is allocated on the
// first write; each slot table on first use, and freed again when it empties. Tables rehash
// incrementally (table.h). Keys with a TTL are also in a per-Db vector, so the active expiry
// cycle samples only volatile keys.
//
// Callers pass the slot they already computed for routing; passing a slot that is not
// key_slot(key) breaks every per-slot invariant (not checked: it would cost a CRC16 per call).
//
// Pointer lifetimes: an Entry* returned by any function is valid until the next call that may
// modify the same Db (insert, delete, replace, expire cycle, eviction, clear). Functions
// documented "may reallocate" return the entry's new address. Views into entries likewise.
//
// Rejected: one big table per Db (slot operations become O(db) scans, as in Redis < 7.4);
// per-slot intrusive lists next to a global table (8-16 more bytes per key).
//
// Thread: loop thread only. detach() hands a Db's old contents to another thread to free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keyspace/entry.h"
#include "keyspace/evict.h"

namespace slotcache::keyspace {

class Keyspace;
class LazyFree;
class Table;
struct SlotArray;

// lookup() flags.
enum LookupFlag : uint32_t {
    kLookupNone = 0,
    // Do not update the LRU/LFU clock (OBJECT, TYPE-like introspection, DEBUG, keys read by
    // SCAN's filters, TOUCH's opposite).
    kLookupNoTouch = 1u << 0,
    // Never treat the key as expired (the replication stream on a replica executes with the
    // master's view; loading). An expired key is returned as present.
    kLookupNoExpire = 1u << 1,
};

// Passed as expire_at to replace_*/set_*: keep the entry's current TTL (SET KEEPTTL, APPEND-
// style modifications). kNoExpire (entry.h) removes it.
constexpr int64_t kKeepTtl = -2;

// Called when the keyspace itself removes a key: by lazy or active expiry (on a master) or by
// eviction. The server propagates a DEL to replicas and the AOF and fires keyspace
// notifications. The key view is valid during the call only; the callee must not modify the
// keyspace from inside the callback.
class KeyspaceObserver {
public:
    virtual ~KeyspaceObserver() = default;
    virtual void on_expired(int db, std::string_view key) = 0;
    virtual void on_evicted(int db, std::string_view key) = 0;
};

// The storage of one Db: what clear() drops and detach() hands off. Opaque outside keyspace.cpp;
// destroying it frees every entry (on whatever thread destroys it).
struct DbContents;
struct DbContentsDeleter {
    void operator()(DbContents* c) const;
};
using DbContentsPtr = std::unique_ptr<DbContents, DbContentsDeleter>;

class Db {
public:
    Db(Keyspace* owner, int id);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    int id() const { return id_; }

    // ---- reads ----------------------------------------------------------------------------
    // The entry for key, or nullptr. No expiry check, no clock update.
    Entry* find(std::string_view key, uint16_t slot) const;
    // The entry for key if it is live, or nullptr. An expired key is deleted (observer
    // on_expired, stats expired_keys) unless the keyspace is in replica mode
    // (set_expire_deletes(false)), where it is only reported missing. Updates the LRU/LFU clock
    // unless kLookupNoTouch.
    Entry* lookup(std::string_view key, uint16_t slot, int64_t now_ms,
                  uint32_t flags = kLookupNone);
    // True when e has a TTL strictly before now_ms (Redis keyIsExpired: now > when).
    static bool is_expired(const Entry* e, int64_t now_ms) {
        return e->expire_at != kNoExpire && e->expire_at < now_ms;
    }

    // ---- strings --------------------------------------------------------------------------
    // The value is stored as Int when parse_ll accepts it, else inline (EmbStr) up to
    // kEmbstrMaxLen bytes, else out of line (Raw). expire_at: absolute unix ms, kNoExpire, or
    // kKeepTtl (replace only). New entries get a fresh LRU/LFU clock.
    //
    // Inserts a key expected to be absent (the caller's lookup() missed). A stale entry still
    // present (an expired key in replica mode) is replaced, so the table never holds
    // duplicates. Returns the new entry.
    Entry* add_string(std::string_view key, uint16_t slot, std::string_view value,
                      int64_t expire_at, int64_t now_ms);
    Entry* add_int(std::string_view key, uint16_t slot, long long value, int64_t expire_at,
                   int64_t now_ms);
    // Replaces the value (any type) of e with a string. May reallocate: returns the entry's new
    // address. Overwriting with a value of the same allocation size class does not allocate.
    // value must not point into e (copy it first, e.g. for SET ... GET).
    Entry* replace_string(Entry* e, std::string_view value, int64_t expire_at);
    Entry* replace_int(Entry* e, long long value, int64_t expire_at);
    // find() then replace_* or add_*: for callers that already handled expiry.
    Entry* set_string(std::string_view key, uint16_t slot, std::string_view value,
                      int64_t expire_at, int64_t now_ms);
    Entry* set_int(std::string_view key, uint16_t slot, long long value, int64_t expire_at,
                   int64_t now_ms);
    // APPEND: the value becomes Raw with spare capacity (doubling below 1 MB, +1 MB above, as
    // sds), so repeated appends are amortised O(1). May reallocate. Precondition: is_string().
    Entry* string_append(Entry* e, std::string_view data);
    // SETRANGE: writes data at offset, zero-padding any gap; the value becomes Raw. May
    // reallocate. Precondition: is_string(); the caller checks the 512 MB limit.
    Entry* string_setrange(Entry* e, size_t offset, std::string_view data);

    // ---- collections ----------------------------------------------------------------------
    // Inserts a key (absent) holding a collection. Returns the new entry.
    Entry* add_object(std::string_view key, uint16_t slot, Type type, Encoding encoding,
                      std::unique_ptr<Object> obj, int64_t expire_at, int64_t now_ms);
    // Replaces e's value with a collection (e.g. SUNIONSTORE over an existing key). May
    // reallocate.
    Entry* replace_object(Entry* e, Type type, Encoding encoding, std::unique_ptr<Object> obj,
                          int64_t expire_at);
    // Records an encoding conversion of e's object (listpack -> hashtable), or swaps the object
    // for a converted one when obj is non-null. Never reallocates.
    void set_object_encoding(Entry* e, Encoding encoding, std::unique_ptr<Object> obj = nullptr);

    // ---- delete, expire -------------------------------------------------------------------
    // Deletes key; false when absent. No expiry logic, no observer call. lazy: a big
    // collection value is freed on the lazy-free thread (UNLINK, DEL with
    // lazyfree-lazy-user-del); the key is gone at once either way.
    bool del(std::string_view key, uint16_t slot, bool lazy = false);
    // Deletes e (found through this Db).
    void del(Entry* e, bool lazy = false);
    // Sets e's TTL to the absolute unix ms `when` (kNoExpire = persist). Never reallocates.
    void set_expire(Entry* e, int64_t when);
    // Removes the TTL; false when e had none.
    bool persist(Entry* e);

    // ---- key moves ------------------------------------------------------------------------
    // RENAME within this Db: the entry (value, TTL, clock) gets the name `to`. A different entry
    // already named `to` is deleted first. Returns the renamed entry (a new allocation); src is
    // dangling afterwards. Renaming a key to itself returns src unchanged.
    Entry* rename(Entry* src, std::string_view to, uint16_t to_slot);
    // MOVE: relinks e into dst without reallocating. Returns nullptr and changes nothing when
    // dst already holds an entry with that name (callers lookup() in dst first to expire it) or
    // dst is this Db.
    Entry* move_to(Entry* e, Db& dst);
    // COPY: a deep copy of src (objects via clone()) named `to` in dst (which may be this Db),
    // with src's TTL. An existing `to` is replaced when replace, else nullptr is returned and
    // nothing changes; copying a key onto itself returns nullptr. Returns the new entry.
    Entry* copy(const Entry* src, Db& dst, std::string_view to, uint16_t to_slot, bool replace,
                int64_t now_ms);
    // SWAPDB: exchanges the whole contents (keys, TTLs, stats) with other; ids stay.
    void swap(Db& other);

    // ---- whole db, slots ------------------------------------------------------------------
    // FLUSHDB: frees every entry now. Returns the number of keys removed.
    size_t clear();
    // FLUSHDB ASYNC: leaves this Db empty and returns the old contents, to be destroyed on a
    // background thread (which must register_thread() for memory accounting).
    DbContentsPtr detach();

    size_t size() const;
    size_t volatile_count() const;
    size_t slot_size(uint16_t slot) const;
    // Appends up to count keys of slot to *out (GETKEYSINSLOT, slot migration). The views point
    // into entries: valid until the Db is modified.
    size_t keys_in_slot(uint16_t slot, size_t count, std::vector<std::string_view>* out) const;
    // Deletes every key in slot (CLUSTER DELSLOTS cleanup, slot moved away). Calls fn for each
    // key before it is freed, when given. Returns the number of keys deleted.
    size_t drop_slot(uint16_t slot, const std::function<void(std::string_view)>& fn = nullptr);

    // ---- random, scan ---------------------------------------------------------------------
    // A uniformly random entry (fair across slots), or nullptr when empty. No expiry.
    Entry* random_entry() const;
    // RANDOMKEY (Redis dbRandomKey): a random live key; expired keys met on the way are deleted
    // (as lookup() does); in replica mode, after 100 expired picks, an expired key is returned.
    Entry* random_live(int64_t now_ms);

    // SCAN. The cursor's low 14 bits are the slot, the high bits the slot table's reverse-binary
    // cursor. Every key present for the whole scan is returned at least once, across resizes.
    // scan_step visits one bucket (one cursor step); scan() repeats until `count` entries were
    // passed to fn, the cursor is 0, or count*10 steps (Redis' bound on empty buckets).
    // fn must not modify the keyspace (collect, then act). Returns the next cursor (0 = done).
    uint64_t scan_step(uint64_t cursor, const std::function<void(const Entry*)>& fn) const;
    uint64_t scan(uint64_t cursor, size_t count, const std::function<void(const Entry*)>& fn) const;

    // INFO keyspace's avg_ttl: an estimate from the active expiry cycle's samples, in ms (0
    // when unknown).
    long long avg_ttl() const;

    // OBJECT IDLETIME (LRU mode) and OBJECT FREQ (LFU mode, decayed counter).
    uint64_t idle_ms(const Entry* e, int64_t now_ms) const;
    uint8_t lfu_frequency(const Entry* e, int64_t now_ms) const;
    // Updates e's clock as an access (lookup does it; TOUCH and writes through find() call it).
    void touch(Entry* e, int64_t now_ms);
    // RESTORE IDLETIME / FREQ (Redis' objectSetLRUOrLFU). LFU mode: freq >= 0 becomes the
    // counter, dated now. LRU mode: idle_s >= 0 dates the last access idle_s seconds back (an
    // idle time beyond the 24-bit clock's reach lands half a wrap away, as in Redis). The option
    // of the other mode is ignored; -1 means not given. True when the clock was set.
    bool set_access_clock(Entry* e, long long idle_s, long long freq, int64_t now_ms);

    // ---- internal, used by Keyspace's cycles (expire.cpp, eviction.cpp) ------------------
    // Incremental rehash of this Db's resizing tables for up to budget_us; true if work remains.
    bool rehash_step(int64_t budget_us);
    // The volatile vector, for sampling.
    const std::vector<Entry*>& volatile_entries() const;
    // Deletes e because it expired or was evicted: notifies the observer, counts the stat.
    void remove_expired(Entry* e);
    void remove_evicted(Entry* e);
    void note_ttl_sample(long long avg_ttl_ms);

private:
    friend class Keyspace;
    Table* table_for_write(uint16_t slot);
    Table* table(uint16_t slot) const;
    Entry* alloc_entry(std::string_view key, Encoding enc, size_t payload_len, int64_t now_ms);
    void link_new(Entry* e, uint16_t slot, int64_t expire_at);
    Entry* relocate(Entry* old_e, Entry* new_e);
    // Fits e's allocation to a payload of payload_len bytes (realloc when the size class
    // changes). Returns the entry's address.
    Entry* resize_for_value(Entry* e, size_t payload_len);
    Entry* ensure_raw(Entry* e, size_t need);
    void unlink_entry(Entry* e, uint16_t slot);
    void volatile_add(Entry* e);
    void volatile_remove(Entry* e);
    void free_table_if_empty(uint16_t slot);
    // Frees e (already unlinked) and its value, the value on the lazy-free thread when lazy and
    // big enough.
    void dispose(Entry* e, bool lazy);
    // Frees what e's value owns before it gets a new one (an overwrite: lazy per
    // lazyfree-lazy-server-del).
    void release_for_overwrite(Entry* e);

    Keyspace* owner_;
    int id_;
    DbContents* c_;  // owned; never null
};

struct KeyspaceStats {
    uint64_t expired_keys = 0;
    uint64_t evicted_keys = 0;
    // Percentage of expired keys among the active cycle's samples (running estimate, as Redis).
    double expired_stale_perc = 0;
    uint64_t expired_time_cap_reached_count = 0;
    uint64_t expire_cycle_cpu_milliseconds = 0;
};

// Which server-side deletions free big values on the lazy-free thread (the lazyfree-lazy-*
// directives; UNLINK and DEL's lazyfree-lazy-user-del are the callers' choice).
struct LazyFreeConfig {
    bool expire = false;      // lazyfree-lazy-expire
    bool eviction = false;    // lazyfree-lazy-eviction
    bool server_del = false;  // lazyfree-lazy-server-del: overwrites, RENAME/COPY onto a key
};

struct EvictionConfig {
    uint64_t maxmemory = 0;  // 0: no limit
    EvictionPolicy policy = EvictionPolicy::NoEviction;
    int samples = 5;         // maxmemory-samples
    int lfu_log_factor = 10;
    int lfu_decay_time = 1;  // minutes
};

class Keyspace {
public:
    explicit Keyspace(int databases = 16);
    ~Keyspace();
    Keyspace(const Keyspace&) = delete;
    Keyspace& operator=(const Keyspace&) = delete;

    int db_count() const { return static_cast<int>(dbs_.size()); }
    // Precondition: 0 <= index < db_count().
    Db& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
    const Db& db(int index) const { return *dbs_[static_cast<size_t>(index)]; }
    size_t total_keys() const;

    // Not owned; must outlive the keyspace or be reset to nullptr first.
    void set_observer(KeyspaceObserver* o) { observer_ = o; }
    KeyspaceObserver* observer() const { return observer_; }

    // Replica mode: false means expired keys are reported missing but never deleted by lookup
    // or the active cycle (the master's DEL does it). Default true.
    void set_expire_deletes(bool on) { expire_deletes_ = on; }
    bool expire_deletes() const { return expire_deletes_; }

    void set_eviction_config(const EvictionConfig& cfg);
    const EvictionConfig& eviction_config() const { return evict_cfg_; }
    bool lfu_mode() const { return policy_is_lfu(evict_cfg_.policy); }
    // Memory probe for eviction; defaults to used_memory(). Tests inject a fake.
    void set_memory_probe(std::function<size_t()> probe);

    void set_lazyfree_config(const LazyFreeConfig& cfg) { lazy_cfg_ = cfg; }
    const LazyFreeConfig& lazyfree_config() const { return lazy_cfg_; }
    // The lazy-free thread (lazyfree.h): FLUSH ASYNC hands it detached Db contents.
    LazyFree& lazyfree() { return *lazyfree_; }

    // SWAPDB. Precondition: both indexes valid.
    void swap_db(int a, int b);
    // FLUSHALL.
    size_t clear_all();

    // Redis' slow active expire cycle. For each Db (resuming from where the last call stopped),
    // sample up to 20 volatile keys, delete the expired ones (only when expire_deletes()), and
    // repeat while more than 10% of a sample was expired; stop when time_budget_us is spent
    // (checked every 16 iterations). Returns the number of keys expired by this call.
    size_t active_expire_cycle(int64_t now_ms, int64_t time_budget_us);

    // Incremental rehash of resizing tables (server cron), bounded by budget_us in total.
    void rehash_step(int64_t budget_us);

    // Frees memory until the probe reports <= maxmemory, for at most ~500 us per call (the
    // rest on the next call; the command proceeds, as Redis' EVICT_RUNNING). Returns the number
    // of keys evicted (0 when under the limit or maxmemory is 0), or Err::Oom when still over
    // the limit and nothing can be evicted (noeviction, volatile-* with no volatile keys,
    // empty keyspace).
    Result<size_t> evict_if_needed(int64_t now_ms);
    // True when maxmemory is set and the probe reports more than it (the pre-write check).
    bool over_maxmemory() const;

    const KeyspaceStats& stats() const { return stats_; }
    KeyspaceStats& mutable_stats() { return stats_; }
    void reset_stats() { stats_ = KeyspaceStats{}; }

private:
    friend class Db;
    bool evict_one(int64_t now_ms);
    size_t total_volatile() const;
    bool evict_one_random();
    void fill_pool(int64_t now_ms);

    // Declared before dbs_ so that it is destroyed after them: a Db's destructor may still
    // hand it values. Its destructor drains the queue and joins the thread.
    std::unique_ptr<LazyFree> lazyfree_;
    LazyFreeConfig lazy_cfg_;
    std::vector<std::unique_ptr<Db>> dbs_;
    KeyspaceObserver* observer_ = nullptr;
    bool expire_deletes_ = true;
    EvictionConfig evict_cfg_;
    std::function<size_t()> memory_probe_;
    EvictionPool pool_;
    KeyspaceStats stats_;
    int expire_next_db_ = 0;
    int evict_next_db_ = 0;
    int rehash_next_db_ = 0;
};

}  // namespace slotcache::keyspace
