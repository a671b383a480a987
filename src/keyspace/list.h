// List: the value of a Redis list, a quicklist — a vector of nodes, each one listpack buffer.
//
// Approach (Redis 7.0's quicklist.c, which OBJECT ENCODING reports as "quicklist" for every
// list): elements live packed in listpacks (one malloc block per node, byte-for-byte Redis'
// listpack format: 6-byte header, entries, 0xFF), so a node can be written to RDB type 18
// (quicklist-2, PACKED container) as is, and per-element overhead is the entry header and
// back-length (2-3 bytes for short strings) — what redis-server pays. Node sizes are bounded by
// list-max-listpack-size (`fill`): negative -1..-5 = 4/8/16/32/64 KB per node, positive = that
// many entries (and at most 8 KB, Redis' SIZE_SAFETY_LIMIT). An element bigger than the limit
// gets a node of its own.
//
// The nodes are a std::vector<Node> (16 bytes each) rather than Redis' doubly linked list of
// 32-byte quicklistNodes: with 8 KB nodes a million small elements are a few thousand nodes, so
// a push that opens a node at the head moves a few KB of pointers, and locating an index scans
// 16-byte records instead of chasing pointers.
//
// Elements that are canonical int64 decimals are stored as listpack integers (1-9 bytes, as
// Redis does: 5 bytes for "123456" instead of 8), and read back as their decimal text, which
// callers receive in a small buffer of their own (at()'s buf, the Iter's). RDB loaders
// re-encode what they read. Rejected: compression (list-compress-depth is accepted and
// ignored: it trades CPU on every access for memory on cold lists).
//
// Invariants: no node is empty; count_ == sum of node counts; views returned by index/iterators
// point into a node and are valid until the next modification of the list.
// Thread: loop thread (or a lazy-free thread destroying it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/entry.h"

namespace slotcache::keyspace {

// Listpack entry helpers shared with the RDB code and tests.
namespace listpack {
constexpr size_t kHeaderSize = 6;
constexpr uint8_t kEof = 0xFF;
// Bytes an entry holding a string of len bytes takes.
size_t entry_size(size_t len);
// A value ready to be written: the canonical decimal form of an int64 becomes an integer entry
// (1-9 bytes, Redis' lpStringToInt64 rule), anything else a string; size includes the backlen.
struct Encoded {
    bool is_int;
    long long ival;
    std::string_view sval;
    size_t size;
};
Encoded encode(std::string_view v);
}  // namespace listpack

class List final : public Object {
public:
    // fill: list-max-listpack-size (0 is treated as 1 entry per node, as Redis clamps it).
    explicit List(int fill = -2);
    ~List() override;
    List(const List&) = delete;
    List& operator=(const List&) = delete;

    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    int fill() const { return fill_; }

    void push_front(std::string_view v);
    void push_back(std::string_view v);
    // Pop into *out (replaced). False when empty.
    bool pop_front(std::string* out);
    bool pop_back(std::string* out);

    // Element i (0 <= i < size()): a view into the list or, for an integer, into buf
    // (kIntBufLen bytes); valid until the list changes.
    std::string_view at(size_t i, char* buf) const;
    // LSET: replaces element i (0 <= i < size()). v must not point into this list (nor must
    // any value passed to the functions that add elements).
    void set(size_t i, std::string_view v);
    // LINSERT: inserts v before/after the first element equal to pivot. False when absent.
    bool insert(std::string_view pivot, std::string_view v, bool after);
    // LREM: removes up to |count| elements equal to v, from the head (count > 0), the tail
    // (count < 0), or all (count == 0). Returns how many were removed.
    size_t remove(std::string_view v, long long count);
    // Removes n elements starting at index from (from + n <= size()).
    void erase(size_t from, size_t n);

    // Walks elements. Forward from index `start`, or backward (reverse) from index `start`
    // counted from the head. next() gives a view valid until the list changes.
    class Iter {
    public:
        Iter(const List& l, size_t start, bool reverse);
        // The view is valid until the next call or a change of the list.
        bool next(std::string_view* out);

    private:
        char buf_[kIntBufLen];
        const List& l_;
        size_t node_;
        const uint8_t* p_;  // current entry, nullptr when done
        bool reverse_;
    };

    // RDB: each node is a complete listpack.
    size_t node_count() const { return nodes_.size(); }
    std::string_view node_listpack(size_t i) const;

    size_t memory_usage() const override;
    std::unique_ptr<Object> clone() const override;
    // One block per node (Redis counts quicklist nodes too).
    size_t free_effort() const override { return node_count(); }

private:
    struct Node {
        uint8_t* lp;     // malloc'd listpack
        uint32_t count;  // entries (the header's u16 saturates at 65535)
    };
    bool allows_insert(const Node& n, size_t entry_bytes) const;
    Node new_node();
    // Inserts v into node ni at byte offset off (an entry start or the terminator).
    void node_insert(size_t ni, size_t off, const listpack::Encoded& e);
    // Deletes the entry at byte offset off of node ni; frees the node when it empties (returns
    // false then).
    bool node_delete(size_t ni, size_t off);
    // Splits node ni in two halves when it is over the limit after a middle insert.
    void split_if_needed(size_t ni);
    // Node and byte offset of element i.
    void locate(size_t i, size_t* ni, size_t* off) const;
    void free_node(size_t ni);

    std::vector<Node> nodes_;
    size_t count_ = 0;
    int fill_;
};

}  // namespace slotcache::keyspace
