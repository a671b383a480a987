// FieldTable: the "hashtable" encoding of a hash — field -> value pairs in a chained hash table
// whose chain link lives inside the pair's own allocation.
//
// Approach: one malloc block per pair, [next pointer | varint field length | varint value
// length | field bytes | value bytes], chained from power-of-two bucket arrays. Redis' dict
// pays a 24-byte dictEntry (32 with jemalloc) plus two sds allocations per field; folding the
// link into the pair makes a 13-byte field with an 8-byte value one 32-byte block, and the
// bucket arrays cost 8-16 bytes per pair (load between 1/2 and 1 while growing). The
// algorithms are dict.c's (the same as keyspace/table.cpp, which chains Entry objects):
// incremental rehash (two buckets moved per modifying call, so a grow or shrink is spread over
// the calls that follow it and no call pays for the whole table), grow when the load reaches
// 1, shrink below 1/8, and the reverse-binary scan cursor.
//
// Rejected: open addressing (a denser array, but a scan cursor that survives resizes and
// deletions needs tombstones or a second index); storing the hash (8 bytes per pair; XXH3 of a
// short field is cheaper than the cache miss it would save); std::unordered_map (a node with
// std::string members: ~80 bytes per pair before the bucket array).
//
// Scan guarantee (dictScan): a pair present for the whole scan is returned at least once,
// across any grows and shrinks in between; it may be returned twice.
//
// Fair random pair: rejection sampling. Draw a uniformly random bucket position and a
// uniformly random chain index below the max_chain bounds (kept by insert and rehash, never
// below any chain's length); accept when that chain is long enough. Every pair is hit with
// the same probability, 1 / (buckets * bound), so the result is uniform; the expected number
// of draws is buckets * bound / size (small: the load stays >= 1/8 and chains are short).
//
// Invariants: used0_ + used1_ == size(); while rehashing, buckets of t0_ below rehash_idx_ are
// empty; fields are unique; node_bytes_ is the sum of the pair blocks' allocator size classes.
// Loop thread only (destruction may happen on a lazy-free thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace slotcache::keyspace {

// One pair's block. Opaque outside hash_table.cpp except through FieldTable's accessors.
struct FieldNode {
    FieldNode* next;
};

class FieldTable {
public:
    FieldTable() = default;
    ~FieldTable();
    FieldTable(const FieldTable&) = delete;
    FieldTable& operator=(const FieldTable&) = delete;

    static std::string_view field_of(const FieldNode* n);
    static std::string_view value_of(const FieldNode* n);

    size_t size() const { return used0_ + used1_; }
    bool is_rehashing() const { return rehash_idx_ >= 0; }
    size_t bucket_count() const { return size0() + size1(); }
    // Bytes held: pair blocks plus bucket arrays (allocator size classes).
    size_t bytes() const;

    // The pair for field, or nullptr. Never changes the table (no rehash step): safe for reads
    // that iterate at the same time.
    const FieldNode* find(std::string_view field) const;
    // Sets field to value. Returns true when the field was added, false when its value was
    // replaced. Views into the table are invalid afterwards. The arguments must not point into
    // the table.
    bool set(std::string_view field, std::string_view value);
    // Adds a field known to be absent (conversion and loading). The caller guarantees unique
    // fields; a duplicate breaks every invariant.
    void add_new(std::string_view field, std::string_view value);
    // Removes field; false when absent.
    bool remove(std::string_view field);
    // One incremental rehash step when resizing (reads call it, as dict.c's dictFind does, so a
    // table that only gets reads after a grow still finishes its rehash). Moves pairs between
    // the bucket arrays without reallocating them: views stay valid; a scan or for_each in
    // progress does not.
    void rehash_step();
    // Pre-sizes the bucket array for n pairs (loading a hash of known length).
    void reserve(size_t n);

    // One dictScan step: calls fn(field, value) for each pair of the visited bucket(s) and
    // returns the next cursor (0: done). fn must not modify the table.
    template <class F>
    uint64_t scan(uint64_t cursor, F&& fn) const {
        return scan_impl(cursor, &call_fn<std::remove_reference_t<F>>, &fn);
    }
    // Every pair, in bucket order. fn must not modify the table.
    template <class F>
    void for_each(F&& fn) const {
        for_each_impl(&call_fn<std::remove_reference_t<F>>, &fn);
    }
    // A uniformly random pair. Precondition: size() > 0.
    const FieldNode* random_pair() const;

private:
    using VisitFn = void (*)(void* ctx, const FieldNode* n);
    template <class F>
    static void call_fn(void* ctx, const FieldNode* n) {
        (*static_cast<F*>(ctx))(field_of(n), value_of(n));
    }
    uint64_t scan_impl(uint64_t cursor, VisitFn fn, void* ctx) const;
    void for_each_impl(VisitFn fn, void* ctx) const;

    size_t size0() const { return t0_ ? size_t{1} << exp0_ : 0; }
    size_t size1() const { return t1_ ? size_t{1} << exp1_ : 0; }
    // The link pointing at field's node, or nullptr; *which = the array (0: t0_, 1: t1_).
    FieldNode** find_link(std::string_view field, uint64_t h, int* which);
    void link(FieldNode* n, uint64_t h);
    void maybe_resize();
    void start_resize(size_t target_count);
    void rehash_buckets(int n);
    void step();
    void note_chain(FieldNode* const* bucket, bool in_t1);
    FieldNode* make_node(std::string_view field, std::string_view value);
    void free_node(FieldNode* n);

    FieldNode** t0_ = nullptr;
    FieldNode** t1_ = nullptr;
    size_t used0_ = 0;
    size_t used1_ = 0;
    size_t node_bytes_ = 0;
    int64_t rehash_idx_ = -1;
    uint32_t max_chain0_ = 0;  // >= the longest chain of t0_
    uint32_t max_chain1_ = 0;  // >= the longest chain of t1_
    uint8_t exp0_ = 0;
    uint8_t exp1_ = 0;
};

}  // namespace slotcache::keyspace
