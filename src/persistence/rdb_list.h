// RDB codec of lists: the loaders of every list encoding Redis 7.0 reads (1 list of strings,
// 10 list-ziplist, 14 quicklist of ziplists, 18 quicklist-2 of PLAIN/PACKED listpack nodes)
// and the writer (type 18: each of our nodes is a listpack already, written as one PACKED node,
// which is what redis-server 7.0 writes and loads).
//
// Every count is checked against the bytes remaining before anything is allocated, every blob
// is validated whole (rdb_blobs.h) before its elements are used; an empty list is an error
// (Redis skips such keys in a file and refuses them in RESTORE).
//
// Thread: loop thread, and the snapshot child (writer).
#pragma once

#include "keyspace/entry.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

bool load_list_plain(RdbReader& r, RdbValue* out);
bool load_list_ziplist(RdbReader& r, RdbValue* out);
bool load_list_quicklist(RdbReader& r, RdbValue* out);
bool load_list_quicklist2(RdbReader& r, RdbValue* out);

// The payload of a Type::List entry after its type byte (kTypeListQuicklist2).
bool write_list_value(RdbWriter& w, const keyspace::Entry* e);

}  // namespace slotcache::persistence
