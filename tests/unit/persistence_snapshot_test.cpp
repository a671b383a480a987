// Snapshots on disk: the save-point rule, atomic file writes, start-up loading (fresh start,
// corrupt file), and the Snapshotter's SAVE / BGSAVE / cron / kill with a real forked child.
#include <doctest/doctest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "common/crc16.h"
#include "config/config.h"
#include "keyspace/keyspace.h"
#include "persistence/snapshot.h"

using namespace slotcache;
using namespace slotcache::persistence;
using config::SavePoint;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/slotcache-snap.XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::string cmd = "rm -rf '" + path + "'";
        (void)std::system(cmd.c_str());
    }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        DIR* d = opendir(path.c_str());
        while (dirent* e = readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        closedir(d);
        return out;
    }
};

void put(keyspace::Keyspace& ks, int db, std::string_view k, std::string_view v,
         int64_t exp = keyspace::kNoExpire) {
    ks.db(db).set_string(k, key_slot(k), v, exp, kNow);
}

config::Config config_for(const std::string& dir) {
    config::Config cfg;
    cfg.mutable_values().dir = dir;
    cfg.mutable_values().dbfilename = "dump.rdb";
    return cfg;
}

// Polls until the BGSAVE child is reaped (10 s deadline).
bool wait_child(Snapshotter& s) {
    for (int i = 0; i < 1000 && s.in_progress(); i++) {
        if (s.poll(kNow + 3000)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !s.in_progress();
}

}  // namespace

TEST_CASE("save points: due when enough changes and seconds passed, retry delay after failure") {
    std::vector<SavePoint> pts = {{3600, 1}, {300, 100}, {60, 10000}};
    CHECK(due_save_point(pts, 0, 0, 100000, true, 0) == nullptr);  // nothing changed
    CHECK(due_save_point(pts, 1, 1000, 1000 + 3600, true, 0) == nullptr);  // not yet over
    const SavePoint* sp = due_save_point(pts, 1, 1000, 1000 + 3601, true, 0);
    REQUIRE(sp != nullptr);
    CHECK(sp->seconds == 3600);
    sp = due_save_point(pts, 150, 1000, 1301, true, 0);
    REQUIRE(sp != nullptr);
    CHECK(sp->changes == 100);
    CHECK(due_save_point(pts, 150, 1000, 1300, true, 0) == nullptr);
    // After a failed BGSAVE, wait kBgsaveRetryDelaySec from the last try.
    CHECK(due_save_point(pts, 150, 1000, 1400, false, 1397) == nullptr);
    CHECK(due_save_point(pts, 150, 1000, 1400, false, 1394) != nullptr);
    CHECK(due_save_point({}, 1000000, 0, 100000, true, 0) == nullptr);  // save ""
}

TEST_CASE("snapshot file: written atomically, loaded back; no temp file is left") {
    TempDir d;
    keyspace::Keyspace ks;
    put(ks, 0, "a", "1");
    put(ks, 2, "b", std::string(1000, 'x'), kNow + 60000);
    WriteOptions o;
    o.now_ms = kNow;
    std::string err;
    REQUIRE_MESSAGE(write_snapshot_file(ks, d.path, "dump.rdb", o, &err), err);
    CHECK(d.files() == std::vector<std::string>{"dump.rdb"});

    config::Config cfg = config_for(d.path);
    keyspace::Keyspace back;
    StartupLoad r = load_snapshot_file(back, cfg.values(), false, kNow);
    REQUIRE_MESSAGE(r.status == StartupLoad::Status::Loaded, r.error);
    CHECK(r.stats.keys_loaded == 2);
    CHECK(back.db(2).find("b", key_slot("b"))->expire_at == kNow + 60000);
    CHECK(r.seconds >= 0);
}

TEST_CASE("snapshot file: a missing file is a fresh start, a corrupt one an error with offset") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    keyspace::Keyspace ks;
    CHECK(load_snapshot_file(ks, cfg.values(), false, kNow).status == StartupLoad::Status::NoFile);
    std::ofstream(d.path + "/dump.rdb") << "REDIS0010\xfa";
    StartupLoad r = load_snapshot_file(ks, cfg.values(), false, kNow);
    CHECK(r.status == StartupLoad::Status::Error);
    CHECK(r.error.rfind("offset 10: ", 0) == 0);
}

TEST_CASE("snapshot file: an unwritable directory fails with Redis' message") {
    keyspace::Keyspace ks;
    WriteOptions o;
    std::string err;
    CHECK_FALSE(write_snapshot_file(ks, "/nonexistent/dir", "dump.rdb", o, &err));
    CHECK(err.rfind("Failed opening the temp RDB file temp-", 0) == 0);
}

TEST_CASE("snapshotter: SAVE resets the dirty counter and moves LASTSAVE") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    keyspace::Keyspace ks;
    put(ks, 0, "k", "v");
    uint64_t dirty = 7;
    Snapshotter s(ks, cfg, &dirty, kNow);
    CHECK(s.lastsave() == kNow / 1000);
    std::string err;
    REQUIRE(s.save(kNow + 5000, &err));
    CHECK(dirty == 0);
    CHECK(s.lastsave() == kNow / 1000 + 5);
    CHECK(s.info(kNow).rdb_saves == 1);
    keyspace::Keyspace back;
    CHECK(load_snapshot_file(back, cfg.values(), false, kNow).stats.keys_loaded == 1);
}

TEST_CASE("snapshotter: BGSAVE forks, refuses a second one, and keeps changes made meanwhile") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    keyspace::Keyspace ks;
    for (int i = 0; i < 1000; i++) put(ks, 0, "k" + std::to_string(i), "v");
    uint64_t dirty = 10;
    Snapshotter s(ks, cfg, &dirty, kNow);
    REQUIRE(s.bgsave(kNow, false) == BgsaveStart::Started);
    CHECK(s.in_progress());
    CHECK(s.info(kNow).rdb_bgsave_in_progress);
    CHECK(s.bgsave(kNow, false) == BgsaveStart::AlreadyInProgress);
    dirty += 5;  // writes while the child runs
    REQUIRE(wait_child(s));
    CHECK(dirty == 5);
    CHECK(s.last_bgsave_ok());
    CHECK(s.lastsave() == (kNow + 3000) / 1000);
    PersistenceInfo info = s.info(kNow + 3000);
    CHECK(info.rdb_last_bgsave_time_sec == 3);
    CHECK(info.total_forks == 1);
    keyspace::Keyspace back;
    CHECK(load_snapshot_file(back, cfg.values(), false, kNow).stats.keys_loaded == 1000);
    CHECK(d.files() == std::vector<std::string>{"dump.rdb"});
}

TEST_CASE("snapshotter: a failing BGSAVE child is an error; stop-writes blocks writes after it") {
    keyspace::Keyspace ks;
    config::Config cfg = config_for("/nonexistent/dir");
    uint64_t dirty = 3;
    Snapshotter s(ks, cfg, &dirty, kNow);
    REQUIRE(s.bgsave(kNow, false) == BgsaveStart::Started);
    REQUIRE(wait_child(s));
    CHECK_FALSE(s.last_bgsave_ok());
    CHECK(dirty == 3);
    CHECK(s.writes_blocked());
    CHECK(format_rdb_info(s.info(kNow)).find("rdb_last_bgsave_status:err\r\n") !=
          std::string::npos);
}

TEST_CASE("snapshotter: the cron starts a BGSAVE at a due save point; kill_child stops one") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    cfg.mutable_values().save = {{1, 1}};
    keyspace::Keyspace ks;
    put(ks, 0, "k", "v");
    uint64_t dirty = 0;
    Snapshotter s(ks, cfg, &dirty, kNow);
    s.cron(kNow + 5000);
    CHECK_FALSE(s.in_progress());  // no changes
    dirty = 1;
    s.cron(kNow + 1000);
    CHECK_FALSE(s.in_progress());  // not more than 1 s since the last save
    s.cron(kNow + 2000);
    REQUIRE(s.in_progress());
    s.kill_child();
    CHECK_FALSE(s.in_progress());
    CHECK(s.last_bgsave_ok());  // stopping our own child is not a failure
    for (const auto& f : d.files()) CHECK(f.rfind("temp-", 0) != 0);
}

TEST_CASE("snapshotter: INFO lines are Redis 7.0's names in its order") {
    PersistenceInfo i;
    i.rdb_changes_since_last_save = 4;
    i.rdb_last_save_time = 1700000000;
    std::string s = format_rdb_info(i);
    CHECK(s ==
          "rdb_changes_since_last_save:4\r\nrdb_bgsave_in_progress:0\r\n"
          "rdb_last_save_time:1700000000\r\nrdb_last_bgsave_status:ok\r\n"
          "rdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\nrdb_saves:0\r\n"
          "rdb_last_cow_size:0\r\nrdb_last_load_keys_expired:0\r\n"
          "rdb_last_load_keys_loaded:0\r\n");
}

TEST_CASE("snapshotter: a diskless child writes the RDB into a pipe and is no save") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    keyspace::Keyspace ks;
    for (int i = 0; i < 1000; i++) put(ks, 0, "k" + std::to_string(i), "v");
    uint64_t dirty = 7;
    Snapshotter s(ks, cfg, &dirty, kNow);
    std::vector<std::pair<ChildKind, bool>> ended;
    s.set_child_done_hook([&](ChildKind k, bool ok) { ended.emplace_back(k, ok); });
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    REQUIRE(s.start_socket_child(fds[0], fds[1], kNow));
    CHECK(s.child_kind() == ChildKind::Socket);
    CHECK(s.info(kNow).rdb_bgsave_in_progress);
    // One child at a time: BGSAVE answers "already in progress" while it runs.
    CHECK(s.bgsave(kNow, false) == BgsaveStart::AlreadyInProgress);
    std::string rdb;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) rdb.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    REQUIRE(wait_child(s));
    REQUIRE(ended.size() == 1);
    CHECK(ended[0] == std::make_pair(ChildKind::Socket, true));
    CHECK(s.child_kind() == ChildKind::None);
    CHECK(rdb.substr(0, 9) == "REDIS0010");
    // A transfer is not a save: the change counter, LASTSAVE and rdb_saves stay.
    CHECK(dirty == 7);
    CHECK(s.lastsave() == kNow / 1000);
    CHECK(s.info(kNow).rdb_saves == 0);
    CHECK(d.files().empty());
}

TEST_CASE("snapshotter: kill_child reports the child's end as a failure to the hook") {
    TempDir d;
    config::Config cfg = config_for(d.path);
    keyspace::Keyspace ks;
    for (int i = 0; i < 1000; i++) put(ks, 0, "k" + std::to_string(i), "v");
    uint64_t dirty = 0;
    Snapshotter s(ks, cfg, &dirty, kNow);
    std::vector<std::pair<ChildKind, bool>> ended;
    s.set_child_done_hook([&](ChildKind k, bool ok) { ended.emplace_back(k, ok); });
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    REQUIRE(s.start_socket_child(fds[0], fds[1], kNow));
    s.kill_child();  // the child may be blocked writing into the full pipe
    close(fds[0]);
    CHECK_FALSE(s.in_progress());
    REQUIRE(ended.size() == 1);
    CHECK(ended[0] == std::make_pair(ChildKind::Socket, false));
}
