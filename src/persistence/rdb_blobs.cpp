#include "persistence/rdb_blobs.h"

#include <cstring>

namespace slotcache::persistence {

namespace {

using ItemFn = std::function<bool(const BlobItem&)>;

uint32_t le32(const unsigned char* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | p[1] << 8); }

// Sign-extends the low `bits` bits of v.
long long sign_extend(uint64_t v, int bits) {
    uint64_t sign = uint64_t(1) << (bits - 1);
    uint64_t mask = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
    v &= mask;
    return static_cast<long long>((v ^ sign) - sign);
}

uint64_t le_uint(const unsigned char* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

// ---- listpack -----------------------------------------------------------------------------

constexpr size_t kLpHeader = 6;
constexpr unsigned char kLpEof = 0xFF;
constexpr uint16_t kUnknownCount = 0xFFFF;

// Writes listpack's back-length of an entry of l bytes (encoding + data) into buf, as
// lpEncodeBacklen does; returns its size.
size_t lp_backlen(uint64_t l, unsigned char* buf) {
    size_t n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = static_cast<unsigned char>((l >> (7 * (n - 1 - i))) & 127);
        buf[i] = i == 0 ? b : b | 128;
    }
    return n;
}

// Parses the entry at p (rest bytes left before the terminator's position is not known here,
// so `rest` counts everything to the blob's end). Sets *size to encoding + data length.
bool lp_entry(const unsigned char* p, size_t rest, BlobItem* item, size_t* size) {
    unsigned char b = p[0];
    size_t hdr = 0;
    uint64_t len = 0;
    *item = BlobItem{};
    if ((b & 0x80) == 0) {
        item->is_int = true;
        item->ival = b & 0x7F;
        *size = 1;
        return true;
    }
    if ((b & 0xC0) == 0x80) {
        hdr = 1;
        len = b & 0x3F;
    } else if ((b & 0xE0) == 0xC0) {
        if (rest < 2) return false;
        item->is_int = true;
        item->ival = sign_extend(uint64_t(b & 0x1F) << 8 | p[1], 13);
        *size = 2;
        return true;
    } else if ((b & 0xF0) == 0xE0) {
        if (rest < 2) return false;
        hdr = 2;
        len = uint64_t(b & 0x0F) << 8 | p[1];
    } else if (b == 0xF0) {
        if (rest < 5) return false;
        hdr = 5;
        len = le32(p + 1);
    } else if (b >= 0xF1 && b <= 0xF4) {
        static constexpr int kBytes[] = {2, 3, 4, 8};
        int n = kBytes[b - 0xF1];
        if (rest < size_t(1 + n)) return false;
        item->is_int = true;
        item->ival = sign_extend(le_uint(p + 1, n), n * 8);
        *size = size_t(1 + n);
        return true;
    } else {
        return false;  // 0xF5..0xFE are unassigned; 0xFF is the caller's terminator
    }
    if (len > rest - hdr) return false;
    item->sval = {reinterpret_cast<const char*>(p + hdr), static_cast<size_t>(len)};
    *size = hdr + static_cast<size_t>(len);
    return true;
}

// One pass over a listpack: validates everything when fn is null, else calls it per element
// (the blob was validated by a previous pass).
bool walk_listpack(std::string_view blob, const ItemFn* fn, size_t* count) {
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    size_t n = blob.size();
    if (n < kLpHeader + 1 || le32(p) != n || p[n - 1] != kLpEof) return false;
    uint16_t declared = le16(p + 4);
    size_t pos = kLpHeader;
    size_t items = 0;
    while (p[pos] != kLpEof) {
        BlobItem item;
        size_t size = 0;
        // The terminator occupies the last byte: entries end before it.
        if (!lp_entry(p + pos, n - 1 - pos, &item, &size)) return false;
        unsigned char expect[5];
        size_t blen = lp_backlen(size, expect);
        if (size + blen > n - 1 - pos) return false;
        if (std::memcmp(p + pos + size, expect, blen) != 0) return false;
        pos += size + blen;
        items++;
        if (fn != nullptr && !(*fn)(item)) return false;
    }
    if (pos != n - 1) return false;
    if (declared != kUnknownCount && declared != items) return false;
    if (count != nullptr) *count = items;
    return true;
}

// ---- ziplist ------------------------------------------------------------------------------

constexpr size_t kZlHeader = 10;
constexpr unsigned char kZlEnd = 0xFF;

// Parses the entry at p (rest bytes before the end marker). Sets *size to the whole entry
// (prevlen + encoding + data) and *prevlen to its recorded previous-entry length.
bool zl_entry(const unsigned char* p, size_t rest, BlobItem* item, size_t* size,
              uint64_t* prevlen) {
    size_t pl = 0;
    if (rest < 1) return false;
    if (p[0] < 254) {
        pl = 1;
        *prevlen = p[0];
    } else if (p[0] == 254) {
        if (rest < 5) return false;
        pl = 5;
        *prevlen = le32(p + 1);
    } else {
        return false;
    }
    if (rest - pl < 1) return false;
    const unsigned char* e = p + pl;
    size_t left = rest - pl;
    unsigned char b = e[0];
    *item = BlobItem{};
    size_t hdr = 0;
    uint64_t len = 0;
    switch (b & 0xC0) {
        case 0x00: hdr = 1; len = b & 0x3F; break;
        case 0x40:
            if (left < 2) return false;
            hdr = 2;
            len = uint64_t(b & 0x3F) << 8 | e[1];
            break;
        case 0x80:
            if (b != 0x80 || left < 5) return false;
            hdr = 5;
            len = uint64_t(e[1]) << 24 | uint64_t(e[2]) << 16 | uint64_t(e[3]) << 8 | e[4];
            break;
        default: {
            int bytes = 0;
            switch (b) {
                case 0xC0: bytes = 2; break;
                case 0xD0: bytes = 4; break;
                case 0xE0: bytes = 8; break;
                case 0xF0: bytes = 3; break;
                case 0xFE: bytes = 1; break;
                default:
                    if (b >= 0xF1 && b <= 0xFD) {
                        item->is_int = true;
                        item->ival = (b & 0x0F) - 1;
                        *size = pl + 1;
                        return true;
                    }
                    return false;  // 0xFF is the end marker, the rest unassigned
            }
            if (left < size_t(1 + bytes)) return false;
            item->is_int = true;
            item->ival = sign_extend(le_uint(e + 1, bytes), bytes * 8);
            *size = pl + 1 + size_t(bytes);
            return true;
        }
    }
    if (len > left - hdr) return false;
    item->sval = {reinterpret_cast<const char*>(e + hdr), static_cast<size_t>(len)};
    *size = pl + hdr + static_cast<size_t>(len);
    return true;
}

bool walk_ziplist(std::string_view blob, const ItemFn* fn, size_t* count) {
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    size_t n = blob.size();
    if (n < kZlHeader + 1 || le32(p) != n || p[n - 1] != kZlEnd) return false;
    uint32_t tail = le32(p + 4);
    uint16_t declared = le16(p + 8);
    size_t pos = kZlHeader;
    size_t prev_size = 0;
    size_t last = kZlHeader;
    size_t items = 0;
    while (p[pos] != kZlEnd) {
        BlobItem item;
        size_t size = 0;
        uint64_t prevlen = 0;
        if (!zl_entry(p + pos, n - 1 - pos, &item, &size, &prevlen)) return false;
        if (prevlen != prev_size) return false;
        last = pos;
        prev_size = size;
        pos += size;
        items++;
        if (fn != nullptr && !(*fn)(item)) return false;
    }
    if (pos != n - 1 || tail != last) return false;
    if (declared != kUnknownCount && declared != items) return false;
    if (count != nullptr) *count = items;
    return true;
}

}  // namespace

bool decode_listpack(std::string_view blob, const ItemFn& fn) {
    return walk_listpack(blob, nullptr, nullptr) && walk_listpack(blob, &fn, nullptr);
}

bool listpack_count(std::string_view blob, size_t* count) {
    return walk_listpack(blob, nullptr, count);
}

bool decode_ziplist(std::string_view blob, const ItemFn& fn) {
    return walk_ziplist(blob, nullptr, nullptr) && walk_ziplist(blob, &fn, nullptr);
}

bool ziplist_count(std::string_view blob, size_t* count) {
    return walk_ziplist(blob, nullptr, count);
}

bool decode_intset(std::string_view blob, const std::function<bool(long long)>& fn) {
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    if (blob.size() < 8) return false;
    uint32_t width = le32(p);
    uint32_t len = le32(p + 4);
    if (width != 2 && width != 4 && width != 8) return false;
    if (len == 0 || (blob.size() - 8) / width != len || (blob.size() - 8) % width != 0) {
        return false;
    }
    int bits = static_cast<int>(width * 8);
    for (uint32_t i = 1; i < len; i++) {
        long long a = sign_extend(le_uint(p + 8 + (i - 1) * width, int(width)), bits);
        long long b = sign_extend(le_uint(p + 8 + i * width, int(width)), bits);
        if (a >= b) return false;
    }
    for (uint32_t i = 0; i < len; i++) {
        if (!fn(sign_extend(le_uint(p + 8 + i * width, int(width)), bits))) return false;
    }
    return true;
}

namespace {

constexpr unsigned char kZmBigLen = 254;
constexpr unsigned char kZmEnd = 255;

// A zipmap length at p[*pos]; advances *pos.
bool zm_len(const unsigned char* p, size_t n, size_t* pos, uint64_t* len) {
    if (*pos >= n) return false;
    unsigned char b = p[*pos];
    if (b < kZmBigLen) {
        *len = b;
        *pos += 1;
        return true;
    }
    if (b != kZmBigLen || n - *pos < 5) return false;
    *len = le32(p + *pos + 1);
    *pos += 5;
    return true;
}

using PairFn = std::function<bool(std::string_view, std::string_view)>;

bool walk_zipmap(std::string_view blob, const PairFn* fn) {
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    size_t n = blob.size();
    if (n < 2 || p[n - 1] != kZmEnd) return false;
    unsigned char declared = p[0];
    size_t pos = 1;
    size_t pairs = 0;
    // Everything before the final end byte; the loop stops on an end byte inside it.
    size_t limit = n - 1;
    while (pos < limit && p[pos] != kZmEnd) {
        uint64_t klen = 0, vlen = 0;
        if (!zm_len(p, limit, &pos, &klen) || klen > limit - pos) return false;
        std::string_view key(blob.data() + pos, static_cast<size_t>(klen));
        pos += static_cast<size_t>(klen);
        if (!zm_len(p, limit, &pos, &vlen) || pos >= limit) return false;
        size_t free_bytes = p[pos++];
        if (vlen > limit - pos || free_bytes > limit - pos - vlen) return false;
        std::string_view value(blob.data() + pos, static_cast<size_t>(vlen));
        pos += static_cast<size_t>(vlen) + free_bytes;
        pairs++;
        if (fn != nullptr && !(*fn)(key, value)) return false;
    }
    if (pos != limit) return false;
    if (declared < kZmBigLen && declared != pairs) return false;
    return true;
}

}  // namespace

bool decode_zipmap(std::string_view blob, const PairFn& fn) {
    return walk_zipmap(blob, nullptr) && walk_zipmap(blob, &fn);
}

}  // namespace slotcache::persistence
