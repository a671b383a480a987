// Fast non-cryptographic randomness for sampling (eviction, expiry, RANDOMKEY) and the random
// node/replication IDs. Seeded from getrandom() at start; the loop thread owns the generator.
#pragma once

#include <cstdint>
#include <string>

namespace slotcache {

uint64_t random_u64();
// Uniform in [0, bound); bound > 0.
uint64_t random_below(uint64_t bound);
// n lowercase hex characters from the OS entropy source (node IDs, replication IDs).
std::string random_hex(size_t n);
// 64 random bits from the OS (hash seeds).
uint64_t os_random_u64();

}  // namespace slotcache
