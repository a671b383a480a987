#include "common/clock.h"

#include <ctime>

namespace slotcache {

namespace {
int64_t read_us(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
}  // namespace

int64_t unix_ms() { return read_us(CLOCK_REALTIME) / 1000; }
int64_t unix_us() { return read_us(CLOCK_REALTIME); }
int64_t monotonic_us() { return read_us(CLOCK_MONOTONIC); }

}  // namespace slotcache
