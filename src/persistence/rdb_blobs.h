// Decoders for the packed blobs Redis stores inside RDB values: listpack (7.0's small hashes,
// zsets and quicklist-2 nodes), ziplist (RDB types 10, 12, 13 and quicklist-1 nodes, written by
// Redis < 7.0 and still loaded by 7.0), intset (type 11) and zipmap (type 9, Redis < 2.6).
//
// Pure functions over bytes that came from outside (a file, a full sync, RESTORE): each walks
// the whole blob once to validate it (header sizes against the blob size, every entry's lengths
// against what remains, the back-links, the terminator, counts) before calling fn for any
// element, so a loader never builds half a value from a corrupt blob. The views passed to fn
// point into blob.
//
// The formats are Redis' (listpack.c, ziplist.c, intset.c, zipmap.c); integers are
// little-endian, as Redis writes them on every platform it supports.
//
// Thread: any (no state).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace slotcache::persistence {

// One element of a listpack or ziplist: a string (view into the blob) or an integer.
struct BlobItem {
    bool is_int = false;
    long long ival = 0;
    std::string_view sval;
};

// fn returning false stops the walk and makes the decoder return false.
bool decode_listpack(std::string_view blob, const std::function<bool(const BlobItem&)>& fn);
bool decode_ziplist(std::string_view blob, const std::function<bool(const BlobItem&)>& fn);
// The members in order; an intset must be strictly ascending (Redis' deep check).
bool decode_intset(std::string_view blob, const std::function<bool(long long)>& fn);
// Field/value pairs.
bool decode_zipmap(std::string_view blob,
                   const std::function<bool(std::string_view, std::string_view)>& fn);

// Element count without calling anything (validates like the decoders); false when invalid.
bool listpack_count(std::string_view blob, size_t* count);
bool ziplist_count(std::string_view blob, size_t* count);

}  // namespace slotcache::persistence
