// CRC64 (Jones polynomial, reflected), the checksum of RDB files and DUMP payloads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace slotcache {

// Continues a running checksum: crc64(crc64(0, a), b) == crc64(0, a+b).
uint64_t crc64(uint64_t crc, const void* buf, size_t len);

}  // namespace slotcache
