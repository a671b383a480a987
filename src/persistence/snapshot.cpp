// SAVE, BGSAVE, the save schedule and start-up loading (see snapshot.h).
#include "persistence/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "keyspace/memory.h"

namespace slotcache::persistence {

// ---- pure helpers --------------------------------------------------------------------------

const config::SavePoint* due_save_point(const std::vector<config::SavePoint>& points,
                                        uint64_t dirty, int64_t last_save, int64_t now,
                                        bool last_bgsave_ok, int64_t last_bgsave_try) {
    for (const auto& sp : points) {
        if (dirty >= static_cast<uint64_t>(sp.changes) && now - last_save > sp.seconds &&
            (now - last_bgsave_try > kBgsaveRetryDelaySec || last_bgsave_ok)) {
            return &sp;
        }
    }
    return nullptr;
}

std::string snapshot_path(const std::string& dir, const std::string& name) {
    if (dir.empty()) {
        return name;
    }
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string format_rdb_info(const PersistenceInfo& i) {
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "rdb_changes_since_last_save:%llu\r\n"
                  "rdb_bgsave_in_progress:%d\r\n"
                  "rdb_last_save_time:%lld\r\n"
                  "rdb_last_bgsave_status:%s\r\n"
                  "rdb_last_bgsave_time_sec:%lld\r\n"
                  "rdb_current_bgsave_time_sec:%lld\r\n"
                  "rdb_saves:%llu\r\n"
                  "rdb_last_cow_size:0\r\n"
                  "rdb_last_load_keys_expired:%llu\r\n"
                  "rdb_last_load_keys_loaded:%llu\r\n",
                  static_cast<unsigned long long>(i.rdb_changes_since_last_save),
                  i.rdb_bgsave_in_progress ? 1 : 0, static_cast<long long>(i.rdb_last_save_time),
                  i.rdb_last_bgsave_ok ? "ok" : "err", i.rdb_last_bgsave_time_sec,
                  i.rdb_current_bgsave_time_sec, static_cast<unsigned long long>(i.rdb_saves),
                  static_cast<unsigned long long>(i.rdb_last_load_keys_expired),
                  static_cast<unsigned long long>(i.rdb_last_load_keys_loaded));
    return buf;
}

// ---- files ---------------------------------------------------------------------------------

namespace {

bool fsync_dir(const std::string& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    int rc = ::fsync(fd);
    ::close(fd);
    return rc == 0;
}

std::string temp_name(pid_t pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

}  // namespace

bool write_snapshot_file(const keyspace::Keyspace& ks, const std::string& dir,
                         const std::string& filename, const WriteOptions& opts,
                         std::string* err) {
    std::string tmp_name = temp_name(getpid());
    std::string tmp = snapshot_path(dir, tmp_name);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        *err = "Failed opening the temp RDB file " + tmp_name + " (in server root dir " + dir +
               ") for saving: " + std::strerror(errno);
        return false;
    }
    FdSink sink(fd);
    bool ok = write_rdb(ks, sink, opts);
    int saved_errno = ok ? 0 : (sink.error() != 0 ? sink.error() : EINVAL);
    if (ok && ::fsync(fd) != 0) {
        ok = false;
        saved_errno = errno;
    }
    if (::close(fd) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    if (!ok) {
        *err = std::string("Write error saving DB on disk: ") + std::strerror(saved_errno);
        ::unlink(tmp.c_str());
        return false;
    }
    std::string final_path = snapshot_path(dir, filename);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        *err = "Error moving temp DB file " + tmp_name + " on the final destination " + filename +
               " (in server root dir " + dir + "): " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return false;
    }
    if (!fsync_dir(dir)) {
        *err = std::string("Failed to fsync the directory after saving the DB: ") +
               std::strerror(errno);
        return false;
    }
    return true;
}

StartupLoad load_snapshot_file(keyspace::Keyspace& ks, const config::Values& cfg, bool replica,
                               int64_t now_ms) {
    StartupLoad out;
    int64_t start = monotonic_us();
    FileSource src;
    std::string path = snapshot_path(cfg.dir, cfg.dbfilename);
    if (!src.open(path)) {
        if (errno == ENOENT) {
            out.status = StartupLoad::Status::NoFile;
        } else {
            out.status = StartupLoad::Status::Error;
            out.error = "can't open " + path + ": " + std::strerror(errno);
        }
        return out;
    }
    LoadOptions opts;
    opts.now_ms = now_ms;
    opts.replica = replica;
    opts.verify_checksum = cfg.rdbchecksum;
    bool ok = load_rdb(src, ks, opts, &out.stats, &out.error);
    out.status = ok ? StartupLoad::Status::Loaded : StartupLoad::Status::Error;
    out.seconds = static_cast<double>(monotonic_us() - start) / 1e6;
    return out;
}

// ---- Snapshotter ---------------------------------------------------------------------------

Snapshotter::Snapshotter(const keyspace::Keyspace& ks, const config::Config& cfg,
                         uint64_t* dirty, int64_t now_ms)
    : ks_(ks), cfg_(cfg), dirty_(dirty), lastsave_(now_ms / 1000) {}

Snapshotter::~Snapshotter() {
    // The server the hook calls into is being destroyed.
    done_hook_ = nullptr;
    kill_child();
}

WriteOptions Snapshotter::write_options(int64_t now_ms, ReplInfo* repl) const {
    WriteOptions o;
    o.now_ms = now_ms;
    o.used_mem = keyspace::used_memory();
    o.compress = cfg_.values().rdbcompression;
    o.checksum = cfg_.values().rdbchecksum;
    o.repl = repl_info_ && repl_info_(repl) ? repl : nullptr;
    return o;
}

bool Snapshotter::save(int64_t now_ms, std::string* err, bool counted) {
    // Redis counts every SAVE and BGSAVE attempt in rdb_saves, failed or not.
    if (counted) {
        saves_++;
    }
    ReplInfo repl;
    const config::Values& v = cfg_.values();
    if (!write_snapshot_file(ks_, v.dir, v.dbfilename, write_options(now_ms, &repl), err)) {
        LOG_WARNING("%s", err->c_str());
        return false;
    }
    LOG_NOTICE("DB saved on disk");
    *dirty_ = 0;
    lastsave_ = now_ms / 1000;
    last_bgsave_ok_ = true;
    return true;
}

BgsaveStart Snapshotter::bgsave(int64_t now_ms, bool schedule) {
    if (in_progress()) {
        return BgsaveStart::AlreadyInProgress;
    }
    if (other_child_ && other_child_()) {
        if (!schedule) {
            return BgsaveStart::OtherChild;
        }
        scheduled_ = true;
        return BgsaveStart::Scheduled;
    }
    return start_child(now_ms);
}

BgsaveStart Snapshotter::start_child(int64_t now_ms) {
    ReplInfo repl;
    WriteOptions opts = write_options(now_ms, &repl);
    const config::Values& v = cfg_.values();
    last_bgsave_try_ = now_ms / 1000;
    saves_++;
    int64_t fork_start = monotonic_us();
    pid_t pid = fork();
    if (pid == 0) {
        // The child: write from the copy-on-write image and leave without running any of the
        // parent's exit handlers or destructors (they own the loop, sockets and files).
        log::set_role('C');
        std::string err;
        if (!write_snapshot_file(ks_, v.dir, v.dbfilename, opts, &err)) {
            LOG_WARNING("%s", err.c_str());
            _exit(1);
        }
        LOG_NOTICE("DB saved on disk");
        _exit(0);
    }
    if (pid < 0) {
        last_bgsave_ok_ = false;
        LOG_WARNING("Can't save in background: fork: %s", std::strerror(errno));
        return BgsaveStart::Failed;
    }
    latest_fork_usec_ = monotonic_us() - fork_start;
    forks_++;
    child_pid_ = pid;
    child_kind_ = ChildKind::Disk;
    scheduled_ = false;
    bgsave_start_ = now_ms / 1000;
    dirty_before_bgsave_ = *dirty_;
    LOG_NOTICE("Background saving started by pid %ld", static_cast<long>(pid));
    return BgsaveStart::Started;
}

bool Snapshotter::start_socket_child(int read_fd, int write_fd, int64_t now_ms) {
    if (in_progress()) {
        ::close(write_fd);
        return false;
    }
    ReplInfo repl;
    WriteOptions opts = write_options(now_ms, &repl);
    int64_t fork_start = monotonic_us();
    pid_t pid = fork();
    if (pid == 0) {
        log::set_role('C');
        ::close(read_fd);
        FdSink sink(write_fd);
        bool ok = write_rdb(ks_, sink, opts);
        if (!ok) {
            LOG_WARNING("Write error sending the RDB to the replicas: %s",
                        std::strerror(sink.error() != 0 ? sink.error() : EINVAL));
        }
        _exit(ok ? 0 : 1);
    }
    ::close(write_fd);
    if (pid < 0) {
        LOG_WARNING("Can't save in background: fork: %s", std::strerror(errno));
        return false;
    }
    latest_fork_usec_ = monotonic_us() - fork_start;
    forks_++;
    child_pid_ = pid;
    child_kind_ = ChildKind::Socket;
    bgsave_start_ = now_ms / 1000;
    return true;
}

void Snapshotter::child_done(int status, int64_t now_ms) {
    bool by_signal = WIFSIGNALED(status);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ChildKind kind = child_kind_;
    bool ok = !by_signal && code == 0;
    child_kind_ = ChildKind::None;
    if (kind == ChildKind::Socket) {
        // A transfer to replicas is no save: LASTSAVE, the change counter and the bgsave
        // status stay (Redis' backgroundSaveDoneHandlerSocket).
        if (ok) {
            LOG_NOTICE("Background RDB transfer terminated with success");
        } else if (!by_signal) {
            LOG_WARNING("Background transfer error");
        } else {
            LOG_WARNING("Background transfer terminated by signal %d", WTERMSIG(status));
        }
        child_pid_ = -1;
        if (done_hook_) {
            done_hook_(kind, ok);
        }
        return;
    }
    if (!by_signal && code == 0) {
        LOG_NOTICE("Background saving terminated with success");
        *dirty_ = *dirty_ >= dirty_before_bgsave_ ? *dirty_ - dirty_before_bgsave_ : 0;
        lastsave_ = now_ms / 1000;
        last_bgsave_ok_ = true;
    } else if (!by_signal) {
        LOG_WARNING("Background saving error");
        last_bgsave_ok_ = false;
    } else {
        int sig = WTERMSIG(status);
        LOG_WARNING("Background saving terminated by signal %d", sig);
        // SIGUSR1 is how we stop a child ourselves (kill_child): not an error.
        if (sig != SIGUSR1) {
            last_bgsave_ok_ = false;
        }
    }
    if (by_signal || code != 0) {
        ::unlink(snapshot_path(cfg_.values().dir, temp_name(child_pid_)).c_str());
    }
    last_bgsave_time_sec_ = now_ms / 1000 - bgsave_start_;
    child_pid_ = -1;
    if (done_hook_) {
        done_hook_(kind, ok);
    }
}

bool Snapshotter::poll(int64_t now_ms) {
    if (child_pid_ <= 0) {
        return false;
    }
    int status = 0;
    pid_t r = waitpid(child_pid_, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
        return false;
    }
    if (r < 0) {
        // The child is gone without a status we can read (reaped elsewhere): count it failed.
        LOG_WARNING("waitpid() for the BGSAVE child %ld failed: %s", static_cast<long>(child_pid_),
                    std::strerror(errno));
        status = 1 << 8;
    }
    child_done(status, now_ms);
    return true;
}

void Snapshotter::cron(int64_t now_ms) {
    if (in_progress()) {
        poll(now_ms);
        return;
    }
    if (other_child_ && other_child_()) {
        return;
    }
    int64_t now = now_ms / 1000;
    const config::SavePoint* sp = due_save_point(cfg_.values().save, *dirty_, lastsave_, now,
                                                 last_bgsave_ok_, last_bgsave_try_);
    if (sp != nullptr) {
        LOG_NOTICE("%lld changes in %lld seconds. Saving...", sp->changes, sp->seconds);
        (void)start_child(now_ms);
    } else if (scheduled_ &&
               (now - last_bgsave_try_ > kBgsaveRetryDelaySec || last_bgsave_ok_)) {
        (void)start_child(now_ms);
    }
}

void Snapshotter::kill_child() {
    if (child_pid_ <= 0) {
        return;
    }
    pid_t pid = child_pid_;
    ::kill(pid, SIGUSR1);
    // A stopped child (SIGSTOP by an operator or a test) never handles SIGUSR1: wake it so the
    // waitpid below cannot block the loop.
    ::kill(pid, SIGCONT);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ChildKind kind = child_kind_;
    if (kind == ChildKind::Disk) {
        ::unlink(snapshot_path(cfg_.values().dir, temp_name(pid)).c_str());
    }
    child_pid_ = -1;
    child_kind_ = ChildKind::None;
    if (done_hook_) {
        done_hook_(kind, false);
    }
}

bool Snapshotter::writes_blocked() const {
    const config::Values& v = cfg_.values();
    return v.stop_writes_on_bgsave_error && !v.save.empty() && !last_bgsave_ok_;
}

void Snapshotter::note_load(const LoadStats& st) {
    load_keys_loaded_ = st.keys_loaded;
    load_keys_expired_ = st.expired_skipped;
}

PersistenceInfo Snapshotter::info(int64_t now_ms) const {
    PersistenceInfo i;
    i.rdb_changes_since_last_save = *dirty_;
    i.rdb_bgsave_in_progress = in_progress();
    i.rdb_last_save_time = lastsave_;
    i.rdb_last_bgsave_ok = last_bgsave_ok_;
    i.rdb_last_bgsave_time_sec = last_bgsave_time_sec_;
    i.rdb_current_bgsave_time_sec = in_progress() ? now_ms / 1000 - bgsave_start_ : -1;
    i.rdb_saves = saves_;
    i.rdb_last_load_keys_expired = load_keys_expired_;
    i.rdb_last_load_keys_loaded = load_keys_loaded_;
    i.total_forks = forks_;
    i.latest_fork_usec = latest_fork_usec_;
    return i;
}

}  // namespace slotcache::persistence
