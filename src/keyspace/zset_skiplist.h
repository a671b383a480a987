// The skiplist encoding of ZSet (zset.h has the layout and the reasons): the skiplist of
// inline-member nodes ordered by (score, member), and ZIndex, the incrementally resized
// open-addressing member -> node index. Internal to keyspace (zset.cpp, zset_skiplist.cpp).
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "keyspace/zset.h"

namespace slotcache::keyspace {

constexpr int kZSkipMaxLevel = 32;

struct ZSkipNode {
    double score;
    ZSkipNode* backward;
    uint32_t len;
    uint8_t level;

    ZSkipNode** fwd() { return reinterpret_cast<ZSkipNode**>(this + 1); }
    ZSkipNode* const* fwd() const { return reinterpret_cast<ZSkipNode* const*>(this + 1); }
    uint32_t* span() { return reinterpret_cast<uint32_t*>(fwd() + level); }
    const uint32_t* span() const { return reinterpret_cast<const uint32_t*>(fwd() + level); }
    const char* mem() const { return reinterpret_cast<const char*>(span() + level); }
    char* mem() { return reinterpret_cast<char*>(span() + level); }
    std::string_view member() const { return {mem(), len}; }
};

static_assert(sizeof(ZSkipNode) == 24);

uint64_t zmember_hash(std::string_view m);

// One open-addressing table: slot 0 = empty, 1 = tombstone (only in a table being drained),
// else a node pointer with the hash's low 16 bits in the top 16 bits.
struct ZIndexTable {
    uintptr_t* slots = nullptr;
    size_t cap = 0;  // power of two, or 0
    int bits = 0;
    size_t used = 0;  // live slots

    size_t home(uint64_t h) const { return bits == 0 ? 0 : static_cast<size_t>(h >> (64 - bits)); }
    size_t mask() const { return cap - 1; }
};

class ZIndex {
public:
    ZIndex();
    ~ZIndex();
    ZIndex(const ZIndex&) = delete;
    ZIndex& operator=(const ZIndex&) = delete;

    ZSkipNode* find(std::string_view member, uint64_t h) const;
    // Precondition: absent.
    void insert(ZSkipNode* n, uint64_t h);
    // Precondition: present (n is the node indexed for its member).
    void erase(ZSkipNode* n, uint64_t h);
    size_t size() const { return cur_.used + old_.used; }
    size_t bytes() const;
    // Visits members whose hash is in [lo, hi) (hi == 0: up to 2^64), both tables.
    template <class Fn>
    void visit_range(uint64_t lo, uint64_t hi, Fn&& fn) const {
        visit_table(cur_, lo, hi, fn);
        if (old_.cap != 0) {
            visit_table(old_, lo, hi, fn);
        }
    }
    // The width in hash space of one home slot of the current table.
    int cur_bits() const { return cur_.bits; }

private:
    template <class Fn>
    static void visit_table(const ZIndexTable& t, uint64_t lo, uint64_t hi, Fn& fn);
    void step(size_t n);
    void start_resize(size_t cap);
    static void put(ZIndexTable& t, uintptr_t v, uint64_t h);

    ZIndexTable cur_;
    ZIndexTable old_;  // draining during a resize; cap 0 otherwise
    size_t drain_pos_ = 0;
};

template <class Fn>
void ZIndex::visit_table(const ZIndexTable& t, uint64_t lo, uint64_t hi, Fn& fn) {
    if (t.cap == 0) {
        return;
    }
    size_t first = t.home(lo);
    size_t last = hi == 0 ? t.cap - 1 : t.home(hi - 1);
    // A member lives between its home and the end of its cluster: walk from the first home
    // until an empty slot at or past the last home, at most one lap.
    for (size_t d = 0; d < t.cap; d++) {
        size_t p = (first + d) & t.mask();
        uintptr_t s = t.slots[p];
        if (s == 0) {
            if (first + d >= last) {
                break;
            }
            continue;
        }
        if (s == 1) {
            continue;
        }
        auto* n = reinterpret_cast<const ZSkipNode*>(s & ((uintptr_t{1} << 48) - 1));
        uint64_t h = zmember_hash(n->member());
        if (h >= lo && (hi == 0 || h < hi)) {
            fn(n);
        }
    }
}

struct ZSet::SkipList {
    ZSkipNode* header = nullptr;
    ZSkipNode* tail = nullptr;
    int level = 1;
    size_t length = 0;
    size_t node_bytes = 0;  // allocator size classes of the nodes
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    ZIndex index;

    SkipList();
    ~SkipList();

    ZSkipNode* make_node(std::string_view member, double score);
    void free_node(ZSkipNode* n);
    int random_level();
    // Links an allocated node into the list (not the index).
    void link(ZSkipNode* n);
    // Fills update[] with the predecessors of n at every level.
    void predecessors(const ZSkipNode* n, ZSkipNode** update) const;
    void unlink(ZSkipNode* n, ZSkipNode** update);
    // 1-based rank of a linked node.
    size_t rank_of(const ZSkipNode* n) const;
    // The node at 1-based rank r (1 <= r <= length).
    ZSkipNode* at_rank(size_t r) const;

    void insert(std::string_view member, double score);
    bool update(std::string_view member, double score);
    bool erase(std::string_view member);
    // Removes 1-based ranks [from, to].
    size_t erase_ranks(size_t from, size_t to);
};

}  // namespace slotcache::keyspace
