// The RDB writer: serialises the keyspace (or one value, for DUMP) in RDB version 10, the
// format Redis 7.0 writes and loads, to any Sink (file, socket, memory).
//
// Approach: RdbWriter holds the running CRC64 and the LZF scratch; write_rdb() walks each Db
// with Db::scan_step (const; nothing modifies the keyspace while we write: SAVE runs on the
// loop thread, BGSAVE in a forked child that owns a frozen copy), so every key is written
// exactly once. Strings use Redis' choices: INT8/16/32 when the text is the canonical form of
// an integer of at most 11 characters, else LZF when rdbcompression is on, the string is over
// 20 bytes and compression saves more than 4 bytes, else plain.
//
// Values are written through a table indexed by keyspace::Type, so collection types (issue 8)
// add one writer each without touching the walk.
//
// Rejected: IDLE/FREQ opcodes on write (Redis writes them only under LRU/LFU maxmemory
// policies; a loader without them gives keys a fresh clock, which is what a restart means).
//
// Thread: the loop thread (SAVE, DUMP) or a forked child (BGSAVE, full sync).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/keyspace.h"
#include "persistence/lzf.h"
#include "persistence/rdb_io.h"

namespace slotcache::persistence {

// The replication fields a snapshot carries (AUX repl-id, repl-offset, repl-stream-db), so a
// replica or a restarted master can continue with a partial resync.
struct ReplInfo {
    std::string repl_id;
    long long repl_offset = 0;
    int repl_stream_db = 0;
};

struct WriteOptions {
    int64_t now_ms = 0;    // AUX ctime (seconds are written)
    size_t used_mem = 0;   // AUX used-mem
    bool compress = true;  // rdbcompression
    bool checksum = true;  // rdbchecksum: false writes a zero checksum
    const ReplInfo* repl = nullptr;  // nullptr: no repl-* AUX fields (borrowed for the call)
};

class RdbWriter {
public:
    RdbWriter(Sink& sink, bool compress) : sink_(sink), compress_(compress) {}
    RdbWriter(const RdbWriter&) = delete;
    RdbWriter& operator=(const RdbWriter&) = delete;

    bool write_raw(const void* p, size_t n);
    bool write_u8(uint8_t b) { return write_raw(&b, 1); }
    bool write_length(uint64_t len);
    // A string in Redis' preferred encoding (see the file comment).
    bool write_string(std::string_view s);
    bool write_millis(int64_t ms);

    bool write_header();
    bool write_aux(std::string_view name, std::string_view value);
    bool write_aux_int(std::string_view name, long long value);
    bool write_select_db(int db);
    bool write_resize_db(uint64_t db_size, uint64_t expires_size);
    // [EXPIRETIME_MS] type key value. False on a sink error or a value type we cannot write.
    bool write_key(const keyspace::Entry* e);
    // type byte + value (the body of a DUMP payload).
    bool write_value(const keyspace::Entry* e);
    // EOF opcode + the CRC64 of everything written so far (or zeros), little-endian.
    bool write_eof(bool checksum);

    uint64_t crc() const { return crc_; }

private:
    Sink& sink_;
    bool compress_;
    uint64_t crc_ = 0;
    LzfCompressor lzf_;
    std::vector<uint8_t> scratch_;
};

// Writes the whole keyspace: header, AUX fields, each non-empty Db (SELECTDB, RESIZEDB, keys),
// EOF and checksum, then flushes the sink. Expired keys still present are written (as Redis
// does; the loader drops them). False on a sink error.
bool write_rdb(const keyspace::Keyspace& ks, Sink& sink, const WriteOptions& opts);

}  // namespace slotcache::persistence
