// The RDB file format's constants, as Redis 7.0 (RDB version 10) defines them in rdb.h: opcodes,
// value types, length and string encodings. Shared by the writer and the reader; no code.
//
// Layout of a file: "REDIS" + 4-digit version, then opcodes (AUX, MODULE_AUX, FUNCTION2,
// SELECTDB, RESIZEDB), each key as [EXPIRETIME_MS ms] [IDLE n | FREQ b] type key value, then
// EOF and an 8-byte little-endian CRC64 of everything before it (0 = not computed).
//
// Lengths: the top two bits of the first byte pick 6-bit (00), 14-bit (01, big-endian over two
// bytes), 32/64-bit (0x80/0x81, then big-endian) or a special string encoding (11: INT8, INT16,
// INT32 little-endian, or LZF: compressed length, plain length, then the compressed bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace slotcache::persistence {

// The version we write and the newest we read (Redis 7.0). Older versions load (their
// encodings are a subset for strings); newer ones are refused, as Redis 7.0 refuses them.
constexpr int kRdbVersion = 10;

enum RdbOpcode : uint8_t {
    kOpFunction2 = 245,  // a function library (Redis 7.0 GA)
    kOpFunction = 246,   // a function library (7.0 release candidates)
    kOpModuleAux = 247,
    kOpIdle = 248,  // LRU idle time of the next key, seconds
    kOpFreq = 249,  // LFU counter of the next key, one byte
    kOpAux = 250,
    kOpResizeDb = 251,
    kOpExpireTimeMs = 252,
    kOpExpireTime = 253,  // seconds, 4 bytes (RDB < 3)
    kOpSelectDb = 254,
    kOpEof = 255,
};

// Value types (the byte before a key). Only kTypeString is loaded today; the others are named
// so that "unsupported type N" errors and the loader table read plainly.
enum RdbType : uint8_t {
    kTypeString = 0,
    kTypeList = 1,
    kTypeSet = 2,
    kTypeZSet = 3,
    kTypeHash = 4,
    kTypeZSet2 = 5,
    kTypeModule = 6,
    kTypeModule2 = 7,
    kTypeHashZipmap = 9,
    kTypeListZiplist = 10,
    kTypeSetIntset = 11,
    kTypeZSetZiplist = 12,
    kTypeHashZiplist = 13,
    kTypeListQuicklist = 14,
    kTypeStreamListpacks = 15,
    kTypeHashListpack = 16,
    kTypeZSetListpack = 17,
    kTypeListQuicklist2 = 18,
    kTypeStreamListpacks2 = 19,
    kTypeMax = 19,  // the last type Redis 7.0 knows
};

// Length encodings (top two bits of the first byte).
constexpr uint8_t kLen6Bit = 0;
constexpr uint8_t kLen14Bit = 1;
constexpr uint8_t kLen32Bit = 0x80;
constexpr uint8_t kLen64Bit = 0x81;
constexpr uint8_t kLenEncoded = 3;

// Special string encodings (low 6 bits when the top two bits are 11).
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

// Module value opcodes (the self-describing form of MODULE_AUX payloads, rdb.h RDB_MODULE_OPCODE_*).
constexpr uint64_t kModuleOpEof = 0;
constexpr uint64_t kModuleOpSint = 1;
constexpr uint64_t kModuleOpUint = 2;
constexpr uint64_t kModuleOpFloat = 3;
constexpr uint64_t kModuleOpDouble = 4;
constexpr uint64_t kModuleOpString = 5;

// The largest string the reader accepts (Redis' default proto-max-bulk-len): bounds what a
// corrupt LZF header can make us allocate.
constexpr uint64_t kMaxStringLen = 512ull * 1024 * 1024;

// Strings are LZF-compressed only above this length (rdbSaveRawString), and only when that
// saves more than 4 bytes (rdbSaveLzfStringObject).
constexpr size_t kLzfMinLen = 21;

}  // namespace slotcache::persistence
