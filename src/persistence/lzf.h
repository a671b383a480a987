// LZF, the compression of RDB strings (Marc Lehmann's format, as Redis vendors it in lzf_c.c /
// lzf_d.c). Our own implementation of the same byte format.
//
// Format: a stream of items. Control byte c < 32: a literal run of c+1 bytes follows. Otherwise
// a back reference: length field L = c >> 5 (7 means "one more length byte follows, added"),
// offset = ((c & 31) << 8 | next byte) + 1 bytes back from the output position; it copies
// L + 2 bytes (so 3..264), possibly overlapping the bytes it produces.
//
// The compressor is greedy with a 3-byte hash table that is never cleared between calls: a
// stale slot is harmless because a candidate is used only when its bytes match at a position
// before the current one in the current input. Rejected: liblzf's exact parser (same format,
// more code; byte-identical output is not needed, Redis only needs to decompress it).
//
// Pure, any thread (one LzfCompressor per thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace slotcache::persistence {

// One back reference copies at most 264 bytes from 3 input bytes: a compressed length below
// (plain length / kLzfMaxRatio) is corrupt, which bounds what a bad header makes us allocate.
constexpr uint64_t kLzfMaxRatio = 88;

class LzfCompressor {
public:
    LzfCompressor();
    // Compresses in into out (out_cap bytes). Returns the compressed length, or 0 when the
    // result would not fit in out_cap (the caller then stores the bytes plainly).
    size_t compress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap);

private:
    std::vector<uint32_t> table_;
};

// Decompresses exactly out_len bytes. False when the input is malformed (a reference before
// the start, a run past either end) or does not produce exactly out_len bytes.
bool lzf_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len);

}  // namespace slotcache::persistence
