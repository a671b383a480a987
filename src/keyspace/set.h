// Set: the value of a Redis set, in one of three encodings with Redis 7.2's rules (the
// set-max-* directives exist in our config, so the listpack stage is implemented and OBJECT
// ENCODING reports what 7.2 would):
//
//   intset     every member an integer (Redis' string2ll), at most set-max-intset-entries
//   listpack   otherwise small: at most set-max-listpack-entries members of at most
//              set-max-listpack-value bytes; a flat buffer of (varint length, bytes) in
//              insertion order (our own layout: the RDB writer emits plain type 2 for it)
//   hashtable  anything larger: MemberTable (member_table.h)
//
// Conversions go one way only (intset -> listpack -> hashtable, intset -> hashtable), as in
// Redis: removing members never converts back. Callers compare encoding() before and after a
// change and tell the Db (set_object_encoding) so the entry's encoding bits follow.
//
// Member views handed out (random_member, for_each, scan) point into the set or, for intset
// values, into a caller buffer of kIntBufLen bytes; they are valid until the set changes.
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "keyspace/entry.h"
#include "keyspace/intset.h"
#include "keyspace/member_table.h"

namespace slotcache::keyspace {

// The set-max-* directives, read by the caller from the config.
struct SetLimits {
    size_t max_intset_entries = 512;
    size_t max_listpack_entries = 128;
    size_t max_listpack_value = 64;
};

using MemberFn = std::function<void(std::string_view)>;

class Set final : public Object {
public:
    // Redis 7.2's setTypeCreate: an intset when `first` is an integer and size_hint fits
    // set-max-intset-entries, a listpack when size_hint fits set-max-listpack-entries, else a
    // hashtable sized for size_hint. The set is empty; add the members next.
    static std::unique_ptr<Set> create(std::string_view first, size_t size_hint,
                                       const SetLimits& lim);
    // An empty set of the given encoding (SPOP's survivors keep the popped set's encoding).
    static std::unique_ptr<Set> empty_like(Encoding enc, size_t size_hint);
    // An empty intset (Redis' createIntsetObject: SINTERSTORE/SUNIONSTORE results).
    Set();
    ~Set() override;
    Set(const Set&) = delete;
    Set& operator=(const Set&) = delete;

    // Wraps a checked intset (RDB type 11).
    explicit Set(std::unique_ptr<IntSet> is);

    Encoding encoding() const { return enc_; }
    size_t size() const;
    bool contains(std::string_view m) const;
    // True when added. Converts first when m does not fit the current encoding or the count
    // would pass its limit (Redis 7.2's setTypeAddAux).
    bool add(std::string_view m, const SetLimits& lim);
    // True when removed. Never converts.
    bool remove(std::string_view m);
    // A uniformly random member; precondition size() > 0. buf: kIntBufLen bytes.
    std::string_view random_member(char* buf) const;
    // Every member once.
    void for_each(const MemberFn& fn) const;
    // SSCAN: the small encodings return everything and cursor 0; a hashtable does one cursor
    // step (member_table.h).
    uint64_t scan(uint64_t cursor, const MemberFn& fn) const;
    // Converts to a hashtable sized for `hint` members (no-op if already one).
    void convert_to_hashtable(size_t hint);
    // The intset, for the RDB writer; nullptr for other encodings.
    const IntSet* intset() const { return enc_ == Encoding::IntSet ? is_ : nullptr; }

    size_t memory_usage() const override;
    std::unique_ptr<Object> clone() const override;
    // One allocation per member in a hashtable; the small encodings are one block.
    size_t free_effort() const override { return enc_ == Encoding::HashTable ? size() : 1; }

private:
    class Small;
    void convert_to_listpack();

    Encoding enc_;
    union {
        IntSet* is_;
        Small* lp_;
        MemberTable* ht_;
    };
};

}  // namespace slotcache::keyspace
