// WatchTable (server/watch.h) without a server: which watchers a touch, a flush or a swap marks
// dirty, Redis 7.0's expired-at-WATCH rules, and the bookkeeping that UNWATCH undoes.
#include <doctest/doctest.h>

#include <string>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/watch.h"

using slotcache::key_slot;
using slotcache::keyspace::Db;
using slotcache::keyspace::Keyspace;
using slotcache::keyspace::kNoExpire;
using slotcache::server::Watcher;
using slotcache::server::WatchTable;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

void put(Db& db, std::string_view key, int64_t expire = kNoExpire) {
    db.set_string(key, key_slot(key), "v", expire, kNow - 10'000);
}

}  // namespace

TEST_CASE("watch: a touch marks every watcher of the key dirty and unwatches them") {
    WatchTable t(2);
    Keyspace ks(2);
    Watcher a, b, c;
    t.watch(a, 0, "k", false);
    t.watch(a, 0, "other", false);
    t.watch(b, 0, "k", false);
    t.watch(c, 1, "k", false);  // same name, another db
    t.watch(a, 0, "k", false);  // twice: once
    CHECK(t.watched_pairs() == 4);
    CHECK(t.watched_keys() == 3);
    t.touch(ks.db(0), "k");
    CHECK(a.dirty);
    CHECK(b.dirty);
    CHECK_FALSE(c.dirty);
    CHECK(a.keys.empty());  // dirty watchers stop watching everything
    CHECK(t.watched_pairs() == 1);
    t.touch(ks.db(0), "unwatched");
    t.unwatch_all(c);
    CHECK(t.empty());
    CHECK_FALSE(c.dirty);
}

TEST_CASE("watch: a key expired at WATCH is no change when deleted, a change when replaced") {
    WatchTable t(1);
    Keyspace ks(1);
    Watcher w;
    put(ks.db(0), "k", kNow - 1);
    t.watch(w, 0, "k", true);
    t.touch_deleted(0, "k");  // the expiry of the already expired key
    CHECK_FALSE(w.dirty);
    ks.db(0).del("k", key_slot("k"));
    // From now on it watches a missing key: creating it is a change.
    put(ks.db(0), "k");
    t.touch(ks.db(0), "k");
    CHECK(w.dirty);
}

TEST_CASE("watch: EXEC's expiry check ignores keys that were expired when watched") {
    WatchTable t(1);
    Keyspace ks(1);
    Watcher live, stale;
    put(ks.db(0), "a", kNow + 100);
    put(ks.db(0), "b", kNow - 1);
    t.watch(live, 0, "a", false);
    t.watch(stale, 0, "b", true);
    CHECK_FALSE(t.any_expired(live, ks, kNow));
    CHECK(t.any_expired(live, ks, kNow + 101));
    CHECK_FALSE(t.any_expired(stale, ks, kNow + 101));
}

TEST_CASE("watch: FLUSHDB touches keys that existed; SWAPDB keys that exist in either db") {
    WatchTable t(2);
    Keyspace ks(2);
    Watcher present, missing, only_other, both_missing;
    put(ks.db(0), "p");
    put(ks.db(1), "o");
    t.watch(present, 0, "p", false);
    t.watch(missing, 0, "m", false);
    t.touch_all(0, ks.db(0), nullptr, kNow);
    CHECK(present.dirty);
    CHECK_FALSE(missing.dirty);

    t.watch(only_other, 0, "o", false);
    t.watch(both_missing, 0, "none", false);
    t.touch_all(0, ks.db(0), &ks.db(1), kNow);
    CHECK(only_other.dirty);
    CHECK_FALSE(both_missing.dirty);
}

TEST_CASE("watch: SWAPDB bringing in an expired key marks a missing key expired, not dirty") {
    WatchTable t(2);
    Keyspace ks(2);
    Watcher w;
    put(ks.db(1), "k", kNow - 1);
    t.watch(w, 0, "k", false);
    t.touch_all(0, ks.db(0), &ks.db(1), kNow);
    CHECK_FALSE(w.dirty);
    ks.swap_db(0, 1);
    // Now watched as expired: its deletion is no change.
    t.touch_deleted(0, "k");
    CHECK_FALSE(w.dirty);
}
