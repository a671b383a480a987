// The RDB reader: loads what Redis 7.0 (RDB version <= 10) writes, from any Source, into a
// keyspace::Keyspace; also the value decoder behind RESTORE.
//
// Every string encoding is read: 6/14/32/64-bit lengths, INT8/16/32 integers, LZF. Opcodes:
// AUX (repl-id, repl-offset, repl-stream-db, redis-ver, ctime are kept for the caller),
// SELECTDB, RESIZEDB, EXPIRETIME(_MS), IDLE and FREQ (read and dropped: a loaded key gets a
// fresh clock), MODULE_AUX (skipped through its self-describing opcode stream, as
// redis-check-rdb does), FUNCTION/FUNCTION2 (refused: slotcache has no functions, and dropping
// a library silently would lose data). Value types go through a table indexed by the RDB type
// byte; types slotcache does not store yet fail with "unsupported type N (name)", so issue 8
// adds a loader per type and nothing else.
//
// Bad input: every length is checked against Source::remaining() (and kMaxStringLen) before
// anything is allocated; LZF's plain length against the most a compressed length can expand
// to. Any failure gives false and an error "offset N: what", never a crash or an abort.
//
// Loading rules (rdbLoadRioWithLoadingCtx): on a master a key whose TTL is already in the past
// is skipped; a replica (LoadOptions::replica) keeps it and waits for the master's DEL. A key
// present twice in one Db is an error. A failed load leaves the keys read so far in place: the
// caller decides (start-up exits, a full sync flushes).
//
// Thread: loop thread (start-up, RESTORE, a replica's load).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "keyspace/keyspace.h"
#include "persistence/rdb_io.h"

namespace slotcache::persistence {

// One decoded value, ready to be inserted.
struct RdbValue {
    keyspace::Type type = keyspace::Type::String;
    std::string str;  // Type::String
    keyspace::Encoding encoding = keyspace::Encoding::Raw;  // collections
    std::unique_ptr<keyspace::Object> object;              // collections
};

class RdbReader {
public:
    explicit RdbReader(Source& src) : src_(src) {}
    RdbReader(const RdbReader&) = delete;
    RdbReader& operator=(const RdbReader&) = delete;

    // Each returns false after recording an error (fail()).
    bool read_raw(void* dst, size_t n);
    bool read_u8(uint8_t* b) { return read_raw(b, 1); }
    // A length; *encoded is set when the byte announces a special string encoding, and then
    // *len is that encoding (kEncInt8 ...).
    bool read_length(uint64_t* len, bool* encoded);
    // A plain length (an encoded form is an error). what names it in the error.
    bool read_len(uint64_t* len, const char* what);
    bool read_string(std::string* out);
    bool read_millis(int64_t* ms);
    // For loaders of counted structures: n items of at least min_bytes each must fit in what
    // remains.
    bool check_count(uint64_t n, uint64_t min_bytes, const char* what);

    // Records "offset N: msg" (the first error wins) and returns false.
    bool fail(std::string_view msg);
    const std::string& error() const { return error_; }
    uint64_t offset() const { return src_.offset(); }
    // CRC64 of every byte read so far.
    uint64_t crc() const { return crc_; }

private:
    Source& src_;
    uint64_t crc_ = 0;
    std::string error_;
};

// Reads a value of RDB type `type` (the byte before a key, or the first byte of a DUMP
// payload). False with the reader's error for unknown or unsupported types.
bool read_value(RdbReader& r, uint8_t type, RdbValue* out);

// Adds key to db with v (moved from). False, changing nothing, when key already exists.
// expire_at: absolute unix ms or keyspace::kNoExpire.
bool insert_value(keyspace::Db& db, std::string_view key, RdbValue&& v, int64_t expire_at,
                  int64_t now_ms);

struct LoadOptions {
    int64_t now_ms = 0;
    bool replica = false;          // keep keys whose TTL is in the past
    bool verify_checksum = true;   // rdbchecksum
};

// AUX fields the server may act on (a restarted master or replica resumes replication from
// repl-id/repl-offset; Redis' rdbSaveInfo).
struct RdbAuxInfo {
    std::string redis_ver;
    std::string repl_id;
    long long repl_offset = -1;   // -1: absent
    int repl_stream_db = -1;      // -1: absent
    long long ctime = 0;
};

struct LoadStats {
    int rdb_version = 0;
    uint64_t keys_loaded = 0;
    uint64_t expired_skipped = 0;
    uint64_t module_aux_skipped = 0;
    RdbAuxInfo aux;
};

// Loads a whole RDB (header to checksum) into ks. Bytes after the checksum are not read.
// False with *err = "offset N: ..." on malformed input, a Db index >= ks.db_count(), a
// duplicated key, a function library, an unsupported type or a checksum mismatch.
bool load_rdb(Source& src, keyspace::Keyspace& ks, const LoadOptions& opts, LoadStats* stats,
              std::string* err);

}  // namespace slotcache::persistence
