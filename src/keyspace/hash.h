// Hash: the value of a hash key, in one of Redis' two encodings.
//
//   listpack   while size() <= hash-max-listpack-entries and every field and value is at most
//              hash-max-listpack-value bytes: one flat buffer of [varint length][bytes] items,
//              field then value, in insertion order; lookups scan it (as Redis' listpack,
//              which is bounded by the same limits). Not Redis' byte format: the RDB writer
//              emits the plain hash type, and the loaders decode Redis' blobs into this.
//   hashtable  past either limit (hash_table.h). The switch happens once, as in Redis: a hash
//              that shrinks again stays a hashtable.
//
// The object itself does the conversion inside set() (and convert_for_length()); callers
// compare encoding() before and after and tell the Db (Db::set_object_encoding) so that
// OBJECT ENCODING follows.
//
// Views returned by get() / for_each() / scan() / random_pair() point into the hash: valid
// until its next modification.
//
// The limits: commands pass the server's config; the RDB loaders, which have no server, read
// hash_limits(), which the server keeps equal to the config (set at start-up and on CONFIG SET).
//
// Loop thread only; a Hash may be destroyed on a lazy-free thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "keyspace/entry.h"
#include "keyspace/hash_table.h"

namespace slotcache::keyspace {

struct HashLimits {
    size_t max_listpack_entries = 512;  // hash-max-listpack-entries
    size_t max_listpack_value = 64;     // hash-max-listpack-value
};

// The process-wide copy of the limits for code without a server (RDB loading).
void set_hash_limits(const HashLimits& limits);
const HashLimits& hash_limits();

class Hash final : public Object {
public:
    Hash() = default;
    ~Hash() override;
    Hash(const Hash&) = delete;
    Hash& operator=(const Hash&) = delete;

    Encoding encoding() const { return table_ ? Encoding::HashTable : Encoding::ListPack; }
    size_t size() const { return table_ ? table_->size() : count_; }

    // The value of field; false when absent. May take one rehash step (no view is
    // invalidated, but do not call it inside for_each / scan_step callbacks).
    bool get(std::string_view field, std::string_view* value) const;
    bool contains(std::string_view field) const {
        std::string_view v;
        return get(field, &v);
    }
    // Sets field to value; true when the field is new. Converts to hashtable first when field
    // or value is longer than the limit, and after adding when the count exceeds it. field and
    // value must not point into this hash.
    bool set(std::string_view field, std::string_view value, const HashLimits& limits);
    // Removes field; false when absent. Never converts back.
    bool remove(std::string_view field);
    // Redis' hashTypeTryConversion for one argument: converts when a string of len bytes could
    // not be stored in the listpack encoding (HSET checks every argument before setting any).
    void convert_for_length(size_t len, const HashLimits& limits);
    // listpack -> hashtable (no-op when already converted).
    void convert_to_table();
    // Sizes a hashtable-encoded hash for n pairs (loading).
    void reserve(size_t n);

    // Every pair: in insertion order (listpack) or bucket order (hashtable).
    template <class F>
    void for_each(F&& fn) const {
        if (table_) {
            table_->for_each(fn);
            return;
        }
        const char* p = buf_;
        const char* end = buf_ + used_;
        while (p < end) {
            std::string_view f = next_item(&p);
            std::string_view v = next_item(&p);
            fn(f, v);
        }
    }
    // HSCAN: one cursor step over the hashtable (fn per pair, next cursor returned, 0 = done);
    // a listpack hash is returned whole and the cursor is 0, as Redis does.
    template <class F>
    uint64_t scan_step(uint64_t cursor, F&& fn) const {
        if (table_) {
            return table_->scan(cursor, fn);
        }
        for_each(fn);
        return 0;
    }
    // A uniformly random pair. Precondition: size() > 0. O(size) for the listpack encoding
    // (callers needing many draws there take a snapshot with for_each).
    void random_pair(std::string_view* field, std::string_view* value) const;

    size_t memory_usage() const override;
    std::unique_ptr<Object> clone() const override;
    // One block per pair in a hashtable; a listpack is one block.
    size_t free_effort() const override { return table_ ? table_->size() : 1; }

private:
    static std::string_view next_item(const char** p);
    // The offset of field's item in buf_, or -1.
    long find_offset(std::string_view field) const;
    void ensure_capacity(size_t need);

    char* buf_ = nullptr;  // listpack encoding
    uint32_t used_ = 0;
    uint32_t cap_ = 0;
    uint32_t count_ = 0;
    std::unique_ptr<FieldTable> table_;  // hashtable encoding when set
};

// The hash held by e, or nullptr when e is not a hash.
inline Hash* hash_of(const Entry* e) {
    return e->type() == Type::Hash ? static_cast<Hash*>(e->object()) : nullptr;
}

}  // namespace slotcache::keyspace
