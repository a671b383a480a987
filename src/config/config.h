// The server's configuration: one table of directives (directives.cpp), the typed Values the
// server reads, and the four operations on them: load a file plus command-line options, CONFIG GET,
// CONFIG SET and CONFIG REWRITE. Names, defaults, accepted spellings and error texts are Redis
// 7.0's so that existing redis.conf files, tools and tests keep working.
//
// Approach: every directive is one row (name, alias, kind, flags, bounds, default as config text,
// accessor of its Values field). Loading, GET, SET and REWRITE are generic over the rows; only the
// few "special" directives (save, bind, client-output-buffer-limit, replicaof, ...) carry their own
// parse/format functions. Rejected: one hand-written branch per directive as in Redis 6 (the list
// of names, the parser and the rewriter drift apart), and a string map of values (the server would
// re-parse on every read).
//
// Invariants: values() always holds a fully valid configuration (a failed load or SET leaves it as
// it was before that SET; a failed load is fatal anyway). No function here throws, exits or
// writes to a socket: errors are returned as text for the caller to print or reply.
// Thread: loop thread only (SET hooks run synchronously inside set()).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log.h"

namespace slotcache::config {

enum class MaxmemoryPolicy : uint8_t {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    NoEviction,
};
enum class AppendFsync : uint8_t { Everysec, Always, No };
enum class ReplDisklessLoad : uint8_t { Disabled, OnEmptyDb, Swapdb };
enum class Supervised : uint8_t { Upstart, Systemd, Auto, No };
enum class OomScoreAdj : uint8_t { No, Relative, Absolute };
// enable-debug-command / enable-protected-configs / enable-module-command.
enum class ProtectedAction : uint8_t { No, Yes, Local };
enum class EndpointType : uint8_t { Ip, Hostname, UnknownEndpoint };

// Client classes of client-output-buffer-limit, in Redis' order (its CLIENT_TYPE_* numbering).
enum class ObufClass : uint8_t { Normal = 0, Replica = 1, Pubsub = 2 };
inline constexpr size_t kObufClassCount = 3;

struct ObufLimit {
    long long hard_bytes = 0;  // 0 = no limit
    long long soft_bytes = 0;
    long long soft_seconds = 0;
};

struct SavePoint {
    long long seconds = 0;
    long long changes = 0;
};

struct RenameCommand {
    std::string name;      // as written (the server compares case-insensitively)
    std::string new_name;  // empty: the command is removed
};

// notify-keyspace-events bits (Redis' NOTIFY_* values).
inline constexpr int kNotifyKeyspace = 1 << 0;   // K
inline constexpr int kNotifyKeyevent = 1 << 1;   // E
inline constexpr int kNotifyGeneric = 1 << 2;    // g
inline constexpr int kNotifyString = 1 << 3;     // $
inline constexpr int kNotifyList = 1 << 4;       // l
inline constexpr int kNotifySet = 1 << 5;        // s
inline constexpr int kNotifyHash = 1 << 6;       // h
inline constexpr int kNotifyZset = 1 << 7;       // z
inline constexpr int kNotifyExpired = 1 << 8;    // x
inline constexpr int kNotifyEvicted = 1 << 9;    // e
inline constexpr int kNotifyStream = 1 << 10;    // t
inline constexpr int kNotifyKeyMiss = 1 << 11;   // m (not part of A)
inline constexpr int kNotifyModule = 1 << 13;    // d
inline constexpr int kNotifyNew = 1 << 14;       // n (not part of A)
inline constexpr int kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet |
                                  kNotifyHash | kNotifyZset | kNotifyExpired | kNotifyEvicted |
                                  kNotifyStream | kNotifyModule;  // A

// Every setting, typed. Field names are the directive names with '-' -> '_'. The initializers are
// Redis 7.0's defaults; a unit test checks they equal the table's default texts.
// Integers and memory sizes are long long whatever their range (the table holds the range).
struct Values {
    // network
    long long port = 6379;
    std::vector<std::string> bind = {"*", "-::*"};  // '-' prefix: optional address
    std::string unixsocket;                         // empty = none
    long long unixsocketperm = 0;                   // octal in the file
    bool protected_mode = true;
    long long tcp_backlog = 511;
    long long tcp_keepalive = 300;
    long long timeout = 0;
    long long tls_port = 0;  // only 0 is accepted
    // general
    bool daemonize = false;
    std::string pidfile;  // empty = none
    log::Level loglevel = log::Level::Notice;
    std::string logfile;  // empty = standard output
    long long databases = 16;
    Supervised supervised = Supervised::No;
    bool always_show_logo = false;
    bool set_proc_title = true;
    bool crash_log_enabled = true;
    std::string locale_collate;
    ProtectedAction enable_debug_command = ProtectedAction::No;
    ProtectedAction enable_protected_configs = ProtectedAction::No;
    ProtectedAction enable_module_command = ProtectedAction::No;
    std::vector<RenameCommand> rename_command;  // in file order; applied by the server at start-up
    // clients and limits
    long long maxclients = 10000;
    long long proto_max_bulk_len = 512LL * 1024 * 1024;
    long long client_query_buffer_limit = 1024LL * 1024 * 1024;
    std::array<ObufLimit, kObufClassCount> client_output_buffer_limit = {{
        {0, 0, 0},
        {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60},
        {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60},
    }};
    std::string requirepass;  // empty = no password
    // memory and eviction
    long long maxmemory = 0;
    MaxmemoryPolicy maxmemory_policy = MaxmemoryPolicy::NoEviction;
    long long maxmemory_samples = 5;
    long long maxmemory_eviction_tenacity = 10;
    long long lfu_log_factor = 10;
    long long lfu_decay_time = 1;
    long long active_expire_effort = 1;
    bool activerehashing = true;
    bool activedefrag = false;
    bool jemalloc_bg_thread = true;
    bool lazyfree_lazy_eviction = false;
    bool lazyfree_lazy_expire = false;
    bool lazyfree_lazy_server_del = false;
    bool lazyfree_lazy_user_del = false;
    bool lazyfree_lazy_user_flush = false;
    // timers, threads, OS
    long long hz = 10;
    bool dynamic_hz = true;
    long long io_threads = 1;
    bool io_threads_do_reads = false;
    OomScoreAdj oom_score_adj = OomScoreAdj::No;
    long long busy_reply_threshold = 5000;
    // persistence
    std::string dir = "./";  // the server chdir()s to it (see README); CONFIG GET shows it as set
    std::string dbfilename = "dump.rdb";
    std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
    bool rdbcompression = true;
    bool rdbchecksum = true;
    bool stop_writes_on_bgsave_error = true;
    bool appendonly = false;
    std::string appendfilename = "appendonly.aof";
    std::string appenddirname = "appendonlydir";
    AppendFsync appendfsync = AppendFsync::Everysec;
    // replication
    std::string replicaof_host;  // empty = this node is a master
    long long replicaof_port = 0;
    std::string masteruser;
    std::string masterauth;
    bool replica_read_only = true;
    bool replica_serve_stale_data = true;
    bool replica_lazy_flush = false;
    long long replica_priority = 100;
    std::string replica_announce_ip;
    long long replica_announce_port = 0;
    long long repl_backlog_size = 1024LL * 1024;
    long long repl_backlog_ttl = 3600;
    long long repl_timeout = 60;
    long long repl_ping_replica_period = 10;
    bool repl_diskless_sync = true;
    long long repl_diskless_sync_delay = 5;
    long long repl_diskless_sync_max_replicas = 0;
    ReplDisklessLoad repl_diskless_load = ReplDisklessLoad::Disabled;
    long long min_replicas_to_write = 0;
    long long min_replicas_max_lag = 10;
    // cluster
    bool cluster_enabled = false;
    std::string cluster_config_file = "nodes.conf";
    long long cluster_node_timeout = 15000;
    long long cluster_port = 0;  // 0 = port + 10000
    std::string cluster_announce_ip;
    long long cluster_announce_port = 0;
    long long cluster_announce_bus_port = 0;
    std::string cluster_announce_hostname;
    bool cluster_require_full_coverage = true;
    long long cluster_replica_validity_factor = 10;
    long long cluster_migration_barrier = 1;
    bool cluster_allow_replica_migration = true;
    bool cluster_replica_no_failover = false;
    bool cluster_allow_reads_when_down = false;
    bool cluster_allow_pubsubshard_when_down = true;
    long long cluster_link_sendbuf_limit = 0;
    EndpointType cluster_preferred_endpoint_type = EndpointType::Ip;
    // observability
    long long slowlog_log_slower_than = 10000;
    long long slowlog_max_len = 128;
    long long latency_monitor_threshold = 0;
    bool latency_tracking = true;
    int notify_keyspace_events = 0;  // kNotify* bits
    // encodings
    long long hash_max_listpack_entries = 512;
    long long hash_max_listpack_value = 64;
    long long list_max_listpack_size = -2;
    long long list_compress_depth = 0;
    long long set_max_intset_entries = 512;
    long long set_max_listpack_entries = 128;
    long long set_max_listpack_value = 64;
    long long zset_max_listpack_entries = 128;
    long long zset_max_listpack_value = 64;
};

// Run after CONFIG SET changed the directive it is registered for, with the new values already in
// place. Returns an empty string on success or the error text to reply (Redis' apply functions,
// e.g. "Unable to listen on this port"); on error every change of that SET is rolled back and the
// hooks already run are run again on the old values.
using ApplyHook = std::function<std::string(const Values&)>;

// redis-server's command line, split: `slotcache-server [file] [-] [--name value ...]`.
struct CommandLine {
    std::string config_file;  // absolute path, or empty when none was given
    bool config_from_stdin = false;
    std::string options;  // the --name value pairs as config lines, appended after the file
};

// Parses argv[1..] the way redis-server 7.0 does: an argument not starting with '-' first is the
// file; "-" first or last reads stdin; "--name" starts a directive line and the following
// arguments up to the next "--x" are its values (quoted with sdscatrepr rules), so
// `--save 900 1 --port 7000` gives "save \"900\" \"1\" \nport \"7000\" ". A bare trailing
// `--save` means `--save ""`. --help/--version are the caller's; they are not special here.
CommandLine parse_command_line(int argc, const char* const* argv);

class Config {
public:
    Config();

    const Values& values() const { return values_; }
    // For start-up adjustments the server makes itself (e.g. dir made absolute after chdir).
    Values& mutable_values() { return values_; }

    // The version printed in "*** FATAL CONFIG FILE ERROR (slotcache <version>) ***".
    void set_version(std::string version) { version_ = std::move(version); }

    // Lets the loader reject "rename-command" of an unknown command, as Redis does
    // ("No such command in rename-command"). Unset: any name is accepted and the server checks.
    void set_command_lookup(std::function<bool(std::string_view)> exists) {
        command_exists_ = std::move(exists);
    }

    // Loads the file (if any), then stdin (if asked), then the options, as one text (Redis'
    // loadServerConfig). Returns "" on success, or the complete multi-line message for stderr
    // ("\n*** FATAL CONFIG FILE ERROR (slotcache V) ***\nReading the configuration file, at line
    // N\n>>> 'line'\nreason\n"); the caller prints it and exits 1. Remembers the file for REWRITE.
    std::string load(const CommandLine& cl);
    // Same for a config text with no file behind it (tests, stdin).
    std::string load_string(std::string_view text);

    const std::string& config_file() const { return config_file_; }

    // Registers the apply hook of a directive (by its canonical or alias name). A directive flagged
    // "needs hook" in the table (port, bind, maxclients, ...) cannot be changed by CONFIG SET until
    // its hook is registered: it answers "can't set immutable config", which is true of a server
    // that cannot apply it. Returns false for an unknown name.
    bool set_hook(std::string_view name, ApplyHook hook);

    // CONFIG GET pattern [pattern ...]: name/value pairs, each directive once, canonical names for
    // glob matches, the name as given for an exact (non-glob) match, in table order.
    std::vector<std::pair<std::string, std::string>> get(
        const std::vector<std::string_view>& patterns) const;

    // CONFIG SET name value [name value ...]: all or nothing. `args` are the pairs flattened
    // (name, value, name, value ...); an odd count answers "ERR syntax error". Returns "" on
    // success or the error reply text without '-' and CRLF, e.g. "ERR Unknown option or number of
    // arguments for CONFIG SET - 'foo'". `client_is_local` (a loopback or unix-socket client)
    // matters for protected configs (dir, dbfilename) under enable-protected-configs local.
    std::string set(const std::vector<std::string_view>& args, bool client_is_local = false);

    // CONFIG REWRITE: rewrites config_file() in place (comments and line order kept, changed
    // directives replaced where they were, new non-default ones appended after
    // "# Generated by CONFIG REWRITE"), atomically. Returns "" or the error reply text.
    std::string rewrite() const;
    // The rewritten text for a given old file content (pure; rewrite() writes this).
    std::string rewrite_text(std::string_view old_content) const;

    // True when `name` (or an alias) is SENSITIVE: its value must not be logged, and the
    // server redacts it in SLOWLOG/MONITOR.
    static bool is_sensitive(std::string_view name);

private:
    std::string load_top(std::string_view text);
    std::string load_text(std::string_view text, int depth);
    std::string load_file(const std::string& path, int depth);
    std::string load_line(const std::vector<std::string>& argv, int depth);
    std::string rename_command(const std::string& name, const std::string& new_name);
    std::string fatal(int linenum, std::string_view line, std::string_view reason) const;

    Values values_;
    std::string config_file_;
    std::string version_ = "0.1.0";
    std::vector<ApplyHook> hooks_;  // indexed like the directive table
    std::function<bool(std::string_view)> command_exists_;
    std::vector<std::string> renamed_away_;  // names removed by rename-command during a load
    std::vector<std::string> renamed_to_;    // names added by rename-command during a load
    std::vector<bool> seen_;                 // directive already met in this load (save lines add)
};

// Text of the enum values, as CONFIG GET and INFO print them ("allkeys-lru", "everysec", ...).
std::string_view to_string(MaxmemoryPolicy p);
std::string_view to_string(AppendFsync f);
std::string_view to_string(EndpointType t);
// notify-keyspace-events flags <-> text; parse returns -1 on an unknown character.
int parse_notify_flags(std::string_view s);
std::string notify_flags_to_string(int flags);

}  // namespace slotcache::config
