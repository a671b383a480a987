// Entry: one key and its value in one allocation, the unit the keyspace stores.
//
// Layout (32-byte header, then the key bytes, then the payload, all in one malloc block):
//
//   Entry* next        8   hash-chain link inside the slot table
//   int64  expire_at   8   absolute unix ms, kNoExpire when the key is persistent
//   u32    lru:24          LRU clock (seconds) or LFU (16-bit minutes << 8 | 8-bit counter)
//          type:4          Type (Redis OBJ_* numbers)
//          encoding:4      Encoding (Redis OBJ_ENCODING_* numbers)
//   u32    key_len
//   u32    volatile_idx    position in the Db's volatile-key vector (valid when has_expire())
//   u32    value_len       string length for Embstr/Raw; 0 otherwise
//   key bytes (key_len, no terminator)
//   payload, unaligned, by encoding:
//     Int     int64 (8 bytes)
//     EmbStr  value bytes (value_len)
//     Raw     char* data, u64 capacity (16 bytes): out of line so APPEND/SETRANGE grow amortised
//     other   Object* (8 bytes): collections (lists, sets, ...) owned by the entry
//
// A 16-byte key with a 16-byte value is 32 + 16 + 16 = 64 bytes, one jemalloc size class.
// Rejected: a separate dictEntry + robj + sds key as Redis (three allocations, ~100 bytes/key);
// storing the hash in the entry (8 bytes/key; rehash recomputes XXH3, which is cheap for keys).
//
// Invariants: an Entry is created and freed only by the keyspace (entry.cpp, keyspace.cpp);
// commands read it and ask the Db to change it. Functions that may reallocate an entry return
// the new pointer; the old one is dangling afterwards. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace slotcache::keyspace {

// Redis' OBJ_* numbers (they are also the RDB/TYPE order).
enum class Type : uint8_t { String = 0, List = 1, Set = 2, ZSet = 3, Hash = 4 };

// Redis' OBJ_ENCODING_* numbers; OBJECT ENCODING prints encoding_name().
enum class Encoding : uint8_t {
    Raw = 0,
    Int = 1,
    HashTable = 2,
    ZipMap = 3,
    LinkedList = 4,
    ZipList = 5,
    IntSet = 6,
    SkipList = 7,
    EmbStr = 8,
    QuickList = 9,
    Stream = 10,
    ListPack = 11,
};

// "string", "list", "set", "zset", "hash" (the TYPE reply).
std::string_view type_name(Type t);
// "raw", "int", "embstr", "hashtable", "listpack", ... (the OBJECT ENCODING reply).
std::string_view encoding_name(Encoding e);

constexpr int64_t kNoExpire = -1;
// Longest string stored inline and reported "embstr" (Redis' OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
constexpr size_t kEmbstrMaxLen = 44;
// Buffer size for Entry::string_value of an integer-encoded string ("-9223372036854775808").
constexpr size_t kIntBufLen = 24;

// A collection value (hash, list, set, zset). Subclasses live in later modules; the entry owns
// the object and deletes it with the entry. memory_usage() is what MEMORY USAGE adds for it.
class Object {
public:
    virtual ~Object() = default;
    virtual size_t memory_usage() const = 0;
    // Deep copy (COPY).
    virtual std::unique_ptr<Object> clone() const = 0;
    // About how many allocations freeing this object walks (Redis' lazyfreeGetFreeEffort:
    // elements of a hashtable / skiplist / linked list, 1 for one flat buffer). Above
    // kLazyfreeThreshold (lazyfree.h) an UNLINK hands the object to the lazy-free thread.
    virtual size_t free_effort() const { return 1; }
};

struct Entry {
    Entry* next;
    int64_t expire_at;
    uint32_t lru : 24;
    uint32_t type_bits : 4;
    uint32_t encoding_bits : 4;
    uint32_t key_len;
    uint32_t volatile_idx;
    uint32_t value_len;

    Type type() const { return static_cast<Type>(type_bits); }
    Encoding encoding() const { return static_cast<Encoding>(encoding_bits); }
    bool has_expire() const { return expire_at != kNoExpire; }
    bool is_string() const { return type() == Type::String; }

    const char* key_data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view key() const { return {key_data(), key_len}; }

    // String values. For Int encoding the decimal form is written into buf (kIntBufLen bytes);
    // otherwise the view points into the entry or its raw buffer. Valid until the entry is
    // changed or deleted. Precondition: is_string().
    std::string_view string_value(char* buf) const;
    // The length STRLEN reports (digits for Int encoding).
    size_t string_length() const;
    // The value as an integer when it is one (Int encoding, or a string parse_ll accepts);
    // false otherwise. Precondition: is_string().
    bool int_value(long long* out) const;
    // The collection of a non-string entry; nullptr for strings.
    Object* object() const;

    // Internal to the keyspace: where the payload starts.
    char* payload() { return reinterpret_cast<char*>(this + 1) + key_len; }
    const char* payload() const { return key_data() + key_len; }
};

static_assert(sizeof(Entry) == 32, "the entry header is part of the memory-per-key budget");

// Bytes the entry occupies including out-of-line buffers and the object's own estimate
// (MEMORY USAGE, without the table's bucket share).
size_t entry_memory_usage(const Entry* e);

}  // namespace slotcache::keyspace
