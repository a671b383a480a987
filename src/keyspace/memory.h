// Memory accounting: used_memory (checked before every write command against maxmemory),
// its peak, and the allocator statistics INFO memory prints.
//
// With jemalloc (SLOTCACHE_JEMALLOC defined) used_memory is the sum over registered threads of
// thread.allocated - thread.deallocated, read through the pointers jemalloc hands out once
// (thread.allocatedp / thread.deallocatedp): two loads per thread, no mallctl per call. A block
// freed on a thread other than the one that allocated it shows up as a negative on the freeing
// thread, so the sum is right as long as every thread that allocates or frees data registers
// (the loop thread and a lazy-free thread). Rejected: stats.allocated (needs an epoch refresh,
// a global lock), a counting wrapper around malloc (a cost on every allocation).
// Without jemalloc: mallinfo2() (uordblks + hblkhd), slower but only for MALLOC=libc builds.
//
// register_thread / unregister_thread run on the thread concerned; everything else on the loop
// thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace slotcache::keyspace {

// Registers the calling thread's counters (idempotent). The loop thread registers at start-up;
// used_memory() registers the calling thread on first use too.
void register_thread();
// Folds the calling thread's final counters into a base and drops its pointers; a registered
// thread must call this before it exits.
void unregister_thread();

// Bytes allocated by the process's registered threads. Cheap: a few loads.
size_t used_memory();
// The peak of used_memory as last observed by update_peak() (call it from the cron and after
// big writes; used_memory() itself does not update it, to stay a pure read).
size_t used_memory_peak();
void update_peak();
void reset_peak();  // MEMORY RESET-STATS / CONFIG RESETSTAT

// The size class the allocator gives a request of n bytes (nallocx; glibc's chunk arithmetic).
size_t alloc_size_class(size_t n);
// The usable size of a live block (sallocx / malloc_usable_size).
size_t alloc_usable_size(const void* p);
// The usable size of block p that was allocated with some size in the same class as
// `requested`: nallocx(requested) with jemalloc (arithmetic, no lookup), else
// malloc_usable_size(p) (exact under sanitizers, which give no slack).
size_t block_capacity(const void* p, size_t requested);

struct AllocatorStats {
    bool available = false;  // false without jemalloc: the other fields are 0
    size_t allocated = 0;    // stats.allocated
    size_t active = 0;       // stats.active
    size_t resident = 0;     // stats.resident
    size_t mapped = 0;       // stats.mapped
    size_t retained = 0;     // stats.retained
    // INFO's allocator_frag_ratio (active / allocated) and allocator_frag_bytes.
    double frag_ratio = 0;
    long long frag_bytes = 0;
    // INFO's allocator_rss_ratio (resident / active) and allocator_rss_bytes.
    double rss_ratio = 0;
    long long rss_bytes = 0;
};

// Refreshes jemalloc's statistics (mallctl "epoch") and reads them. Takes jemalloc's stats
// lock: call from INFO and the cron, not per command.
AllocatorStats allocator_stats();
// "jemalloc-5.3.0" or "libc", INFO's mem_allocator.
const char* allocator_name();

}  // namespace slotcache::keyspace
