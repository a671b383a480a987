// MemberTable: the large encoding of a set ("hashtable"), a hash set of byte strings leaner
// than Redis' dict.
//
// Approach: open addressing with linear probing over a power-of-two array of pointers. Each
// member is one allocation holding a varint length and the bytes (no terminator, no hash), so
// a 15-byte member costs one 16-byte jemalloc block plus ~8 / load bytes of slot: ~33 bytes at
// 1M members where Redis pays a 32-byte dictEntry block, a 32-byte sds block and 8 bytes of
// bucket (~72). Rejected: chaining (a next pointer per member), storing the hash (8 bytes per
// member for faster rehash; XXH3 over short members is cheap), tombstones (backward-shift
// deletion keeps probe runs short without them).
//
// Growth never stalls the loop: past 3/4 load a table twice the size is allocated and the old
// one is migrated incrementally, a bounded number of slots per add/remove, Redis-style.
// Migration goes cluster by cluster (a cluster is a run of occupied slots between empty ones),
// starting just after an empty slot: an old-table member's probe run then lies wholly in the
// not-yet-migrated part, so lookups in the old table stay plain linear probes, and a member is
// in exactly one of the two tables. Shrinking (below 1/8 load) uses the same path.
//
// SCAN uses Redis' reverse-binary cursor over *home* slots (hash & mask): a step emits, for a
// home slot, the members of its probe run whose home it is — exactly a chained bucket's
// contents — so dictScan's guarantee carries over: every member present for the whole scan is
// returned at least once, across growth and shrinking.
//
// Random picks draw a slot uniformly among both tables' slots and retry on empty ones: every
// member is exactly one slot, so the pick is uniform (Redis' dictGetFairRandomKey is not).
//
// Invariants: no duplicates; size() counts both tables; while rehashing, slots of the old
// table at migrated positions are empty and nothing is inserted into it. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace slotcache::keyspace {

class MemberTable {
public:
    MemberTable() = default;
    ~MemberTable();
    MemberTable(const MemberTable&) = delete;
    MemberTable& operator=(const MemberTable&) = delete;

    // Sizes the table for n members (no-op if already larger); call on an empty table.
    void reserve(size_t n);

    size_t size() const { return count_; }
    bool contains(std::string_view m) const;
    // True when added, false when already present.
    bool add(std::string_view m);
    // True when removed.
    bool remove(std::string_view m);
    // A uniformly random member; precondition size() > 0. Valid until the next change.
    std::string_view random_member() const;
    // Every member once, in table order. fn must not modify the table.
    void for_each(const std::function<void(std::string_view)>& fn) const;
    // One cursor step (see above); returns the next cursor, 0 when the scan is complete.
    uint64_t scan(uint64_t cursor, const std::function<void(std::string_view)>& fn) const;

    // Bytes of the slot arrays and member blocks (MEMORY USAGE).
    size_t memory_usage() const;
    bool is_rehashing() const { return old_ != nullptr; }
    size_t capacity() const { return cap_; }

private:
    static uint64_t hash(std::string_view m);
    static std::string_view view(const char* block);
    // The slot of m in (slots, cap), or -1.
    static long find_in(char* const* slots, size_t cap, std::string_view m);
    static void insert_block(char** slots, size_t cap, char* block);
    static void erase_at(char** slots, size_t cap, size_t i);
    void maybe_resize();
    void start_rehash(size_t new_cap);
    void rehash_step(size_t budget);
    void emit_home(char* const* slots, size_t cap, size_t home,
                   const std::function<void(std::string_view)>& fn) const;

    char** slots_ = nullptr;  // the current (new, while rehashing) table
    size_t cap_ = 0;
    char** old_ = nullptr;  // the table being migrated, or nullptr
    size_t old_cap_ = 0;
    size_t old_count_ = 0;     // members still in old_
    size_t rehash_start_ = 0;  // an empty slot of old_ where migration began
    size_t rehash_done_ = 0;   // old_ slots migrated from rehash_start_ on
    size_t count_ = 0;
    size_t block_bytes_ = 0;  // sum of member block sizes
};

}  // namespace slotcache::keyspace
