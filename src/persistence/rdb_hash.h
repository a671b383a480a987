// RDB loaders and writer for hashes (Redis 7.0's rdbLoadObject / rdbSaveObject for OBJ_HASH).
//
// Loaders, one per RDB type byte: 4 (plain: length, then field/value strings), 9 (zipmap,
// Redis < 2.6), 13 (ziplist, Redis < 7.0) and 16 (listpack, 7.0). The blob types are decoded
// and validated by rdb_blobs.h before anything is inserted. Every loader rejects an empty hash,
// an odd number of blob items and a duplicated field (Redis' deep sanitization), and picks the
// encoding Redis would: listpack within keyspace::hash_limits(), hashtable past either limit.
//
// The writer emits type 4 whatever the encoding (redis-server 7.0 loads it and re-encodes by
// its own limits), so a DUMP of ours restores in Redis and the other way round.
//
// Thread: loop thread (loading, RESTORE) or a forked child (writing).
#pragma once

#include "keyspace/entry.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

bool load_hash(RdbReader& r, RdbValue* out);
bool load_hash_zipmap(RdbReader& r, RdbValue* out);
bool load_hash_ziplist(RdbReader& r, RdbValue* out);
bool load_hash_listpack(RdbReader& r, RdbValue* out);

// Type::Hash values (after the type byte the caller wrote).
bool write_hash_value(RdbWriter& w, const keyspace::Entry* e);

}  // namespace slotcache::persistence
