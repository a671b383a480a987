// Internals shared by the Db's implementation files (keyspace.cpp, db_values.cpp, db_slots.cpp,
// cycles.cpp): the storage layout behind DbContents and the entry allocation helpers. Not for
// use outside src/keyspace/. Loop thread only (DbContents may be destroyed on another thread).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "common/crc16.h"
#include "keyspace/entry.h"
#include "keyspace/table.h"

namespace slotcache::keyspace {

// The lazily allocated per-Db slot index: one table pointer per slot (nullptr = no keys) and a
// Fenwick tree over the slot key counts (1-based), for a slot chosen in proportion to its keys.
struct SlotArray {
    Table* tables[kSlotCount];
    uint32_t fenwick[kSlotCount + 1];

    void fenwick_add(uint16_t slot, int32_t delta);
    // The slot holding the r-th key (0-based) in slot order. Precondition: r < total keys.
    uint16_t fenwick_find(uint64_t r) const;
};

struct DbContents {
    // Value-initialised on first write: 196 KB per Db that holds keys, nothing otherwise.
    std::unique_ptr<SlotArray> slots;
    size_t keys = 0;
    std::vector<Entry*> volatile_keys;
    // Slots whose table is being rehashed, for the cron's rehash_step (may hold stale slots).
    std::vector<uint16_t> rehashing;
    long long avg_ttl = 0;

    ~DbContents();
};

// Payload bytes after the key for an encoding (EmbStr: value_len bytes).
inline size_t payload_size(Encoding enc, size_t value_len) {
    switch (enc) {
        case Encoding::EmbStr: return value_len;
        case Encoding::Raw: return sizeof(char*) + sizeof(uint64_t);
        default: return 8;  // Int: int64; collections: Object*
    }
}

inline size_t entry_size(size_t key_len, Encoding enc, size_t value_len) {
    return sizeof(Entry) + key_len + payload_size(enc, value_len);
}

// Raw payload accessors (unaligned).
inline char* raw_data(const Entry* e) {
    char* p;
    std::memcpy(&p, e->payload(), sizeof(p));
    return p;
}
inline uint64_t raw_cap(const Entry* e) {
    uint64_t c;
    std::memcpy(&c, e->payload() + sizeof(char*), sizeof(c));
    return c;
}
inline void set_raw(Entry* e, char* data, uint64_t cap) {
    std::memcpy(e->payload(), &data, sizeof(data));
    std::memcpy(e->payload() + sizeof(char*), &cap, sizeof(cap));
}

// Frees what the value owns outside the entry (raw buffer, object); the entry stays allocated.
void release_value(Entry* e);
// release_value + free the entry.
void free_entry(Entry* e);

}  // namespace slotcache::keyspace
