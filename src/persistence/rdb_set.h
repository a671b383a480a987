// RDB codec of sets: the loaders of type 2 (plain set: a count then each member) and 11 (a
// Redis intset blob), and the writer (plain type 2 for every encoding: redis-server 7.0
// loads it and picks its own encoding, intset included, as it does for its own files).
//
// Encodings on load follow Redis 7.2's rdbLoadObject with the default set-max-* limits (the
// reader has no config; the next SADD converts a set that is over a configured limit). A
// duplicated member, an empty set or an intset blob that is not strictly ascending is an
// error, as in Redis' deep integrity check.
//
// Thread: loop thread (load, RESTORE) or the snapshot child (write).
#pragma once

#include "keyspace/entry.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

bool load_set(RdbReader& r, RdbValue* out);
bool load_set_intset(RdbReader& r, RdbValue* out);
bool write_set(RdbWriter& w, const keyspace::Entry* e);

}  // namespace slotcache::persistence
