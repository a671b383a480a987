// Snapshots on disk: SAVE, BGSAVE (a forked child), the `save <seconds> <changes>` schedule,
// LASTSAVE, the INFO persistence figures, and loading `dbfilename` at start-up.
//
// Approach (Redis' rdb.c / server.c): the file is written as temp-<pid>.rdb in `dir`, fsynced,
// renamed over `dbfilename`, and the directory fsynced, so a crash leaves the old snapshot or
// the new one, never half of one. BGSAVE forks; the child writes from its copy-on-write image
// of the keyspace and _exit()s 0 or 1; the parent reaps it with waitpid(WNOHANG) from the cron
// (poll()), and on success subtracts the changes made before the fork from the dirty counter,
// so writes made during the BGSAVE still count towards the next save point.
//
// The Server owns one Snapshotter and exposes it to commands as `Server::snapshotter()`.
// The keyspace, config and dirty counter it is built over are the Server's members and
// outlive it.
//
// Rejected: a snapshot thread over the live keyspace (needs locks or a second copy; fork gives
// a consistent image for free) and writing in place (a crash mid-write destroys the only copy).
//
// Replication shares the child slot (Redis has one RDB child, CHILD_TYPE_RDB): a disk-based full
// sync is a BGSAVE whose file the server then sends; a diskless one is a Socket child that
// writes the RDB into a pipe the server relays to the replicas. Either way in_progress() is
// true, so SAVE/BGSAVE answer "Background save already in progress" and INFO shows
// rdb_bgsave_in_progress:1, as Redis 7.0 does; the done hook tells the server how it ended.
//
// Thread: loop thread; the child writes and exits without touching the loop.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "keyspace/keyspace.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

// Redis' CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long.
constexpr int64_t kBgsaveRetryDelaySec = 5;

// The save point that is due, or nullptr: dirty >= changes and now - last_save > seconds, and
// either the last BGSAVE succeeded or the last attempt is over kBgsaveRetryDelaySec ago.
// Times in unix seconds. Pure (serverCron's loop).
const config::SavePoint* due_save_point(const std::vector<config::SavePoint>& points,
                                        uint64_t dirty, int64_t last_save, int64_t now,
                                        bool last_bgsave_ok, int64_t last_bgsave_try);

// Writes the keyspace to dir/filename atomically (temp-<getpid()>.rdb, fsync, rename, fsync
// of dir). False with *err in Redis' log wording; the temp file is removed on failure.
bool write_snapshot_file(const keyspace::Keyspace& ks, const std::string& dir,
                         const std::string& filename, const WriteOptions& opts, std::string* err);

// "dir/name" (dir as configured; the server has chdir()ed to it, so relative works too).
std::string snapshot_path(const std::string& dir, const std::string& name);

struct StartupLoad {
    enum class Status : uint8_t { Loaded, NoFile, Error };
    Status status = Status::NoFile;
    double seconds = 0;  // for "DB loaded from disk: %.3f seconds"
    LoadStats stats;     // keys loaded / expired, AUX repl-id and offset
    std::string error;   // Status::Error: "offset N: ..." or the open error
};

// Loads dir/dbfilename into ks (which should be empty). replica: keep keys whose TTL passed.
// A missing file is NoFile (a fresh start, not an error). On Error the server logs it and
// exits, as Redis does for a corrupt RDB.
StartupLoad load_snapshot_file(keyspace::Keyspace& ks, const config::Values& cfg, bool replica,
                               int64_t now_ms);

// What INFO persistence prints (the lead's INFO writes the lines; names are Redis 7.0's).
struct PersistenceInfo {
    uint64_t rdb_changes_since_last_save = 0;
    bool rdb_bgsave_in_progress = false;
    int64_t rdb_last_save_time = 0;  // unix seconds
    bool rdb_last_bgsave_ok = true;  // rdb_last_bgsave_status:ok|err
    long long rdb_last_bgsave_time_sec = -1;
    long long rdb_current_bgsave_time_sec = -1;
    uint64_t rdb_saves = 0;
    uint64_t rdb_last_load_keys_expired = 0;
    uint64_t rdb_last_load_keys_loaded = 0;
    // INFO stats
    uint64_t total_forks = 0;
    long long latest_fork_usec = 0;
};

// The rdb_* lines of INFO persistence, in Redis 7.0's order, each ending in CRLF.
std::string format_rdb_info(const PersistenceInfo& info);

// What the running child writes to: the RDB file (BGSAVE, disk-based sync) or a pipe (diskless
// sync).
enum class ChildKind : uint8_t { None, Disk, Socket };

enum class BgsaveStart : uint8_t {
    Started,            // +Background saving started
    Scheduled,          // +Background saving scheduled
    AlreadyInProgress,  // -ERR Background save already in progress
    OtherChild,         // -ERR Another child process is active (AOF?): can't BGSAVE right now...
    Failed,             // fork failed: -ERR
};

class Snapshotter {
public:
    // ks, cfg and *dirty (the server's rdb_changes_since_last_save counter) outlive this.
    Snapshotter(const keyspace::Keyspace& ks, const config::Config& cfg, uint64_t* dirty,
                int64_t now_ms);
    ~Snapshotter();
    Snapshotter(const Snapshotter&) = delete;
    Snapshotter& operator=(const Snapshotter&) = delete;

    // Optional hooks the server sets: the replication fields to store in snapshots (returns
    // false when there are none), and whether another child (AOF rewrite, diskless sync) runs.
    void set_repl_info_source(std::function<bool(ReplInfo*)> fn) { repl_info_ = std::move(fn); }
    void set_other_child_check(std::function<bool()> fn) { other_child_ = std::move(fn); }
    // Called once for every child that ends (reaped by poll(), or killed by kill_child()): its
    // kind and whether it wrote a complete snapshot.
    void set_child_done_hook(std::function<void(ChildKind, bool)> fn) {
        done_hook_ = std::move(fn);
    }

    // SAVE: writes synchronously. On success the dirty counter is reset and LASTSAVE moves.
    // Precondition: !in_progress() (the command replies "Background save already in progress").
    // counted: whether INFO's rdb_saves counts it (Redis counts every SAVE and BGSAVE attempt,
    // failed or not, but not the saves FLUSHALL and SHUTDOWN make).
    bool save(int64_t now_ms, std::string* err, bool counted = true);
    // BGSAVE [SCHEDULE].
    BgsaveStart bgsave(int64_t now_ms, bool schedule);
    // Diskless full sync: forks a child that writes the RDB into write_fd and exits (it closes
    // read_fd). The parent's write_fd is closed here whatever happens; read_fd stays the
    // caller's. False when a child already runs or fork failed.
    bool start_socket_child(int read_fd, int write_fd, int64_t now_ms);
    // The cron (every tick): reaps a finished child, then starts a BGSAVE when a save point or
    // a scheduled BGSAVE is due.
    void cron(int64_t now_ms);
    // Reaps the child if it exited (waitpid WNOHANG). True when a BGSAVE finished now.
    bool poll(int64_t now_ms);
    // SHUTDOWN / FLUSHALL: kills a running child (SIGUSR1, not counted as an error), waits for
    // it and removes its temp file.
    void kill_child();

    bool in_progress() const { return child_pid_ > 0; }
    pid_t child_pid() const { return child_pid_; }
    ChildKind child_kind() const { return child_kind_; }
    int64_t lastsave() const { return lastsave_; }  // LASTSAVE, unix seconds
    bool last_bgsave_ok() const { return last_bgsave_ok_; }
    // stop-writes-on-bgsave-error: true when writes must be refused with MISCONF.
    bool writes_blocked() const;
    // Records a start-up load for INFO's rdb_last_load_keys_*.
    void note_load(const LoadStats& st);
    PersistenceInfo info(int64_t now_ms) const;

private:
    WriteOptions write_options(int64_t now_ms, ReplInfo* repl) const;
    BgsaveStart start_child(int64_t now_ms);
    void child_done(int status, int64_t now_ms);

    const keyspace::Keyspace& ks_;
    const config::Config& cfg_;
    uint64_t* dirty_;
    std::function<bool(ReplInfo*)> repl_info_;
    std::function<bool()> other_child_;
    std::function<void(ChildKind, bool)> done_hook_;

    pid_t child_pid_ = -1;
    ChildKind child_kind_ = ChildKind::None;
    int64_t lastsave_;          // unix seconds
    int64_t last_bgsave_try_ = 0;
    int64_t bgsave_start_ = 0;  // unix seconds
    uint64_t dirty_before_bgsave_ = 0;
    bool last_bgsave_ok_ = true;
    bool scheduled_ = false;
    long long last_bgsave_time_sec_ = -1;
    uint64_t saves_ = 0;
    uint64_t forks_ = 0;
    long long latest_fork_usec_ = 0;
    uint64_t load_keys_loaded_ = 0;
    uint64_t load_keys_expired_ = 0;
};

}  // namespace slotcache::persistence
