// LazyFree (see lazyfree.h): one worker thread fed through a mutex-guarded queue.
#include "keyspace/lazyfree.h"

#include <utility>

#include "keyspace/memory.h"

namespace slotcache::keyspace {

LazyFree::~LazyFree() {
    stop();
}

void LazyFree::free_object(std::unique_ptr<Object> obj) {
    if (!obj)
        return;
    if (obj->free_effort() <= kLazyfreeThreshold)
        return;  // obj is freed here, now
    Job job;
    job.obj = std::move(obj);
    submit(std::move(job));
}

void LazyFree::free_db(DbContentsPtr contents, size_t keys) {
    if (!contents)
        return;
    Job job;
    job.db = std::move(contents);
    job.count = keys;
    submit(std::move(job));
}

void LazyFree::submit(Job job) {
    pending_.fetch_add(job.count, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) {
        stopping_ = false;
        thread_ = std::thread([this] { run(); });
    }
    jobs_.push_back(std::move(job));
    cv_.notify_one();
}

void LazyFree::run() {
    register_thread();
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
        if (jobs_.empty())
            break;  // stopping, and everything was freed
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        size_t n = job.count;
        job.obj.reset();
        job.db.reset();
        pending_.fetch_sub(n, std::memory_order_relaxed);
        freed_.fetch_add(n, std::memory_order_relaxed);
        lock.lock();
        busy_ = false;
        if (jobs_.empty())
            idle_cv_.notify_all();
    }
    lock.unlock();
    unregister_thread();
}

void LazyFree::wait_idle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void LazyFree::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!thread_.joinable())
            return;
        stopping_ = true;
        cv_.notify_one();
    }
    thread_.join();
}

}  // namespace slotcache::keyspace
