// ZSet: the sorted set value (Type::ZSet), in two encodings that OBJECT ENCODING reports with
// Redis' names.
//
//   listpack  one flat malloc'd buffer of entries sorted by (score, member):
//               [u32 len][f64 score][member bytes][u32 len]
//             the trailing length lets reverse walks step back. Every operation is a linear
//             scan, which is what Redis does too: the set is small by definition
//             (zset-max-listpack-entries / -value).
//   skiplist  a skiplist whose node is one allocation holding the member bytes inline, plus an
//             open-addressing (linear probing) index of node pointers for member -> node.
//
// Skiplist node (one malloc): f64 score, backward pointer, u32 member length, u8 level, then
// level x forward pointers, level x u32 spans, then the member. With Redis' p = 1/4 (1.33 levels
// on average) a node is 24 + 16 + member bytes; the index slot is 8 bytes at a load factor of
// 0.1..0.8 (0.4..0.8 while growing). Redis pays a skiplist node with a pointer to an sds, a 24-byte
// dictEntry and a bucket per member (~100 bytes for a 13-byte member); we pay ~70 (README
// "Memory"). Spans are 32-bit: a zset is limited to 2^32 - 1 members (Redis' is 2^64; a
// 4-billion-member zset would need > 200 GB here).
//
// The index keeps a 16-bit hash tag in the unused top bits of each pointer so that a probe
// compares members only on a tag match. It grows (x2 past 0.8 load) and shrinks (/2 under 0.1)
// incrementally: while a resize is in progress both tables are live, inserts go to the new
// one, deletes in the old one leave tombstones, and every write moves a bounded number of old
// slots (kRehashStep), so no command pays a stall proportional to the set's size.
//
// ZSCAN cursor: the 64-bit member hash. A table slot's home is the top bits of the hash, so the
// order of homes is the order of hashes whatever the table size: a cursor c means "every
// member whose hash is below c was returned", which survives resizes and deletes in between.
// Every member present for the whole scan is returned (exactly once, barring a resize from a
// table whose slot range straddles the cursor, where a member may come twice, as in Redis).
//
// Ranks are 0-based in ascending (score, member) order; every range query is reduced to a
// rank interval [from, to) (score_rank / lex_rank), so the commands need one walk primitive.
//
// Encoding conversion (listpack -> skiplist) is one way, as in Redis; the command layer decides
// when (zset-max-listpack-*) and reports it to the Db (set_object_encoding).
//
// Loop thread only (or the thread that owns a detached Db being freed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "keyspace/entry.h"

namespace slotcache::keyspace {

// A score interval (ZRANGEBYSCORE's min/max with '(' exclusive bounds).
struct ZScoreRange {
    double min = 0, max = 0;
    bool minex = false, maxex = false;
};

// A lex bound: "-" (below everything), "+" (above everything), "[x" or "(x".
struct ZLexBound {
    enum class Kind : uint8_t { NegInf, PosInf, Value } kind = Kind::NegInf;
    bool exclusive = false;
    std::string_view value;  // Kind::Value; borrowed from the command's arguments
};

struct ZLexRange {
    ZLexBound min, max;
};

// zset-max-listpack-entries / -value. Commands pass the server's config; the RDB loaders, which
// have no server, read zset_listpack_limits(), which the server keeps equal to the config
// (start-up and CONFIG SET).
struct ZSetLimits {
    size_t max_entries = 128;
    size_t max_value = 64;
};
void set_zset_listpack_limits(const ZSetLimits& limits);
const ZSetLimits& zset_listpack_limits();

struct ZSkipNode;
class ZIndex;

class ZSet final : public Object {
public:
    ZSet();  // empty, listpack
    ~ZSet() override;
    ZSet(const ZSet&) = delete;
    ZSet& operator=(const ZSet&) = delete;

    size_t memory_usage() const override;
    std::unique_ptr<Object> clone() const override;
    // One node per member in a skiplist; a listpack is one block.
    size_t free_effort() const override { return encoding() == Encoding::SkipList ? size() : 1; }

    Encoding encoding() const { return skiplist_ ? Encoding::SkipList : Encoding::ListPack; }
    bool is_listpack() const { return !skiplist_; }
    size_t size() const { return size_; }
    // Length of the longest member (the zset-max-listpack-value check needs no scan).
    size_t max_member_len() const { return max_len_; }

    // ---- members --------------------------------------------------------------------------
    // The score of member; false when absent.
    bool score(std::string_view member, double* out) const;
    // Inserts member, which must be absent.
    void insert(std::string_view member, double score);
    // Sets the score of a present member (the node moves when its order changes). False when
    // absent.
    bool update(std::string_view member, double score);
    // Removes member; false when absent.
    bool erase(std::string_view member);
    // The ascending rank of member, or -1 when absent. O(log n) for the skiplist.
    long long rank(std::string_view member) const;

    // ---- ranges ---------------------------------------------------------------------------
    // How many elements lie strictly before the range's lower bound (score_low) and how many
    // lie at or before its upper bound (score_high): the range is the ranks [low, high) when
    // low < high. The same for lex bounds (assuming equal scores, as Redis does).
    size_t score_low(const ZScoreRange& r) const;
    size_t score_high(const ZScoreRange& r) const;
    size_t lex_low(const ZLexBound& min) const;
    size_t lex_high(const ZLexBound& max) const;

    // A walk over ranks: forward from `from` ascending, or (reverse) from `from` descending.
    // Valid until the set is modified.
    class Iter {
    public:
        // The current element and a step; false at the end of the walk.
        bool next(std::string_view* member, double* score);

    private:
        friend class ZSet;
        const ZSet* z_ = nullptr;
        const char* pos_ = nullptr;  // listpack entry or ZSkipNode
        size_t left_ = 0;
        bool reverse_ = false;
    };
    // Walks at most count elements starting at rank `from` (ascending ranks; with reverse,
    // `from` is still an ascending rank and the walk goes down). from >= size() gives an empty
    // walk.
    Iter iter(size_t from, size_t count, bool reverse) const;

    // Removes the ranks [from, to). Returns how many were removed.
    size_t erase_ranks(size_t from, size_t to);

    // Listpack -> skiplist (no-op when already skiplist).
    void convert_to_skiplist();

    // ZSCAN: calls fn for members whose hash is at or after cursor, stopping after about count
    // members (whole home slots at a time); returns the next cursor (0 = done). The listpack
    // encoding returns everything at once (cursor 0), as Redis does. The member view passed to
    // fn is valid during the call; fn must not modify the set.
    template <class Fn>
    uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
        return scan_impl(cursor, count, &fn, [](void* f, std::string_view m, double s) {
            (*static_cast<Fn*>(f))(m, s);
        });
    }

    // Invariant check for tests: order, spans, index and counts agree. False on a violation.
    bool check() const;

private:
    using ScanFn = void (*)(void*, std::string_view, double);
    uint64_t scan_impl(uint64_t cursor, size_t count, void* ctx, ScanFn fn) const;
    template <class Pred>
    size_t prefix_count(Pred pred) const;

    // listpack
    const char* lp_find(std::string_view member) const;
    void lp_insert(std::string_view member, double score);
    void lp_erase_at(const char* p);
    size_t lp_bytes_ = 0;
    size_t lp_cap_ = 0;
    char* lp_ = nullptr;

    // skiplist
    struct SkipList;
    SkipList* skiplist_ = nullptr;

    size_t size_ = 0;
    size_t max_len_ = 0;
};

// Score comparisons with Redis' rules for the range bounds.
bool zscore_gte_min(double v, const ZScoreRange& r);
bool zscore_lte_max(double v, const ZScoreRange& r);
bool zlex_gte_min(std::string_view v, const ZLexBound& min);
bool zlex_lte_max(std::string_view v, const ZLexBound& max);

}  // namespace slotcache::keyspace
