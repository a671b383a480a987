// LEB128 lengths for the items of the hash and set encodings (7 bits per byte, low bits first): one byte
// for lengths below 128, which covers every field and value of a listpack-encoded hash with
// the default limits. Internal to src/keyspace. Pure.
#pragma once

#include <cstddef>

namespace slotcache::keyspace {

inline size_t varint_len(size_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

inline char* put_varint(char* p, size_t v) {
    while (v >= 0x80) {
        *p++ = static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
}

// Precondition: p holds a complete varint written by put_varint (the buffers are ours).
inline const char* get_varint(const char* p, size_t* v) {
    size_t out = 0;
    int shift = 0;
    for (;;) {
        auto b = static_cast<unsigned char>(*p++);
        out |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            break;
        }
        shift += 7;
    }
    *v = out;
    return p;
}

}  // namespace slotcache::keyspace
