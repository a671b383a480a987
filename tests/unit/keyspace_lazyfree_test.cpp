// Lazy free (keyspace/lazyfree.h): which deletions hand a value to the background thread (big
// objects on UNLINK-style deletes and per the lazyfree-lazy-* settings), the INFO counters, and
// that memory freed on that thread leaves used_memory.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "keyspace/lazyfree.h"
#include "keyspace/memory.h"

using namespace slotcache::keyspace;
using slotcache::key_slot;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::atomic<int> g_live{0};
std::atomic<int> g_freed_off_loop{0};

// A collection of `n` separately allocated elements; records which thread destroys it.
class BigObject : public Object {
public:
    explicit BigObject(size_t n) : owner_(std::this_thread::get_id()) {
        for (size_t i = 0; i < n; i++)
            items_.push_back(std::make_unique<std::string>(100, 'x'));
        g_live++;
    }
    ~BigObject() override {
        g_live--;
        if (std::this_thread::get_id() != owner_)
            g_freed_off_loop++;
    }
    size_t memory_usage() const override { return items_.size() * 128; }
    std::unique_ptr<Object> clone() const override {
        return std::make_unique<BigObject>(items_.size());
    }
    size_t free_effort() const override { return items_.size(); }

private:
    std::thread::id owner_;
    std::vector<std::unique_ptr<std::string>> items_;
};

Entry* add(Db& db, std::string_view key, size_t n, int64_t expire = kNoExpire) {
    return db.add_object(key, key_slot(key), Type::List, Encoding::QuickList,
                         std::make_unique<BigObject>(n), expire, kNow);
}

void reset_counts() {
    g_freed_off_loop = 0;
}

}  // namespace

TEST_CASE("lazyfree: a lazy delete of a big object frees it on the background thread") {
    Keyspace ks(1);
    Db& db = ks.db(0);
    reset_counts();
    int live0 = g_live;
    add(db, "big", kLazyfreeThreshold + 1);
    add(db, "small", kLazyfreeThreshold);
    CHECK(db.del("small", key_slot("small"), true));  // at the threshold: freed at once
    CHECK(g_live == live0 + 1);
    CHECK(db.del("big", key_slot("big"), true));
    CHECK(db.size() == 0);
    ks.lazyfree().wait_idle();
    CHECK(g_live == live0);
    CHECK(g_freed_off_loop == 1);
    CHECK(ks.lazyfree().freed() == 1);
    CHECK(ks.lazyfree().pending() == 0);
}

TEST_CASE("lazyfree: a plain delete stays synchronous; the lazyfree-lazy-* flags decide") {
    Keyspace ks(1);
    Db& db = ks.db(0);
    reset_counts();
    add(db, "a", 1000);
    CHECK(db.del("a", key_slot("a")));
    CHECK(g_freed_off_loop == 0);

    // lazyfree-lazy-server-del: an overwrite and a RENAME onto a key free off the loop.
    ks.set_lazyfree_config(LazyFreeConfig{false, false, true});
    Entry* e = add(db, "b", 1000);
    db.replace_string(e, "now a string", kNoExpire);
    add(db, "c", 1000);
    add(db, "d", 10);
    db.rename(db.find("d", key_slot("d")), "c", key_slot("c"));
    ks.lazyfree().wait_idle();
    CHECK(g_freed_off_loop == 2);

    // lazyfree-lazy-expire: the expiry of a big value.
    ks.set_lazyfree_config(LazyFreeConfig{true, false, false});
    add(db, "ttl", 1000, kNow + 10);
    CHECK(db.lookup("ttl", key_slot("ttl"), kNow + 20) == nullptr);
    ks.lazyfree().wait_idle();
    CHECK(g_freed_off_loop == 3);
    CHECK(ks.lazyfree().freed() == 3);
    ks.lazyfree().reset_stats();
    CHECK(ks.lazyfree().freed() == 0);
}

TEST_CASE("lazyfree: detached Db contents count their keys as pending, then as freed") {
    Keyspace ks(1);
    Db& db = ks.db(0);
    for (int i = 0; i < 1000; i++) {
        std::string k = "key:" + std::to_string(i);
        db.set_string(k, key_slot(k), std::string(64, 'v'), kNoExpire, kNow);
    }
    add(db, "obj", 500);
    size_t before = used_memory();
    ks.lazyfree().free_db(db.detach(), 1001);
    CHECK(db.size() == 0);
    ks.lazyfree().wait_idle();
    CHECK(ks.lazyfree().pending() == 0);
    CHECK(ks.lazyfree().freed() == 1001);
#ifdef SLOTCACHE_JEMALLOC
    // The thread registered with the accounting: what it freed left used_memory.
    CHECK(used_memory() + 100'000 < before);
#else
    (void)before;
#endif
}

TEST_CASE("lazyfree: stop drains the queue; a later job starts the thread again") {
    LazyFree lf;
    int live0 = g_live;
    lf.free_object(std::make_unique<BigObject>(200));
    lf.stop();
    CHECK(g_live == live0);
    lf.free_object(std::make_unique<BigObject>(200));
    lf.wait_idle();
    CHECK(g_live == live0);
    CHECK(lf.freed() == 2);
}
