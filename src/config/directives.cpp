// The directive table and the generic parse/show/rewrite of its typed rows. Ranges, defaults and
// flags are Redis 7.0.15's (src/config.c static_configs); rows Redis 7.0 does not have
// (tls-port without TLS, set-max-listpack-*, locale-collate from 7.2) are marked below.
// Keep one row per line, grouped as in conf/slotcache.conf.
#include "config/directives.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <type_traits>

#include "common/strutil.h"
#include "config/special.h"
#include "config/text.h"

namespace slotcache::config::detail {

namespace {

template <class E>
constexpr int ev(E e) {
    return static_cast<int>(e);
}

constexpr EnumName kPolicyNames[] = {
    {"volatile-lru", ev(MaxmemoryPolicy::VolatileLru)},
    {"volatile-lfu", ev(MaxmemoryPolicy::VolatileLfu)},
    {"volatile-random", ev(MaxmemoryPolicy::VolatileRandom)},
    {"volatile-ttl", ev(MaxmemoryPolicy::VolatileTtl)},
    {"allkeys-lru", ev(MaxmemoryPolicy::AllkeysLru)},
    {"allkeys-lfu", ev(MaxmemoryPolicy::AllkeysLfu)},
    {"allkeys-random", ev(MaxmemoryPolicy::AllkeysRandom)},
    {"noeviction", ev(MaxmemoryPolicy::NoEviction)},
};
constexpr EnumName kLoglevelNames[] = {
    {"debug", ev(log::Level::Debug)},
    {"verbose", ev(log::Level::Verbose)},
    {"notice", ev(log::Level::Notice)},
    {"warning", ev(log::Level::Warning)},
};
constexpr EnumName kFsyncNames[] = {
    {"everysec", ev(AppendFsync::Everysec)},
    {"always", ev(AppendFsync::Always)},
    {"no", ev(AppendFsync::No)},
};
constexpr EnumName kDisklessLoadNames[] = {
    {"disabled", ev(ReplDisklessLoad::Disabled)},
    {"on-empty-db", ev(ReplDisklessLoad::OnEmptyDb)},
    {"swapdb", ev(ReplDisklessLoad::Swapdb)},
};
constexpr EnumName kSupervisedNames[] = {
    {"upstart", ev(Supervised::Upstart)},
    {"systemd", ev(Supervised::Systemd)},
    {"auto", ev(Supervised::Auto)},
    {"no", ev(Supervised::No)},
};
// "yes" is Redis' old spelling of "relative"; shown as "yes" (first name of the value), as Redis.
constexpr EnumName kOomNames[] = {
    {"no", ev(OomScoreAdj::No)},
    {"yes", ev(OomScoreAdj::Relative)},
    {"relative", ev(OomScoreAdj::Relative)},
    {"absolute", ev(OomScoreAdj::Absolute)},
};
constexpr EnumName kProtectedNames[] = {
    {"no", ev(ProtectedAction::No)},
    {"yes", ev(ProtectedAction::Yes)},
    {"local", ev(ProtectedAction::Local)},
};
constexpr EnumName kEndpointNames[] = {
    {"ip", ev(EndpointType::Ip)},
    {"hostname", ev(EndpointType::Hostname)},
    {"unknown-endpoint", ev(EndpointType::UnknownEndpoint)},
};

template <auto M>
int enum_get(const Values& v) {
    return static_cast<int>(v.*M);
}
template <auto M>
void enum_set(Values& v, int x) {
    using E = std::remove_cvref_t<decltype(v.*M)>;
    v.*M = static_cast<E>(x);
}

// Row constructors: (name, alias, flags, [range], field, default[, check]).
constexpr Directive yesno(std::string_view n, std::string_view a, uint32_t f, bool Values::*m,
                          std::string_view def) {
    Directive d{n, a, Kind::Bool, f, def};
    d.b = m;
    return d;
}
constexpr Directive number(Kind k, std::string_view n, std::string_view a, uint32_t f,
                           long long lo, long long hi, long long Values::*m, std::string_view def,
                           const char* (*check)(long long) = nullptr) {
    Directive d{n, a, k, f, def, lo, hi};
    d.i = m;
    d.check_int = check;
    return d;
}
constexpr Directive integer(std::string_view n, std::string_view a, uint32_t f, long long lo,
                            long long hi, long long Values::*m, std::string_view def,
                            const char* (*check)(long long) = nullptr) {
    return number(Kind::Int, n, a, f, lo, hi, m, def, check);
}
constexpr Directive memory(std::string_view n, std::string_view a, uint32_t f, long long lo,
                           long long hi, long long Values::*m, std::string_view def) {
    return number(Kind::Memory, n, a, f, lo, hi, m, def);
}
constexpr Directive string(std::string_view n, std::string_view a, uint32_t f,
                           std::string Values::*m, std::string_view def,
                           const char* (*check)(const std::string&) = nullptr) {
    Directive d{n, a, Kind::String, f, def};
    d.s = m;
    d.check_str = check;
    return d;
}
template <auto M>
constexpr Directive enumeration(std::string_view n, std::string_view a, uint32_t f,
                                std::span<const EnumName> names, std::string_view def) {
    Directive d{n, a, Kind::Enum, f, def};
    d.enums = names;
    d.enum_get = &enum_get<M>;
    d.enum_set = &enum_set<M>;
    return d;
}
constexpr Directive special(std::string_view n, std::string_view a, uint32_t f,
                            std::string_view def, SpecialSet set, SpecialGet get,
                            SpecialRewrite rw) {
    Directive d{n, a, Kind::Special, f, def};
    d.set = set;
    d.get = get;
    d.rewrite = rw;
    return d;
}

const char* check_tls_port(long long v) { return v != 0 ? "TLS is not supported" : nullptr; }

bool is_base_name(const std::string& s) {
    return s.find('/') == std::string::npos && s.find('\\') == std::string::npos;
}
const char* check_dbfilename(const std::string& s) {
    return is_base_name(s) ? nullptr : "dbfilename can't be a path, just a filename";
}
const char* check_aof_filename(const std::string& s) {
    if (s.empty()) {
        return "appendfilename can't be empty";
    }
    return is_base_name(s) ? nullptr : "appendfilename can't be a path, just a filename";
}
const char* check_aof_dirname(const std::string& s) {
    if (s.empty()) {
        return "appenddirname can't be empty";
    }
    return is_base_name(s) ? nullptr : "appenddirname can't be a path, just a dirname";
}
const char* check_hostname(const std::string& s) {
    if (s.size() >= 256) {
        return "Hostnames must be less than 256 characters";
    }
    for (char c : s) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.';
        if (!ok) {
            return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        }
    }
    return nullptr;
}

constexpr uint32_t I = kImmutable;
constexpr uint32_t M = kModifiable;
constexpr uint32_t S = kSensitive | kEmptyIsNull;
constexpr uint32_t N = kEmptyIsNull;
constexpr long long kInt = INT_MAX;
constexpr long long kLong = LONG_MAX;
constexpr long long kLLong = LLONG_MAX;
using V = Values;

const Directive kTable[] = {
    // network
    integer("port", "", kNeedsHook, 0, 65535, &V::port, "6379"),
    special("bind", "", kMultiArg | kNeedsHook, "* -::*", set_bind, get_bind, rewrite_bind),
    string("unixsocket", "", I | N, &V::unixsocket, ""),
    number(Kind::Octal, "unixsocketperm", "", I, 0, 0777, &V::unixsocketperm, "0"),
    yesno("protected-mode", "", M, &V::protected_mode, "yes"),
    integer("tcp-backlog", "", I, 0, kInt, &V::tcp_backlog, "511"),
    integer("tcp-keepalive", "", M, 0, kInt, &V::tcp_keepalive, "300"),
    integer("timeout", "", M, 0, kInt, &V::timeout, "0"),
    integer("tls-port", "", M, 0, 65535, &V::tls_port, "0", check_tls_port),  // only 0: no TLS
    // general
    yesno("daemonize", "", I, &V::daemonize, "no"),
    string("pidfile", "", I | N, &V::pidfile, ""),
    enumeration<&V::loglevel>("loglevel", "", kNeedsHook, kLoglevelNames, "notice"),
    string("logfile", "", I, &V::logfile, ""),
    integer("databases", "", I, 1, kInt, &V::databases, "16"),
    enumeration<&V::supervised>("supervised", "", I, kSupervisedNames, "no"),
    yesno("always-show-logo", "", I, &V::always_show_logo, "no"),
    yesno("set-proc-title", "", I, &V::set_proc_title, "yes"),
    yesno("crash-log-enabled", "", M, &V::crash_log_enabled, "yes"),
    string("locale-collate", "", M, &V::locale_collate, ""),  // Redis 7.2
    enumeration<&V::enable_debug_command>("enable-debug-command", "", I, kProtectedNames, "no"),
    enumeration<&V::enable_protected_configs>("enable-protected-configs", "", I, kProtectedNames,
                                              "no"),
    enumeration<&V::enable_module_command>("enable-module-command", "", I, kProtectedNames, "no"),
    // clients and limits
    integer("maxclients", "", M, 1, UINT_MAX, &V::maxclients, "10000"),
    memory("proto-max-bulk-len", "", M, 1024 * 1024, kLong, &V::proto_max_bulk_len, "512mb"),
    memory("client-query-buffer-limit", "", M, 1024 * 1024, kLong, &V::client_query_buffer_limit,
           "1gb"),
    special("client-output-buffer-limit", "", kMultiArg,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", set_obuf,
            get_obuf, rewrite_obuf),
    string("requirepass", "", S, &V::requirepass, ""),
    // memory and eviction
    memory("maxmemory", "", M, 0, kLLong, &V::maxmemory, "0"),
    enumeration<&V::maxmemory_policy>("maxmemory-policy", "", M, kPolicyNames, "noeviction"),
    integer("maxmemory-samples", "", M, 1, kInt, &V::maxmemory_samples, "5"),
    integer("maxmemory-eviction-tenacity", "", M, 0, 100, &V::maxmemory_eviction_tenacity, "10"),
    integer("lfu-log-factor", "", M, 0, kInt, &V::lfu_log_factor, "10"),
    integer("lfu-decay-time", "", M, 0, kInt, &V::lfu_decay_time, "1"),
    integer("active-expire-effort", "", M, 1, 10, &V::active_expire_effort, "1"),
    yesno("activerehashing", "", M, &V::activerehashing, "yes"),
    yesno("activedefrag", "", M, &V::activedefrag, "no"),
    yesno("jemalloc-bg-thread", "", M, &V::jemalloc_bg_thread, "yes"),
    yesno("lazyfree-lazy-eviction", "", M, &V::lazyfree_lazy_eviction, "no"),
    yesno("lazyfree-lazy-expire", "", M, &V::lazyfree_lazy_expire, "no"),
    yesno("lazyfree-lazy-server-del", "", M, &V::lazyfree_lazy_server_del, "no"),
    yesno("lazyfree-lazy-user-del", "", M, &V::lazyfree_lazy_user_del, "no"),
    yesno("lazyfree-lazy-user-flush", "", M, &V::lazyfree_lazy_user_flush, "no"),
    // timers, threads, OS
    integer("hz", "", M, 0, kInt, &V::hz, "10"),  // clamped to 1..500 after load and SET
    yesno("dynamic-hz", "", M, &V::dynamic_hz, "yes"),
    integer("io-threads", "", I, 1, 128, &V::io_threads, "1"),
    yesno("io-threads-do-reads", "", I, &V::io_threads_do_reads, "no"),
    enumeration<&V::oom_score_adj>("oom-score-adj", "", M, kOomNames, "no"),
    integer("busy-reply-threshold", "lua-time-limit", M, 0, kLong, &V::busy_reply_threshold,
            "5000"),
    // persistence
    special("dir", "", kProtected | kNeedsHook, "./", set_dir, get_dir, rewrite_dir),
    string("dbfilename", "", kProtected, &V::dbfilename, "dump.rdb", check_dbfilename),
    special("save", "", kMultiArg, "3600 1 300 100 60 10000", set_save, get_save, rewrite_save),
    yesno("rdbcompression", "", M, &V::rdbcompression, "yes"),
    yesno("rdbchecksum", "", I, &V::rdbchecksum, "yes"),
    yesno("stop-writes-on-bgsave-error", "", M, &V::stop_writes_on_bgsave_error, "yes"),
    yesno("appendonly", "", kNeedsHook, &V::appendonly, "no"),
    string("appendfilename", "", I, &V::appendfilename, "appendonly.aof", check_aof_filename),
    string("appenddirname", "", I, &V::appenddirname, "appendonlydir", check_aof_dirname),
    enumeration<&V::appendfsync>("appendfsync", "", M, kFsyncNames, "everysec"),
    // replication
    special("replicaof", "slaveof", I | kMultiArg, "no one", set_replicaof, get_replicaof,
            rewrite_replicaof),
    string("masteruser", "", S, &V::masteruser, ""),
    string("masterauth", "", S, &V::masterauth, ""),
    yesno("replica-read-only", "slave-read-only", M, &V::replica_read_only, "yes"),
    yesno("replica-serve-stale-data", "slave-serve-stale-data", M, &V::replica_serve_stale_data,
          "yes"),
    yesno("replica-lazy-flush", "slave-lazy-flush", M, &V::replica_lazy_flush, "no"),
    integer("replica-priority", "slave-priority", M, 0, kInt, &V::replica_priority, "100"),
    string("replica-announce-ip", "slave-announce-ip", N, &V::replica_announce_ip, ""),
    integer("replica-announce-port", "slave-announce-port", M, 0, 65535,
            &V::replica_announce_port, "0"),
    memory("repl-backlog-size", "", kNeedsHook, 1, kLLong, &V::repl_backlog_size, "1mb"),
    integer("repl-backlog-ttl", "", M, 0, kLong, &V::repl_backlog_ttl, "3600"),
    integer("repl-timeout", "", M, 1, kInt, &V::repl_timeout, "60"),
    integer("repl-ping-replica-period", "repl-ping-slave-period", M, 1, kInt,
            &V::repl_ping_replica_period, "10"),
    yesno("repl-diskless-sync", "", M, &V::repl_diskless_sync, "yes"),
    integer("repl-diskless-sync-delay", "", M, 0, kInt, &V::repl_diskless_sync_delay, "5"),
    integer("repl-diskless-sync-max-replicas", "", M, 0, kInt,
            &V::repl_diskless_sync_max_replicas, "0"),
    enumeration<&V::repl_diskless_load>("repl-diskless-load", "", M, kDisklessLoadNames,
                                        "disabled"),
    integer("min-replicas-to-write", "min-slaves-to-write", M, 0, kInt,
            &V::min_replicas_to_write, "0"),
    integer("min-replicas-max-lag", "min-slaves-max-lag", M, 0, kInt, &V::min_replicas_max_lag,
            "10"),
    // cluster
    yesno("cluster-enabled", "", I, &V::cluster_enabled, "no"),
    string("cluster-config-file", "", I, &V::cluster_config_file, "nodes.conf"),
    integer("cluster-node-timeout", "", M, 0, kLLong, &V::cluster_node_timeout, "15000"),
    integer("cluster-port", "", I, 0, 65535, &V::cluster_port, "0"),
    string("cluster-announce-ip", "", N, &V::cluster_announce_ip, ""),
    integer("cluster-announce-port", "", M, 0, 65535, &V::cluster_announce_port, "0"),
    integer("cluster-announce-bus-port", "", M, 0, 65535, &V::cluster_announce_bus_port, "0"),
    string("cluster-announce-hostname", "", N, &V::cluster_announce_hostname, "", check_hostname),
    yesno("cluster-require-full-coverage", "", M, &V::cluster_require_full_coverage, "yes"),
    integer("cluster-replica-validity-factor", "cluster-slave-validity-factor", M, 0, kInt,
            &V::cluster_replica_validity_factor, "10"),
    integer("cluster-migration-barrier", "", M, 0, kInt, &V::cluster_migration_barrier, "1"),
    yesno("cluster-allow-replica-migration", "", M, &V::cluster_allow_replica_migration, "yes"),
    yesno("cluster-replica-no-failover", "cluster-slave-no-failover", M,
          &V::cluster_replica_no_failover, "no"),
    yesno("cluster-allow-reads-when-down", "", M, &V::cluster_allow_reads_when_down, "no"),
    yesno("cluster-allow-pubsubshard-when-down", "", M, &V::cluster_allow_pubsubshard_when_down,
          "yes"),
    memory("cluster-link-sendbuf-limit", "", M, 0, kLLong, &V::cluster_link_sendbuf_limit, "0"),
    enumeration<&V::cluster_preferred_endpoint_type>("cluster-preferred-endpoint-type", "", M,
                                                     kEndpointNames, "ip"),
    // observability
    integer("slowlog-log-slower-than", "", M, -1, kLLong, &V::slowlog_log_slower_than, "10000"),
    integer("slowlog-max-len", "", M, 0, kLong, &V::slowlog_max_len, "128"),
    integer("latency-monitor-threshold", "", M, 0, kLLong, &V::latency_monitor_threshold, "0"),
    yesno("latency-tracking", "", M, &V::latency_tracking, "yes"),
    special("notify-keyspace-events", "", M, "", set_notify, get_notify, rewrite_notify),
    // encodings
    integer("hash-max-listpack-entries", "hash-max-ziplist-entries", M, 0, kLong,
            &V::hash_max_listpack_entries, "512"),
    memory("hash-max-listpack-value", "hash-max-ziplist-value", M, 0, kLong,
           &V::hash_max_listpack_value, "64"),
    integer("list-max-listpack-size", "list-max-ziplist-size", M, INT_MIN, kInt,
            &V::list_max_listpack_size, "-2"),
    integer("list-compress-depth", "", M, 0, kInt, &V::list_compress_depth, "0"),
    integer("set-max-intset-entries", "", M, 0, kLong, &V::set_max_intset_entries, "512"),
    integer("set-max-listpack-entries", "", M, 0, kLong, &V::set_max_listpack_entries,
            "128"),  // Redis 7.2
    memory("set-max-listpack-value", "", M, 0, kLong, &V::set_max_listpack_value,
           "64"),  // Redis 7.2
    integer("zset-max-listpack-entries", "zset-max-ziplist-entries", M, 0, kLong,
            &V::zset_max_listpack_entries, "128"),
    memory("zset-max-listpack-value", "zset-max-ziplist-value", M, 0, kLong,
           &V::zset_max_listpack_value, "64"),
};

std::string enum_error(const Directive& d) {
    std::string e = "argument(s) must be one of the following: ";
    for (size_t j = 0; j < d.enums.size(); ++j) {
        e += d.enums[j].name;
        if (j + 1 < d.enums.size()) {
            e += ", ";
        }
    }
    return e.substr(0, 255);  // Redis formats it into a 256-byte buffer
}

std::string range_error(const Directive& d) {
    char buf[160];
    if (d.kind == Kind::Octal) {
        snprintf(buf, sizeof(buf), "argument must be between %llo and %llo inclusive",
                 static_cast<unsigned long long>(d.min), static_cast<unsigned long long>(d.max));
    } else {
        snprintf(buf, sizeof(buf), "argument must be between %lld and %lld inclusive", d.min,
                 d.max);
    }
    return buf;
}

std::string parse_number(const Directive& d, const std::string& arg, long long* out) {
    if (d.kind == Kind::Memory) {
        unsigned long long u = 0;
        if (!text::parse_memory(arg, &u) || u > static_cast<unsigned long long>(LLONG_MAX)) {
            return "argument must be a memory value";
        }
        *out = static_cast<long long>(u);
        return {};
    }
    if (d.kind == Kind::Octal) {
        char* end = nullptr;
        errno = 0;
        *out = strtoll(arg.c_str(), &end, 8);
        if (errno != 0 || *end != '\0') {
            return "argument couldn't be parsed as an octal number";
        }
        return {};
    }
    if (!parse_ll(arg, out)) {
        return "argument couldn't be parsed into an integer";
    }
    return {};
}

}  // namespace

std::span<const Directive> directives() { return kTable; }

int find_directive(std::string_view name) {
    for (size_t j = 0; j < std::size(kTable); ++j) {
        if (text::iequals(kTable[j].name, name) ||
            (!kTable[j].alias.empty() && text::iequals(kTable[j].alias, name))) {
            return static_cast<int>(j);
        }
    }
    return -1;
}

std::string set_value(const Directive& d, Values& v, const std::vector<std::string>& args,
                      bool append) {
    if (d.kind == Kind::Special) {
        return d.set(v, args, append);
    }
    const std::string& arg = args.empty() ? std::string() : args[0];
    switch (d.kind) {
        case Kind::Bool:
            if (text::iequals(arg, "yes")) {
                v.*d.b = true;
            } else if (text::iequals(arg, "no")) {
                v.*d.b = false;
            } else {
                return "argument must be 'yes' or 'no'";
            }
            return {};
        case Kind::Int:
        case Kind::Memory:
        case Kind::Octal: {
            long long n = 0;
            std::string err = parse_number(d, arg, &n);
            if (!err.empty()) {
                return err;
            }
            if (n < d.min || n > d.max) {
                return range_error(d);
            }
            if (d.check_int) {
                if (const char* e = d.check_int(n)) {
                    return e;
                }
            }
            v.*d.i = n;
            return {};
        }
        case Kind::Enum:
            for (const EnumName& e : d.enums) {
                if (text::iequals(e.name, arg)) {
                    d.enum_set(v, e.value);
                    return {};
                }
            }
            return enum_error(d);
        case Kind::String:
            if (d.check_str) {
                if (const char* e = d.check_str(arg)) {
                    return e;
                }
            }
            v.*d.s = arg;
            return {};
        case Kind::Special: break;
    }
    return {};
}

std::string get_value(const Directive& d, const Values& v) {
    char buf[64];
    switch (d.kind) {
        case Kind::Bool: return v.*d.b ? "yes" : "no";
        case Kind::Int:
        case Kind::Memory: return ll_to_string(v.*d.i);
        case Kind::Octal:
            snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v.*d.i));
            return buf;
        case Kind::Enum: {
            int x = d.enum_get(v);
            for (const EnumName& e : d.enums) {
                if (e.value == x) {
                    return std::string(e.name);
                }
            }
            return "unknown";
        }
        case Kind::String: return v.*d.s;
        case Kind::Special: return d.get(v);
    }
    return {};
}

void rewrite_value(const Directive& d, const Values& v, std::vector<RewriteLine>* out) {
    static const Values kDefaults{};
    std::string name(d.name);
    switch (d.kind) {
        case Kind::Special: d.rewrite(v, d.name, out); return;
        case Kind::String:
            // An unset (null) string must not appear at all, to stay unset after a restart.
            if ((d.flags & kEmptyIsNull) && (v.*d.s).empty()) {
                return;
            }
            out->push_back({name + " " + text::quote(v.*d.s),
                            (d.flags & kEmptyIsNull) || v.*d.s != kDefaults.*d.s});
            return;
        case Kind::Memory:
            out->push_back(
                {name + " " + text::format_memory(v.*d.i), v.*d.i != kDefaults.*d.i});
            return;
        case Kind::Bool:
        case Kind::Int:
        case Kind::Octal:
        case Kind::Enum: {
            std::string now = get_value(d, v);
            out->push_back({name + " " + now, now != get_value(d, kDefaults)});
            return;
        }
    }
}

}  // namespace slotcache::config::detail
