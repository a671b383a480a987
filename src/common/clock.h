// Wall and monotonic time. Expiry uses wall-clock milliseconds (TTLs are absolute Unix times,
// as in Redis); timeouts and latency use the monotonic clock.
#pragma once

#include <cstdint>

namespace slotcache {

int64_t unix_ms();       // wall clock, milliseconds since the epoch
int64_t unix_us();       // wall clock, microseconds since the epoch
int64_t monotonic_us();  // steady clock, microseconds, arbitrary origin

}  // namespace slotcache
