// Table-driven CRC16 (polynomial 0x1021, initial 0, no reflection): the XMODEM variant the
// Redis Cluster spec uses. The table is computed at compile time rather than pasted in.
#include "common/crc16.h"

#include <array>

namespace slotcache {

namespace {

constexpr std::array<uint16_t, 256> make_table() {
    std::array<uint16_t, 256> t{};
    for (int i = 0; i < 256; i++) {
        uint16_t crc = static_cast<uint16_t>(i << 8);
        for (int b = 0; b < 8; b++) {
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
        }
        t[i] = crc;
    }
    return t;
}

constexpr auto kTable = make_table();

}  // namespace

uint16_t crc16(const char* buf, size_t len) {
    uint16_t crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc = static_cast<uint16_t>((crc << 8) ^
                                    kTable[((crc >> 8) ^ static_cast<uint8_t>(buf[i])) & 0xff]);
    }
    return crc;
}

uint16_t key_slot(std::string_view key) {
    size_t open = key.find('{');
    if (open != std::string_view::npos) {
        size_t close = key.find('}', open + 1);
        if (close != std::string_view::npos && close != open + 1) {
            return crc16(key.data() + open + 1, close - open - 1) & (kSlotCount - 1);
        }
    }
    return crc16(key.data(), key.size()) & (kSlotCount - 1);
}

}  // namespace slotcache
