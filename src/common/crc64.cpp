// Jones CRC64 as Redis uses it: reflected polynomial 0x95ac9329ac4bc9b5, init 0, no final xor.
// Byte-at-a-time with a compile-time table; snapshots are I/O bound long before this matters.
#include "common/crc64.h"

#include <array>

namespace slotcache {

namespace {

constexpr std::array<uint64_t, 256> make_table() {
    std::array<uint64_t, 256> t{};
    for (uint64_t i = 0; i < 256; i++) {
        uint64_t crc = i;
        for (int b = 0; b < 8; b++) {
            crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
        }
        t[i] = crc;
    }
    return t;
}

constexpr auto kTable = make_table();

}  // namespace

uint64_t crc64(uint64_t crc, const void* buf, size_t len) {
    auto p = static_cast<const uint8_t*>(buf);
    for (size_t i = 0; i < len; i++) {
        crc = kTable[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    }
    return crc;
}

}  // namespace slotcache
