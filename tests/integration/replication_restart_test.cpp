// Replication across a replica restart: a replica that saved its snapshot on a clean shutdown
// carries the master's replication ID and offset in that snapshot's AUX fields (repl-id,
// repl-offset, repl-stream-db; Redis' rdbSaveInfo), loads them at start-up and resumes with
// PSYNC <replid> <offset+1> instead of a full sync, in the db the master's stream had selected.
// Both clean shutdowns that save are covered: SHUTDOWN SAVE (no save points) and SIGTERM with a
// save point.
// Approach: the replica runs in a directory of this test's own (passed as a later --dir, which
// overrides the harness's per-process one), so the second process finds the first one's dump.
// The master's INFO stats sync_full / sync_partial_ok tell which sync the restart got; the same
// tests pass against Debian's redis-server 7.0 (SLOTCACHE_SERVER=/usr/bin/redis-server).
// Rejected: copying the dump between the harness's temp dirs (the harness creates the dir and
// starts the server in one step, so there is no moment to put a file in it).
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

// A temp directory removed (with its contents) when the test ends.
struct TempDir {
    TempDir() {
        char tmpl[] = "/tmp/slotcache-itest-restart-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (std::getenv("SLOTCACHE_KEEP_TMP") == nullptr) std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    std::string path;
};

long long offset_of(Conn& c) { return info_int(c, "replication", "master_repl_offset"); }

bool link_up(Conn& c) { return info(c, "replication")["master_link_status"] == "up"; }

bool caught_up(Conn& m, Conn& r) { return link_up(r) && offset_of(r) == offset_of(m); }

// A replica of `master_port` that keeps its snapshot in `dir` (the harness passes --save "":
// only an explicit save writes it).
Args replica_args(int master_port, const std::string& dir) {
    return {"--replicaof", "127.0.0.1 " + std::to_string(master_port), "--dir", dir,
            "--dbfilename", "replica.rdb"};
}

// The clean shutdown that writes the snapshot: SHUTDOWN SAVE closes the connection without a
// reply and the process exits 0 after writing dir/replica.rdb.
void shut_down_saving(ServerProcess& replica, Conn& r, const std::string& dir) {
    CHECK(r.cmd({"SHUTDOWN", "SAVE"}).is_closed());
    CHECK(replica.wait_exit(10000ms) == 0);
    INFO("replica log:\n" << replica.log());
    REQUIRE(std::filesystem::exists(dir + "/replica.rdb"));
}

}  // namespace

TEST_CASE("replication: a replica shut down cleanly and restarted resumes with a partial sync") {
    ServerProcess master;
    Conn m = master.connect();
    TempDir dir;
    {
        ServerProcess replica(replica_args(master.port(), dir.path));
        Conn r = replica.connect();
        REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
        for (int i = 0; i < 100; i++) {
            m.cmd({"SET", "a" + std::to_string(i), "x" + std::to_string(i)});
        }
        m.cmd({"SET", "ttl", "t", "EX", "100000"});
        REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
        CHECK(info_int(m, "stats", "sync_full") == 1);
        CHECK(info_int(m, "stats", "sync_partial_ok") == 0);
        shut_down_saving(replica, r, dir.path);
    }
    REQUIRE(wait_until([&] { return info_int(m, "replication", "connected_slaves") == 0; },
                       10000ms));
    // Writes the replica missed while it was down; the backlog (1 MB by default) holds them.
    for (int i = 0; i < 100; i++) {
        m.cmd({"SET", "b" + std::to_string(i), "y" + std::to_string(i)});
    }
    m.cmd({"DEL", "a0"});
    m.cmd({"SET", "a1", "changed"});

    ServerProcess replica(replica_args(master.port(), dir.path));
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    INFO("replica log:\n" << replica.log());
    CHECK(info_int(m, "stats", "sync_partial_ok") == 1);
    CHECK(info_int(m, "stats", "sync_full") == 1);
    CHECK(info_int(m, "stats", "sync_partial_err") == 0);
    CHECK(info(r, "replication")["master_replid"] == info(m, "replication")["master_replid"]);
    CHECK(r.cmd({"DBSIZE"}) == integer(200));
    CHECK(r.cmd({"GET", "a0"}) == nil());
    CHECK(r.cmd({"GET", "a1"}) == bulk("changed"));
    CHECK(r.cmd({"GET", "a99"}) == bulk("x99"));
    CHECK(r.cmd({"GET", "b0"}) == bulk("y0"));
    CHECK(r.cmd({"GET", "b99"}) == bulk("y99"));
    CHECK(r.cmd({"TTL", "ttl"}).integer > 99000);
    // The resumed replica is a working replica: new writes still arrive.
    m.cmd({"SET", "after", "1"});
    CHECK(wait_until([&] { return r.cmd({"GET", "after"}) == bulk("1"); }, 5000ms));
}

// The stream after the cut carries no SELECT when the master's stream stays in the same db, so
// the snapshot must record that db (AUX repl-stream-db) and the restarted replica start in it.
TEST_CASE("replication: a restarted replica resumes in the db its master's stream had selected") {
    ServerProcess master;
    Conn m = master.connect();
    TempDir dir;
    CHECK(m.cmd({"SELECT", "3"}) == ok());
    {
        ServerProcess replica(replica_args(master.port(), dir.path));
        Conn r = replica.connect();
        REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
        m.cmd({"SET", "k", "before"});
        REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
        // This time the other clean shutdown: SIGTERM with a save point configured.
        CHECK(r.cmd({"CONFIG", "SET", "save", "3600 1"}) == ok());
        CHECK(replica.stop(10000ms) == 0);
        INFO("replica log:\n" << replica.log());
        REQUIRE(std::filesystem::exists(dir.path + "/replica.rdb"));
    }
    REQUIRE(wait_until([&] { return info_int(m, "replication", "connected_slaves") == 0; },
                       10000ms));
    m.cmd({"SET", "k", "after"});
    m.cmd({"SET", "k2", "v2"});

    ServerProcess replica(replica_args(master.port(), dir.path));
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    INFO("replica log:\n" << replica.log());
    CHECK(info_int(m, "stats", "sync_partial_ok") == 1);
    CHECK(info_int(m, "stats", "sync_full") == 1);
    INFO("the replica's snapshot must record the db of its master's stream in AUX "
         "repl-stream-db (the server's snapshot repl-info source), else the resumed stream "
         "lands in db 0");
    CHECK(r.cmd({"DBSIZE"}) == integer(0));
    CHECK(r.cmd({"SELECT", "3"}) == ok());
    CHECK(r.cmd({"GET", "k"}) == bulk("after"));
    CHECK(r.cmd({"GET", "k2"}) == bulk("v2"));
    CHECK(r.cmd({"DBSIZE"}) == integer(2));
}
