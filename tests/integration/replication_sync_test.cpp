// Full sync made off the event loop: a forked child writes the snapshot, to the RDB file
// (repl-diskless-sync no) or into a pipe the master relays as "$EOF:<mark>" (yes), while writes
// made during the sync are buffered per replica and sent after the payload. Checks that the
// replica converges with writes made during the sync in both modes, that INFO shows the child,
// and that the master keeps answering while a 1,000,000-key snapshot is produced.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

long long offset_of(Conn& c) { return info_int(c, "replication", "master_repl_offset"); }

bool link_up(Conn& c) { return info(c, "replication")["master_link_status"] == "up"; }

bool caught_up(Conn& m, Conn& r) { return link_up(r) && offset_of(r) == offset_of(m); }

// Writes "w:<i>" keys in a loop while the replica syncs, until its link is up and 200 more
// writes followed; returns how many keys were written. *saw_child: INFO persistence showed
// rdb_bgsave_in_progress:1 at some point meanwhile.
int write_during_sync(Conn& m, Conn& r, bool* saw_child) {
    int written = 0;
    int after_up = -1;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        REQUIRE(m.cmd({"SET", "w:" + std::to_string(written), std::to_string(written)}) == ok());
        written++;
        if (written % 10 == 0) {
            if (info_int(m, "persistence", "rdb_bgsave_in_progress") == 1) *saw_child = true;
            if (after_up < 0 && link_up(r)) after_up = written;
        }
        if (after_up >= 0 && written >= after_up + 200) break;
    }
    return written;
}

void check_sync_with_writes(const char* diskless) {
    ServerProcess master;
    Conn m = master.connect();
    REQUIRE(m.cmd({"CONFIG", "SET", "repl-diskless-sync", diskless}) == ok());
    REQUIRE(m.cmd({"CONFIG", "SET", "repl-diskless-sync-delay", "0"}) == ok());
    REQUIRE(m.cmd({"DEBUG", "POPULATE", "300000"}) == ok());
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn r = replica.connect();
    bool saw_child = false;
    int written = write_during_sync(m, r, &saw_child);
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 20000ms));
    CHECK(saw_child);
    CHECK(r.cmd({"DBSIZE"}) == integer(300000 + written));
    CHECK(r.cmd({"GET", "key:299999"}) == bulk("value:299999"));
    CHECK(r.cmd({"GET", "w:0"}) == bulk("0"));
    CHECK(r.cmd({"GET", "w:" + std::to_string(written - 1)}) == bulk(std::to_string(written - 1)));
    // Disk-based sync is a BGSAVE (counted, and it leaves the RDB file); diskless is not.
    long long saves = info_int(m, "persistence", "rdb_saves");
    CHECK(saves == (std::string(diskless) == "no" ? 1 : 0));
    CHECK(info(m, "replication")["slave0"].find("state=online") != std::string::npos);
}

}  // namespace

TEST_CASE("full sync: diskless (pipe) sync converges with writes made during it") {
    check_sync_with_writes("yes");
}

TEST_CASE("full sync: disk-based sync converges with writes made during it") {
    check_sync_with_writes("no");
}

TEST_CASE("full sync: BGSAVE and SAVE are refused while a sync child runs") {
    ServerProcess master({"--repl-diskless-sync-delay", "0"});
    Conn m = master.connect();
    REQUIRE(m.cmd({"DEBUG", "POPULATE", "300000"}) == ok());
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    bool refused = false;
    REQUIRE(wait_until([&] {
        if (info_int(m, "persistence", "rdb_bgsave_in_progress") != 1) return false;
        Reply b = m.cmd({"BGSAVE"});
        Reply s = m.cmd({"SAVE"});
        refused = b == error("ERR Background save already in progress") &&
                  s == error("ERR Background save already in progress");
        return true;
    }, 10000ms, 1ms));
    CHECK(refused);
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 20000ms));
}

TEST_CASE("full sync: the master answers PING within 200 ms during a 1,000,000-key sync") {
    ServerProcess master({"--repl-diskless-sync-delay", "0"});
    Conn m = master.connect();
    REQUIRE(m.cmd({"DEBUG", "POPULATE", "1000000"}) == ok());
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn r = replica.connect();
    long long worst_ms = 0;
    int pings = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool synced = false;
    while (std::chrono::steady_clock::now() < deadline) {
        auto t0 = std::chrono::steady_clock::now();
        REQUIRE(m.cmd({"PING"}) == status("PONG"));
        auto dt = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t0);
        worst_ms = std::max<long long>(worst_ms, dt.count());
        pings++;
        if (pings % 10 == 0 && caught_up(m, r)) {
            synced = true;
            break;
        }
    }
    REQUIRE(synced);
    MESSAGE("worst PING during the sync: " << worst_ms << " ms over " << pings << " PINGs");
    CHECK(worst_ms < 200);
    CHECK(r.cmd({"DBSIZE"}) == integer(1000000));
}
