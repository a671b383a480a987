// used_memory from jemalloc's per-thread counters, or mallinfo2() without jemalloc; allocator
// statistics for INFO (see memory.h). Thread: register/unregister on the thread concerned,
// the rest on the loop thread; the registry is guarded by a mutex because registration happens
// on other threads, while used_memory() reads a snapshot array without locking.
#include "keyspace/memory.h"

#include <malloc.h>

#include <atomic>
#include <cstring>
#include <mutex>

#ifdef SLOTCACHE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif
#ifdef __SANITIZE_ADDRESS__
// Exported by the ASan runtime (gcc and clang); gcc ships no header declaring it.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace slotcache::keyspace {

namespace {

size_t g_peak = 0;

#ifdef SLOTCACHE_JEMALLOC

constexpr int kMaxThreads = 8;

struct ThreadCounters {
    std::atomic<const uint64_t*> allocated{nullptr};
    std::atomic<const uint64_t*> deallocated{nullptr};
};

ThreadCounters g_threads[kMaxThreads];
// Net bytes of threads that unregistered (their counters are gone with them).
std::atomic<int64_t> g_base{0};
std::mutex g_mu;
thread_local int t_index = -1;

uint64_t read_counter(const uint64_t* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

#endif

}  // namespace

void register_thread() {
#ifdef SLOTCACHE_JEMALLOC
    if (t_index >= 0) {
        return;
    }
    uint64_t* ap = nullptr;
    uint64_t* dp = nullptr;
    size_t sz = sizeof(ap);
    if (mallctl("thread.allocatedp", &ap, &sz, nullptr, 0) != 0 ||
        mallctl("thread.deallocatedp", &dp, &sz, nullptr, 0) != 0) {
        return;
    }
    std::lock_guard<std::mutex> lock(g_mu);
    for (int i = 0; i < kMaxThreads; i++) {
        if (g_threads[i].allocated.load() == nullptr) {
            g_threads[i].deallocated.store(dp);
            g_threads[i].allocated.store(ap);
            t_index = i;
            return;
        }
    }
#endif
}

void unregister_thread() {
#ifdef SLOTCACHE_JEMALLOC
    if (t_index < 0) {
        return;
    }
    std::lock_guard<std::mutex> lock(g_mu);
    ThreadCounters& t = g_threads[t_index];
    int64_t net = static_cast<int64_t>(read_counter(t.allocated.load()) -
                                       read_counter(t.deallocated.load()));
    g_base.fetch_add(net);
    t.allocated.store(nullptr);
    t.deallocated.store(nullptr);
    t_index = -1;
#endif
}

size_t used_memory() {
#ifdef SLOTCACHE_JEMALLOC
    if (t_index < 0) {
        register_thread();
    }
    int64_t total = g_base.load(std::memory_order_relaxed);
    for (const auto& t : g_threads) {
        const uint64_t* a = t.allocated.load(std::memory_order_acquire);
        const uint64_t* d = t.deallocated.load(std::memory_order_acquire);
        if (a != nullptr && d != nullptr) {
            total += static_cast<int64_t>(read_counter(a) - read_counter(d));
        }
    }
    return total > 0 ? static_cast<size_t>(total) : 0;
#elif defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer replaces malloc and mallinfo2() reports nothing; its allocator keeps
    // the same figure.
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

size_t used_memory_peak() { return g_peak; }

void update_peak() {
    size_t u = used_memory();
    if (u > g_peak) {
        g_peak = u;
    }
}

void reset_peak() { g_peak = used_memory(); }

size_t alloc_size_class(size_t n) {
#ifdef SLOTCACHE_JEMALLOC
    return n == 0 ? 0 : nallocx(n, 0);
#else
    // glibc: chunks of 16-byte multiples with an 8-byte header, 32 bytes at least.
    size_t chunk = (n + 8 + 15) & ~size_t{15};
    return (chunk < 32 ? 32 : chunk) - 8;
#endif
}

size_t block_capacity(const void* p, size_t requested) {
#ifdef SLOTCACHE_JEMALLOC
    (void)p;
    return alloc_size_class(requested);
#else
    (void)requested;
    return malloc_usable_size(const_cast<void*>(p));
#endif
}

size_t alloc_usable_size(const void* p) {
    if (p == nullptr) {
        return 0;
    }
#ifdef SLOTCACHE_JEMALLOC
    return sallocx(const_cast<void*>(p), 0);
#else
    return malloc_usable_size(const_cast<void*>(p));
#endif
}

#ifdef SLOTCACHE_JEMALLOC
namespace {
size_t read_stat(const char* name) {
    size_t v = 0;
    size_t sz = sizeof(v);
    if (mallctl(name, &v, &sz, nullptr, 0) != 0) {
        return 0;
    }
    return v;
}
}  // namespace
#endif

AllocatorStats allocator_stats() {
    AllocatorStats s;
#ifdef SLOTCACHE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    s.available = true;
    s.allocated = read_stat("stats.allocated");
    s.active = read_stat("stats.active");
    s.resident = read_stat("stats.resident");
    s.mapped = read_stat("stats.mapped");
    s.retained = read_stat("stats.retained");
    if (s.allocated > 0) {
        s.frag_ratio = static_cast<double>(s.active) / static_cast<double>(s.allocated);
    }
    s.frag_bytes = static_cast<long long>(s.active) - static_cast<long long>(s.allocated);
    if (s.active > 0) {
        s.rss_ratio = static_cast<double>(s.resident) / static_cast<double>(s.active);
    }
    s.rss_bytes = static_cast<long long>(s.resident) - static_cast<long long>(s.active);
#endif
    return s;
}

const char* allocator_name() {
#ifdef SLOTCACHE_JEMALLOC
    static char name[64] = {0};
    if (name[0] == 0) {
        const char* v = nullptr;
        size_t sz = sizeof(v);
        if (mallctl("version", &v, &sz, nullptr, 0) == 0 && v != nullptr) {
            // "5.3.0-0-g54eaed1d..." -> "jemalloc-5.3.0"
            size_t n = 0;
            while (v[n] != 0 && v[n] != '-' && n < 40) {
                n++;
            }
            std::memcpy(name, "jemalloc-", 9);
            std::memcpy(name + 9, v, n);
            name[9 + n] = 0;
        } else {
            std::memcpy(name, "jemalloc", 9);
        }
    }
    return name;
#else
    return "libc";
#endif
}

}  // namespace slotcache::keyspace
