// RDB loaders and writer for sorted sets (Redis 7.0's rdbLoadObject / rdbSaveObject for
// OBJ_ZSET).
//
// Loaders, one per RDB type byte: 3 (zset: length, then member + score as a length-prefixed
// decimal string, 253/254/255 = nan/inf/-inf), 5 (zset-2: member + 8-byte little-endian
// double), 12 (ziplist, Redis < 7.0) and 17 (listpack, 7.0). Blob items alternate member and
// score and are validated by rdb_blobs.h before anything is inserted. Every loader rejects an
// empty zset, a NaN or unparsable score and a duplicated member (Redis' deep sanitization),
// and picks the encoding Redis would under keyspace::zset_listpack_limits(): for 3/5 skiplist
// when the length or a member exceeds the limits; for the blobs, as Redis 7.0, only when the
// length exceeds zset-max-listpack-entries.
//
// The writer emits type 5 whatever the encoding (redis-server 7.0 loads it and re-encodes by
// its own limits), so a DUMP of ours restores in Redis and the other way round.
//
// Thread: loop thread (loading, RESTORE) or a forked child (writing).
#pragma once

#include "keyspace/entry.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

bool load_zset(RdbReader& r, RdbValue* out);
bool load_zset2(RdbReader& r, RdbValue* out);
bool load_zset_ziplist(RdbReader& r, RdbValue* out);
bool load_zset_listpack(RdbReader& r, RdbValue* out);

// Type::ZSet values (after the type byte the caller wrote).
bool write_zset_value(RdbWriter& w, const keyspace::Entry* e);

}  // namespace slotcache::persistence
