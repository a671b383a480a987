// LZF compressor and decompressor (format in lzf.h).
#include "persistence/lzf.h"

#include <cstring>

namespace slotcache::persistence {

namespace {

constexpr int kHashLog = 14;
constexpr size_t kMaxLiteral = 32;
constexpr size_t kMaxOffset = 8192;  // 13 bits, stored minus one
constexpr size_t kMaxRef = 264;      // 7 + 255 + 2

uint32_t hash3(const uint8_t* p) {
    uint32_t v = static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
    return (v * 2654435761u) >> (32 - kHashLog);
}

// Appends literal runs of in[from, to) to out; false when out_cap is exceeded.
bool emit_literals(const uint8_t* in, size_t from, size_t to, uint8_t* out, size_t out_cap,
                   size_t* op) {
    while (from < to) {
        size_t n = to - from < kMaxLiteral ? to - from : kMaxLiteral;
        if (*op + 1 + n > out_cap) {
            return false;
        }
        out[(*op)++] = static_cast<uint8_t>(n - 1);
        std::memcpy(out + *op, in + from, n);
        *op += n;
        from += n;
    }
    return true;
}

}  // namespace

LzfCompressor::LzfCompressor() : table_(size_t{1} << kHashLog, 0) {}

size_t LzfCompressor::compress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap) {
    size_t ip = 0, lit = 0, op = 0;
    while (ip + 2 < in_len) {
        uint32_t h = hash3(in + ip);
        size_t cand = table_[h];
        table_[h] = static_cast<uint32_t>(ip);
        if (cand < ip && ip - cand - 1 < kMaxOffset && std::memcmp(in + cand, in + ip, 3) == 0) {
            size_t max_len = in_len - ip < kMaxRef ? in_len - ip : kMaxRef;
            size_t len = 3;
            while (len < max_len && in[cand + len] == in[ip + len]) {
                len++;
            }
            if (!emit_literals(in, lit, ip, out, out_cap, &op) || op + 3 > out_cap) {
                return 0;
            }
            size_t off = ip - cand - 1;
            size_t l = len - 2;
            if (l < 7) {
                out[op++] = static_cast<uint8_t>(l << 5 | off >> 8);
            } else {
                out[op++] = static_cast<uint8_t>(7 << 5 | off >> 8);
                out[op++] = static_cast<uint8_t>(l - 7);
            }
            out[op++] = static_cast<uint8_t>(off & 0xff);
            ip += len;
            lit = ip;
        } else {
            ip++;
        }
    }
    if (!emit_literals(in, lit, in_len, out, out_cap, &op)) {
        return 0;
    }
    return op;
}

bool lzf_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) {
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        size_t ctrl = in[ip++];
        if (ctrl < kMaxLiteral) {
            size_t n = ctrl + 1;
            if (n > out_len - op || n > in_len - ip) {
                return false;
            }
            std::memcpy(out + op, in + ip, n);
            op += n;
            ip += n;
            continue;
        }
        size_t len = ctrl >> 5;
        if (ip >= in_len) {
            return false;
        }
        if (len == 7) {
            len += in[ip++];
            if (ip >= in_len) {
                return false;
            }
        }
        size_t back = ((ctrl & 0x1f) << 8 | in[ip++]) + 1;
        len += 2;
        if (back > op || len > out_len - op) {
            return false;
        }
        // Byte by byte: the source may overlap the bytes being produced (runs).
        for (size_t i = 0; i < len; i++, op++) {
            out[op] = out[op - back];
        }
    }
    return op == out_len;
}

}  // namespace slotcache::persistence
