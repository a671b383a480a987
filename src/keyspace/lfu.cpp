// LRU clock and LFU counter arithmetic, transcribed from Redis 7 evict.c (see lfu.h).
// Pure functions; any thread.
#include "keyspace/lfu.h"

namespace slotcache::keyspace {

uint32_t lru_clock(int64_t now_ms) {
    return static_cast<uint32_t>(now_ms / kLruClockResolutionMs) & kLruClockMax;
}

uint64_t lru_idle_ms(uint32_t lru, uint32_t clock) {
    uint64_t ticks = clock >= lru ? clock - lru : clock + (kLruClockMax - lru);
    return ticks * kLruClockResolutionMs;
}

uint32_t lfu_minutes(int64_t now_ms) {
    return static_cast<uint32_t>(now_ms / 1000 / 60) & 0xFFFF;
}

uint32_t lfu_init(int64_t now_ms) { return (lfu_minutes(now_ms) << 8) | kLfuInitVal; }

uint32_t lfu_time_elapsed(uint32_t ldt, int64_t now_ms) {
    uint32_t now = lfu_minutes(now_ms);
    if (now >= ldt) {
        return now - ldt;
    }
    return 65535 - ldt + now;
}

uint8_t lfu_decayed_counter(uint32_t field, int64_t now_ms, int decay_time) {
    uint32_t ldt = (field >> 8) & 0xFFFF;
    uint32_t counter = field & 0xFF;
    uint32_t periods = decay_time > 0 ? lfu_time_elapsed(ldt, now_ms) / decay_time : 0;
    if (periods > 0) {
        counter = periods > counter ? 0 : counter - periods;
    }
    return static_cast<uint8_t>(counter);
}

uint8_t lfu_log_incr(uint8_t counter, int log_factor, double r) {
    if (counter == 255) {
        return 255;
    }
    double baseval = static_cast<double>(counter) - kLfuInitVal;
    if (baseval < 0) {
        baseval = 0;
    }
    double p = 1.0 / (baseval * log_factor + 1);
    return r < p ? static_cast<uint8_t>(counter + 1) : counter;
}

uint32_t lfu_touch(uint32_t field, int64_t now_ms, int log_factor, int decay_time, double r) {
    uint8_t counter = lfu_decayed_counter(field, now_ms, decay_time);
    counter = lfu_log_incr(counter, log_factor, r);
    return (lfu_minutes(now_ms) << 8) | counter;
}

}  // namespace slotcache::keyspace
