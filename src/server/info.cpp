#include "server/info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "common/clock.h"
#include "common/strutil.h"
#include "keyspace/lazyfree.h"
#include "keyspace/memory.h"
#include "server/server.h"

namespace slotcache::server {

namespace {

void line(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void line(std::string& out, const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0) out.append(buf, static_cast<size_t>(n) < sizeof(buf) ? n : sizeof(buf) - 1);
    out += "\r\n";
}

size_t rss_bytes() {
    FILE* f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    int got = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    return got == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void server_section(Server& s, std::string& out) {
    utsname u{};
    uname(&u);
    int64_t uptime = (unix_ms() - s.start_time_ms()) / 1000;
    out += "# Server\r\n";
    line(out, "redis_version:%s", kRedisCompatVersion);
    line(out, "slotcache_version:%s", kVersion);
    line(out, "redis_git_sha1:00000000");
    line(out, "redis_git_dirty:0");
    line(out, "redis_build_id:0");
    line(out, "redis_mode:%s", s.cfg().cluster_enabled ? "cluster" : "standalone");
    line(out, "os:%s %s %s", u.sysname, u.release, u.machine);
    line(out, "arch_bits:64");
    line(out, "monotonic_clock:POSIX clock_gettime");
    line(out, "multiplexing_api:epoll");
    line(out, "atomicvar_api:c11-builtin");
    line(out, "gcc_version:%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
    line(out, "process_id:%d", static_cast<int>(getpid()));
    line(out, "process_supervised:no");
    line(out, "run_id:%s", s.run_id().c_str());
    line(out, "tcp_port:%lld", s.cfg().port);
    line(out, "server_time_usec:%lld", static_cast<long long>(unix_us()));
    line(out, "uptime_in_seconds:%lld", static_cast<long long>(uptime));
    line(out, "uptime_in_days:%lld", static_cast<long long>(uptime / 86400));
    line(out, "hz:%lld", s.cfg().hz);
    line(out, "configured_hz:%lld", s.cfg().hz);
    line(out, "lru_clock:%lld", static_cast<long long>((unix_ms() / 1000) & ((1 << 24) - 1)));
    line(out, "executable:%s", "slotcache-server");
    line(out, "config_file:%s", s.config().config_file().c_str());
    line(out, "io_threads_active:0");
}

void clients_section(Server& s, std::string& out) {
    size_t max_in = 0, max_out = 0;
    for (auto& [id, c] : s.clients()) {
        if (c->is_closing()) continue;
        max_in = std::max(max_in, c->conn().input_capacity());
        max_out = std::max(max_out, c->conn().out().size());
    }
    out += "# Clients\r\n";
    line(out, "connected_clients:%zu", s.clients().size());
    line(out, "cluster_connections:0");
    line(out, "maxclients:%lld", s.cfg().maxclients);
    line(out, "client_recent_max_input_buffer:%zu", max_in);
    line(out, "client_recent_max_output_buffer:%zu", max_out);
    line(out, "blocked_clients:%zu", s.blocked_clients());
    line(out, "tracking_clients:0");
    line(out, "clients_in_timeout_table:%zu", s.clients_in_timeout_table());
}

void memory_section(Server& s, std::string& out) {
    size_t used = keyspace::used_memory();
    size_t peak = std::max(keyspace::used_memory_peak(), used);
    size_t rss = rss_bytes();
    auto as = keyspace::allocator_stats();
    out += "# Memory\r\n";
    line(out, "used_memory:%zu", used);
    line(out, "used_memory_human:%s", bytes_to_human(used).c_str());
    line(out, "used_memory_rss:%zu", rss);
    line(out, "used_memory_rss_human:%s", bytes_to_human(rss).c_str());
    line(out, "used_memory_peak:%zu", peak);
    line(out, "used_memory_peak_human:%s", bytes_to_human(peak).c_str());
    line(out, "used_memory_peak_perc:%.2f%%", peak ? 100.0 * used / peak : 0.0);
    line(out, "used_memory_dataset:%zu", used);
    line(out, "total_system_memory:%lld",
         static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE));
    line(out, "maxmemory:%lld", s.cfg().maxmemory);
    line(out, "maxmemory_human:%s", bytes_to_human(static_cast<uint64_t>(s.cfg().maxmemory)).c_str());
    line(out, "maxmemory_policy:%s",
         std::string(config::to_string(s.cfg().maxmemory_policy)).c_str());
    line(out, "allocator_allocated:%zu", as.allocated);
    line(out, "allocator_active:%zu", as.active);
    line(out, "allocator_resident:%zu", as.resident);
    line(out, "allocator_frag_ratio:%.2f", as.frag_ratio);
    line(out, "allocator_frag_bytes:%lld", as.frag_bytes);
    line(out, "allocator_rss_ratio:%.2f", as.rss_ratio);
    line(out, "allocator_rss_bytes:%lld", as.rss_bytes);
    line(out, "mem_fragmentation_ratio:%.2f", used ? static_cast<double>(rss) / used : 0.0);
    line(out, "mem_fragmentation_bytes:%lld",
         static_cast<long long>(rss) - static_cast<long long>(used));
    line(out, "mem_allocator:%s", keyspace::allocator_name());
    line(out, "lazyfree_pending_objects:%zu", s.keyspace().lazyfree().pending());
    line(out, "lazyfreed_objects:%llu",
         static_cast<unsigned long long>(s.keyspace().lazyfree().freed()));
}

void persistence_section(Server& s, std::string& out) {
    out += "# Persistence\r\n";
    line(out, "loading:0");
    line(out, "async_loading:0");
    out += persistence::format_rdb_info(s.snapshotter().info(unix_ms()));
    line(out, "aof_enabled:0");
    line(out, "aof_rewrite_in_progress:0");
    line(out, "aof_last_write_status:ok");
}

void stats_section(Server& s, std::string& out) {
    const Stats& st = s.stats();
    const auto& ks = s.keyspace().stats();
    uint64_t in = st.net_input_bytes, outb = st.net_output_bytes;
    for (auto& [id, c] : s.clients()) {
        if (c->is_closing()) continue;
        in += c->conn().bytes_read();
        outb += c->conn().bytes_written();
    }
    out += "# Stats\r\n";
    line(out, "total_connections_received:%llu", (unsigned long long)st.connections_received);
    line(out, "total_commands_processed:%llu", (unsigned long long)st.commands_processed);
    line(out, "instantaneous_ops_per_sec:%llu", (unsigned long long)st.instantaneous_ops());
    line(out, "total_net_input_bytes:%llu", (unsigned long long)in);
    line(out, "total_net_output_bytes:%llu", (unsigned long long)outb);
    line(out, "rejected_connections:%llu", (unsigned long long)st.rejected_connections);
    line(out, "sync_full:%llu", (unsigned long long)st.sync_full);
    line(out, "sync_partial_ok:%llu", (unsigned long long)st.sync_partial_ok);
    line(out, "sync_partial_err:%llu", (unsigned long long)st.sync_partial_err);
    line(out, "expired_keys:%llu", (unsigned long long)ks.expired_keys);
    line(out, "expired_stale_perc:%.2f", ks.expired_stale_perc * 100);
    line(out, "expired_time_cap_reached_count:%llu",
         (unsigned long long)ks.expired_time_cap_reached_count);
    line(out, "expire_cycle_cpu_milliseconds:%llu",
         (unsigned long long)ks.expire_cycle_cpu_milliseconds);
    line(out, "evicted_keys:%llu", (unsigned long long)ks.evicted_keys);
    line(out, "evicted_clients:0");
    line(out, "total_eviction_exceeded_time:0");
    line(out, "keyspace_hits:%llu", (unsigned long long)st.keyspace_hits);
    line(out, "keyspace_misses:%llu", (unsigned long long)st.keyspace_misses);
    line(out, "pubsub_channels:%zu", s.pubsub().size(SubKind::Channel));
    line(out, "pubsub_patterns:%zu", s.pubsub().size(SubKind::Pattern));
    line(out, "pubsubshard_channels:%zu", s.pubsub().size(SubKind::Shard));
    auto pi = s.snapshotter().info(unix_ms());
    line(out, "latest_fork_usec:%lld", pi.latest_fork_usec);
    line(out, "total_forks:%llu", (unsigned long long)pi.total_forks);
    line(out, "migrate_cached_sockets:%zu", s.migrate_links().size());
    line(out, "slave_expires_tracked_keys:0");
    line(out, "active_defrag_hits:0");
    line(out, "total_error_replies:%llu", (unsigned long long)st.error_replies);
    line(out, "client_query_buffer_limit_disconnections:%llu",
         (unsigned long long)st.client_qbuf_limit_disconnections);
    line(out, "client_output_buffer_limit_disconnections:%llu",
         (unsigned long long)st.client_outbuf_limit_disconnections);
}

void replication_section(Server& s, std::string& out) { out += s.replication_info(); }

void cpu_section(std::string& out) {
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
    out += "# CPU\r\n";
    line(out, "used_cpu_sys:%.6f", secs(self.ru_stime));
    line(out, "used_cpu_user:%.6f", secs(self.ru_utime));
    line(out, "used_cpu_sys_children:%.6f", secs(children.ru_stime));
    line(out, "used_cpu_user_children:%.6f", secs(children.ru_utime));
    line(out, "used_cpu_sys_main_thread:%.6f", secs(self.ru_stime));
    line(out, "used_cpu_user_main_thread:%.6f", secs(self.ru_utime));
}

void commandstats_section(Server& s, std::string& out) {
    out += "# Commandstats\r\n";
    auto one = [&](const CommandDef& c) {
        if (c.calls == 0 && c.rejected_calls == 0 && c.failed_calls == 0) return;
        line(out, "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
                  "failed_calls=%llu",
             c.name.c_str(), (unsigned long long)c.calls, (unsigned long long)c.usec,
             c.calls ? static_cast<double>(c.usec) / c.calls : 0.0,
             (unsigned long long)c.rejected_calls, (unsigned long long)c.failed_calls);
    };
    for (auto& c : s.commands().all()) {
        one(*c);
        for (auto& sub : c->subcommands) one(sub);
    }
}

void cluster_section(Server& s, std::string& out) {
    out += "# Cluster\r\n";
    line(out, "cluster_enabled:%d", s.cfg().cluster_enabled ? 1 : 0);
}

void keyspace_section(Server& s, std::string& out) {
    out += "# Keyspace\r\n";
    auto& ks = s.keyspace();
    for (int i = 0; i < ks.db_count(); i++) {
        auto& db = ks.db(i);
        if (db.size() == 0) continue;
        line(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld", i, db.size(), db.volatile_count(),
             db.avg_ttl());
    }
}

}  // namespace

std::string build_info(Server& s, const std::vector<std::string_view>& sections) {
    bool all = false, everything = false, dflt = sections.empty();
    auto want = [&](std::string_view name, bool in_default) {
        if (everything || all || (dflt && in_default)) return true;
        for (auto sec : sections) {
            if (iequals(sec, name)) return true;
        }
        return false;
    };
    for (auto sec : sections) {
        if (iequals(sec, "all")) all = true;
        if (iequals(sec, "everything")) everything = true;
        if (iequals(sec, "default")) dflt = true;
    }
    std::string out;
    out.reserve(4096);
    auto sep = [&]() {
        if (!out.empty()) out += "\r\n";
    };
    if (want("server", true)) { sep(); server_section(s, out); }
    if (want("clients", true)) { sep(); clients_section(s, out); }
    if (want("memory", true)) { sep(); memory_section(s, out); }
    if (want("persistence", true)) { sep(); persistence_section(s, out); }
    if (want("stats", true)) { sep(); stats_section(s, out); }
    if (want("replication", true)) { sep(); replication_section(s, out); }
    if (want("cpu", true)) { sep(); cpu_section(out); }
    if (want("commandstats", false)) { sep(); commandstats_section(s, out); }
    if (want("cluster", true)) { sep(); cluster_section(s, out); }
    if (want("keyspace", true)) { sep(); keyspace_section(s, out); }
    return out;
}

}  // namespace slotcache::server
