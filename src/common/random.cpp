#include "common/random.h"

#include <sys/random.h>

#include <cstring>

namespace slotcache {

namespace {
// xoshiro256** state; seeded lazily from the OS on first use.
uint64_t g_s[4];
bool g_seeded = false;

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void seed() {
    for (auto& w : g_s) w = os_random_u64() | 1;
    g_seeded = true;
}
}  // namespace

uint64_t os_random_u64() {
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != static_cast<ssize_t>(sizeof(v))) {
        v = reinterpret_cast<uintptr_t>(&v) ^ 0x9e3779b97f4a7c15ULL;
    }
    return v;
}

uint64_t random_u64() {
    if (!g_seeded) seed();
    uint64_t result = rotl(g_s[1] * 5, 7) * 9;
    uint64_t t = g_s[1] << 17;
    g_s[2] ^= g_s[0];
    g_s[3] ^= g_s[1];
    g_s[1] ^= g_s[2];
    g_s[0] ^= g_s[3];
    g_s[2] ^= t;
    g_s[3] = rotl(g_s[3], 45);
    return result;
}

uint64_t random_below(uint64_t bound) {
    // Multiply-shift keeps the bias below 2^-64 * bound, irrelevant for sampling.
    return static_cast<uint64_t>((static_cast<unsigned __int128>(random_u64()) * bound) >> 64);
}

std::string random_hex(size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out(n, '0');
    unsigned char buf[256];
    size_t done = 0;
    while (done < n) {
        size_t want = (n - done + 1) / 2;
        if (want > sizeof(buf)) want = sizeof(buf);
        if (getrandom(buf, want, 0) != static_cast<ssize_t>(want)) {
            for (size_t i = 0; i < want; i++) buf[i] = static_cast<unsigned char>(random_u64());
        }
        for (size_t i = 0; i < want && done < n; i++) {
            out[done++] = digits[buf[i] & 15];
            if (done < n) out[done++] = digits[buf[i] >> 4];
        }
    }
    return out;
}

}  // namespace slotcache
