// DUMP / RESTORE payloads (Redis' createDumpPayload / verifyDumpPayload): the value in RDB form
// (type byte + value, no key), then the RDB version as 2 bytes little-endian, then the CRC64 of
// everything before it, 8 bytes little-endian.
//
// A payload from Redis 7.0 (or any older RDB version) restores here and ours restore in Redis
// 7.0, so MIGRATE and `redis-cli --cluster import` move keys both ways.
//
// Pure; loop thread in practice.
#pragma once

#include <string>
#include <string_view>

#include "keyspace/entry.h"
#include "persistence/rdb_reader.h"

namespace slotcache::persistence {

// "ERR DUMP payload version or checksum are wrong"
constexpr std::string_view kDumpPayloadError = "ERR DUMP payload version or checksum are wrong";
// What RESTORE replies when the payload verifies but does not decode (Redis: "Bad data format").
constexpr std::string_view kBadDataFormat = "ERR Bad data format";

// The payload of e's value. compress: rdbcompression. False only for a value type without an
// RDB writer (none today).
bool dump_payload(const keyspace::Entry* e, bool compress, std::string* out);

// True when the trailer's version is <= ours and the checksum matches (verifyDumpPayload).
bool verify_dump_payload(std::string_view payload);

// Decodes a verified payload into *out. False (with *err naming the offset) when the body is
// malformed or its type unsupported; the command replies kBadDataFormat.
bool decode_dump_payload(std::string_view payload, RdbValue* out, std::string* err);

}  // namespace slotcache::persistence
