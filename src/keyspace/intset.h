// IntSet: the "intset" encoding of a set of integers, byte for byte Redis' intset: a header
// {u32 encoding (2, 4 or 8 bytes per value), u32 length} and the values sorted ascending,
// little-endian. Keeping Redis' layout makes the RDB type 11 blob a plain copy both ways.
//
// Adding a value outside the current width upgrades every value to the wider width (never
// back, as Redis). Lookups are binary searches; inserts and removals move the tail (sets stay
// below set-max-intset-entries, 512 by default, before they become hashtables).
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slotcache::keyspace {

class IntSet {
public:
    IntSet();
    ~IntSet();
    IntSet(const IntSet& o);
    IntSet& operator=(const IntSet&) = delete;

    // A copy of a Redis intset blob after checking it as Redis' intsetValidateIntegrity with
    // deep checks does (valid width, exact length, strictly ascending, at least one value).
    // nullptr on any inconsistency.
    static IntSet* from_blob(std::string_view blob);

    size_t size() const;
    unsigned width() const;  // 2, 4 or 8
    long long at(size_t i) const;
    bool contains(long long v) const;
    // True when added (false: present).
    bool add(long long v);
    bool remove(long long v);
    // The Redis intset bytes (RDB type 11, DUMP).
    std::string_view blob() const;
    size_t memory_usage() const;

private:
    static unsigned width_for(long long v);
    // Index of v, or where it would go (*found false).
    size_t search(long long v, bool* found) const;
    void set_at(size_t i, long long v);
    void resize(size_t n);
    void upgrade(unsigned w);

    char* buf_;  // header + values
};

}  // namespace slotcache::keyspace
