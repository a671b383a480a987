// CRC16-CCITT (XMODEM), the checksum Redis Cluster maps keys to hash slots with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slotcache {

uint16_t crc16(const char* buf, size_t len);

constexpr int kSlotCount = 16384;

// The hash slot of a key: CRC16 of the {hash tag} if the key has a non-empty one (the bytes
// between the first '{' and the first '}' after it), else of the whole key, modulo 16384.
uint16_t key_slot(std::string_view key);

}  // namespace slotcache
