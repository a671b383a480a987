// Lazy free: values too big to free on the loop thread without a pause are handed to one
// background thread (Redis' lazyfree.c + the BIO_LAZY_FREE thread).
//
// What goes there: a collection whose free_effort() (about one per allocation it owns) exceeds
// kLazyfreeThreshold, when it is deleted by UNLINK, by DEL with lazyfree-lazy-user-del, by
// expiry / eviction / a server-side delete or overwrite with lazyfree-lazy-expire / -eviction /
// -server-del (the Db decides, keyspace.h), and whole Db contents for FLUSHDB / FLUSHALL ASYNC.
// Smaller values are freed at once: handing one over costs more than freeing it (Redis' rule).
//
// The thread starts on the first job and registers with the memory accounting (memory.h), so
// the bytes it frees leave used_memory as they are freed, not when they were queued. It owns
// each job exclusively: nothing on the loop thread points into a queued value any more.
//
// Counters are INFO's lazyfree_pending_objects (queued, not yet freed: a Db's contents count
// their keys) and lazyfreed_objects (freed by the thread since start or CONFIG RESETSTAT).
//
// Rejected: a thread per FLUSH ASYNC (unbounded threads, and memory.h tracks at most 8);
// freeing in the cron in slices (still on the loop thread, and Objects cannot be freed piecemeal
// through their interface).
//
// Thread: submit / counters on the loop thread; the worker frees. stop() joins (at shutdown and
// in the destructor) after the queue is drained.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "keyspace/entry.h"
#include "keyspace/keyspace.h"

namespace slotcache::keyspace {

// Redis' LAZYFREE_THRESHOLD: values of at most this effort are freed synchronously.
constexpr size_t kLazyfreeThreshold = 64;

class LazyFree {
public:
    LazyFree() = default;
    ~LazyFree();
    LazyFree(const LazyFree&) = delete;
    LazyFree& operator=(const LazyFree&) = delete;

    // Frees obj on the background thread if its effort exceeds the threshold, else now.
    void free_object(std::unique_ptr<Object> obj);
    // Frees a Db's detached contents (holding `keys` keys) on the background thread.
    void free_db(DbContentsPtr contents, size_t keys);

    size_t pending() const { return pending_.load(std::memory_order_relaxed); }
    uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }
    void reset_stats() { freed_.store(0, std::memory_order_relaxed); }
    // Blocks until the queue is empty and nothing is being freed (tests, DEBUG).
    void wait_idle();
    // Drains the queue, then ends the thread. Idempotent.
    void stop();

private:
    struct Job {
        std::unique_ptr<Object> obj;
        DbContentsPtr db;
        size_t count = 1;
    };
    void submit(Job job);
    void run();

    std::mutex mu_;
    std::condition_variable cv_;       // jobs arrived or stop requested
    std::condition_variable idle_cv_;  // the queue drained
    std::deque<Job> jobs_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread thread_;
    std::atomic<size_t> pending_{0};
    std::atomic<uint64_t> freed_{0};
};

}  // namespace slotcache::keyspace
