// BlockingKeys (server/blocking.h): FIFO waiters per (db, key), ready keys in signal order
// without duplicates, signals for keys nobody waits on ignored, removal from every queue.
#include <doctest/doctest.h>

#include <memory>

#include "server/blocking.h"

using slotcache::server::BlockedCommand;
using slotcache::server::BlockingKeys;

namespace {

std::unique_ptr<BlockedCommand> blocked(uint64_t id, int db, std::vector<std::string> keys,
                                        int64_t deadline = 0) {
    auto b = std::make_unique<BlockedCommand>();
    b->client_id = id;
    b->db = db;
    b->keys = std::move(keys);
    b->deadline_ms = deadline;
    return b;
}

}  // namespace

TEST_CASE("blocking keys: waiters are FIFO per (db, key); a repeated key queues once") {
    BlockingKeys bk;
    CHECK(bk.empty());
    bk.add(blocked(7, 0, {"q", "q", "r"}));
    bk.add(blocked(3, 0, {"q"}));
    bk.add(blocked(9, 1, {"q"}));
    CHECK(bk.blocked_count() == 3);
    CHECK(bk.waiters(0, "q") == std::vector<uint64_t>{7, 3});
    CHECK(bk.waiters(1, "q") == std::vector<uint64_t>{9});
    CHECK(bk.waiters(0, "r") == std::vector<uint64_t>{7});
    CHECK(bk.waiters(2, "q").empty());
    auto b = bk.remove(7);
    REQUIRE(b != nullptr);
    CHECK(bk.waiters(0, "q") == std::vector<uint64_t>{3});
    CHECK_FALSE(bk.has_waiters(0, "r"));
    CHECK(bk.remove(7) == nullptr);
    CHECK(bk.find(3) != nullptr);
    CHECK(bk.all() == std::vector<uint64_t>{3, 9});
}

TEST_CASE("blocking keys: ready keys come out in signal order, once, only with waiters") {
    BlockingKeys bk;
    bk.signal(0, "a");  // nobody waits: ignored
    CHECK_FALSE(bk.has_ready());
    bk.add(blocked(1, 0, {"a", "b"}));
    bk.add(blocked(2, 3, {"a"}, 500));
    bk.add(blocked(4, 0, {"c"}, 200));
    bk.signal(0, "b");
    bk.signal(3, "a");
    bk.signal(0, "b");
    bk.signal(0, "a");
    bk.signal(0, "zz");
    auto ready = bk.take_ready();
    REQUIRE(ready.size() == 3);
    CHECK(ready[0] == std::pair<int, std::string>{0, "b"});
    CHECK(ready[1] == std::pair<int, std::string>{3, "a"});
    CHECK(ready[2] == std::pair<int, std::string>{0, "a"});
    CHECK_FALSE(bk.has_ready());
    bk.signal(0, "b");  // ready again after being taken
    CHECK(bk.take_ready().size() == 1);
    CHECK(bk.next_deadline() == 200);
}
