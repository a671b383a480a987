// Table: the chained hash table of one slot, with Redis dict.c's incremental rehash and its
// reverse-binary SCAN cursor.
//
// Approach: power-of-two bucket arrays of Entry* chained through Entry::next; hash =
// XXH3_64bits_withSeed(key) with a per-process random seed (hash flooding). The table grows to
// the next power of two above the key count when the load reaches 1, and shrinks when it falls
// below 1/8 (never under 4 buckets). A resize allocates the second array and moves buckets one
// at a time: one bucket per find/insert/remove, plus rehash_buckets() from the cron, so no
// operation pays for the whole table.
//
// Scan guarantee (dictScan): the cursor counts with its bits reversed over the mask of the
// smaller array, and during a rehash expands each small bucket into its larger-table buckets;
// an element present from the start to the end of a scan is returned at least once, whatever
// resizes happen in between (it may be returned more than once).
//
// Invariants: used0_ + used1_ == size(); while rehashing (rehash_idx_ >= 0) buckets of t0_ below
// rehash_idx_ are empty; keys are unique (insert's precondition). Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keyspace/entry.h"

namespace slotcache::keyspace {

// The keyspace hash (seeded once per process from the OS).
uint64_t key_hash(std::string_view key);

class Table {
public:
    Table() = default;
    ~Table();  // frees the bucket arrays, not the entries
    Table(const Table&) = delete;
    Table& operator=(const Table&) = delete;

    size_t size() const { return used0_ + used1_; }
    bool is_rehashing() const { return rehash_idx_ >= 0; }
    // Whether the owning Db has this table's slot in its list of tables to rehash in the cron.
    bool in_rehash_list() const { return in_rehash_list_; }
    void set_in_rehash_list(bool on) { in_rehash_list_ = on; }
    // Bucket count of the main array (of both while rehashing: the sum).
    size_t bucket_count() const;

    Entry* find(std::string_view key, uint64_t h);
    // Links e (key absent). May start a grow.
    void insert(Entry* e, uint64_t h);
    // Unlinks e (present); false if not found. May start a shrink.
    bool remove(Entry* e, uint64_t h);
    // Puts new_e in old_e's place in its chain (same key: a reallocated entry).
    void replace(Entry* old_e, Entry* new_e, uint64_t h);

    // Moves up to n buckets to the new array (visiting at most 10*n empty ones). Returns true
    // while the rehash is still in progress.
    bool rehash_buckets(int n);

    // A random entry (Redis dictGetFairRandomKey without the sampling: a random non-empty
    // bucket, then a random chain element); nullptr when empty.
    Entry* random_entry() const;

    // One dictScan step from cursor; calls fn(ctx, e) for every entry of the visited bucket(s).
    // Returns the next cursor, 0 when the scan is complete.
    using ScanFn = void (*)(void* ctx, Entry* e);
    uint64_t scan(uint64_t cursor, ScanFn fn, void* ctx) const;

    // Visits every entry; fn may free the entry it is given (next is read first), nothing
    // else. Used to free a table's entries and to enumerate a slot.
    template <class F>
    void for_each(F&& fn) const {
        for_each_in(t0_, size0(), fn);
        for_each_in(t1_, size1(), fn);
    }

private:
    size_t size0() const { return t0_ ? size_t{1} << exp0_ : 0; }
    size_t size1() const { return t1_ ? size_t{1} << exp1_ : 0; }
    void maybe_resize();
    void start_resize(size_t target_count);
    void step();  // one incremental step if rehashing
    Entry** bucket_for(uint64_t h);
    template <class F>
    static void for_each_in(Entry** t, size_t n, F& fn) {
        for (size_t i = 0; i < n; i++) {
            Entry* e = t[i];
            while (e != nullptr) {
                Entry* next = e->next;
                fn(e);
                e = next;
            }
        }
    }

    Entry** t0_ = nullptr;
    Entry** t1_ = nullptr;
    size_t used0_ = 0;
    size_t used1_ = 0;
    int64_t rehash_idx_ = -1;
    uint8_t exp0_ = 0;
    uint8_t exp1_ = 0;
    bool in_rehash_list_ = false;
};

}  // namespace slotcache::keyspace
