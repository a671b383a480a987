// The 24-bit access clock stored in every entry, with Redis' exact arithmetic so that OBJECT
// IDLETIME / OBJECT FREQ and eviction order match Redis 7 (evict.c).
//
// LRU mode: the field is the LRU clock, unix seconds modulo 2^24 (LRU_CLOCK_RESOLUTION 1000 ms);
// idle time handles one wrap-around. LFU mode: the high 16 bits are unix minutes modulo 2^16 of
// the last decrement, the low 8 bits a logarithmic counter (new keys start at LFU_INIT_VAL 5;
// an access increments with probability 1 / ((counter - 5) * lfu_log_factor + 1); the counter
// decreases by one per lfu_decay_time minutes of idleness).
//
// Pure functions (the random draw is a parameter) so tests pin the math. Any thread.
#pragma once

#include <cstdint>

namespace slotcache::keyspace {

constexpr uint32_t kLruClockMax = (1u << 24) - 1;
constexpr int64_t kLruClockResolutionMs = 1000;
constexpr uint8_t kLfuInitVal = 5;

// The LRU clock at now_ms.
uint32_t lru_clock(int64_t now_ms);
// Milliseconds since an entry with clock `lru` was touched, at clock `clock`.
uint64_t lru_idle_ms(uint32_t lru, uint32_t clock);

// Unix minutes modulo 2^16.
uint32_t lfu_minutes(int64_t now_ms);
// The field of a new entry in LFU mode: (minutes << 8) | kLfuInitVal.
uint32_t lfu_init(int64_t now_ms);
// Minutes elapsed since ldt (16-bit, one wrap-around).
uint32_t lfu_time_elapsed(uint32_t ldt, int64_t now_ms);
// The counter after decay (LFUDecrAndReturn); decay_time 0 disables decay. Does not store.
uint8_t lfu_decayed_counter(uint32_t field, int64_t now_ms, int decay_time);
// LFULogIncr with the uniform draw r in [0, 1) given.
uint8_t lfu_log_incr(uint8_t counter, int log_factor, double r);
// A full access (updateLFU): decay, increment, store the time. Returns the new field.
uint32_t lfu_touch(uint32_t field, int64_t now_ms, int log_factor, int decay_time, double r);

}  // namespace slotcache::keyspace
