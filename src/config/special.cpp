// See special.h. Error texts and output formats are Redis 7.0's, byte for byte.
#include "config/special.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/strutil.h"
#include "config/text.h"

namespace slotcache::config::detail {

namespace {

constexpr size_t kMaxBindAddresses = 16;  // CONFIG_BINDADDR_MAX

// strtoll(s, &end, 10) with the whole string consumed, as Redis checks its special arguments.
bool strtoll_full(const std::string& s, long long* out) {
    char* end = nullptr;
    *out = strtoll(s.c_str(), &end, 10);
    return *end == '\0';
}

// getClientTypeByName, minus "master" which buffer limits reject.
int obuf_class(const std::string& name) {
    if (text::iequals(name, "normal")) {
        return static_cast<int>(ObufClass::Normal);
    }
    if (text::iequals(name, "slave") || text::iequals(name, "replica")) {
        return static_cast<int>(ObufClass::Replica);
    }
    if (text::iequals(name, "pubsub")) {
        return static_cast<int>(ObufClass::Pubsub);
    }
    return -1;
}

constexpr const char* kObufNames[kObufClassCount] = {"normal", "slave", "pubsub"};

}  // namespace

std::string set_bind(Values& v, const std::vector<std::string>& args, bool) {
    if (args.size() > kMaxBindAddresses) {
        return "Too many bind addresses specified.";
    }
    v.bind.clear();
    if (args.size() == 1 && args[0].empty()) {
        return {};
    }
    v.bind = args;
    return {};
}

std::string get_bind(const Values& v) {
    std::string r;
    for (size_t j = 0; j < v.bind.size(); ++j) {
        r += (j ? " " : "") + v.bind[j];
    }
    return r;
}

void rewrite_bind(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    if (v.bind == Values{}.bind) {
        return;
    }
    std::string addresses = v.bind.empty() ? "\"\"" : get_bind(v);
    out->push_back({std::string(name) + " " + addresses, true});
}

std::string set_save(Values& v, const std::vector<std::string>& args, bool append) {
    size_t argc = args.size();
    if (argc == 1 && args[0].empty()) {
        argc = 0;
    }
    if (argc & 1) {
        return "Invalid save parameters";
    }
    std::vector<SavePoint> points;
    for (size_t j = 0; j < argc; j += 2) {
        long long seconds = 0;
        long long changes = 0;
        if (!strtoll_full(args[j], &seconds) || seconds < 1 ||
            !strtoll_full(args[j + 1], &changes) || changes < 0) {
            return "Invalid save parameters";
        }
        points.push_back({seconds, changes});
    }
    // In a file, the first save line replaces the defaults and later ones add to it.
    if (!append) {
        v.save.clear();
    }
    v.save.insert(v.save.end(), points.begin(), points.end());
    return {};
}

std::string get_save(const Values& v) {
    std::string r;
    for (size_t j = 0; j < v.save.size(); ++j) {
        r += (j ? " " : "") + ll_to_string(v.save[j].seconds) + " " +
             ll_to_string(v.save[j].changes);
    }
    return r;
}

void rewrite_save(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    // Always written: without a save line a restart would fall back to the defaults.
    if (v.save.empty()) {
        out->push_back({std::string(name) + " \"\"", true});
        return;
    }
    for (const SavePoint& p : v.save) {
        out->push_back({std::string(name) + " " + ll_to_string(p.seconds) + " " +
                            ll_to_string(p.changes),
                        true});
    }
}

std::string set_obuf(Values& v, const std::vector<std::string>& args, bool) {
    if (args.size() % 4) {
        return "Wrong number of arguments in buffer limit configuration.";
    }
    // Validate every group before changing anything: all or nothing, as Redis.
    auto next = v.client_output_buffer_limit;
    for (size_t j = 0; j < args.size(); j += 4) {
        int cls = obuf_class(args[j]);
        if (cls < 0) {
            return "Invalid client class specified in buffer limit configuration.";
        }
        unsigned long long hard = 0;
        unsigned long long soft = 0;
        long long seconds = 0;
        if (!text::parse_memory(args[j + 1], &hard) || !text::parse_memory(args[j + 2], &soft) ||
            !strtoll_full(args[j + 3], &seconds) || seconds < 0 ||
            hard > static_cast<unsigned long long>(LLONG_MAX) ||
            soft > static_cast<unsigned long long>(LLONG_MAX)) {
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        }
        next[cls] = {static_cast<long long>(hard), static_cast<long long>(soft), seconds};
    }
    v.client_output_buffer_limit = next;
    return {};
}

std::string get_obuf(const Values& v) {
    std::string r;
    for (size_t j = 0; j < kObufClassCount; ++j) {
        const ObufLimit& l = v.client_output_buffer_limit[j];
        r += (j ? " " : "") + std::string(kObufNames[j]) + " " + ll_to_string(l.hard_bytes) + " " +
             ll_to_string(l.soft_bytes) + " " + ll_to_string(l.soft_seconds);
    }
    return r;
}

void rewrite_obuf(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    static const Values kDefaults{};
    for (size_t j = 0; j < kObufClassCount; ++j) {
        const ObufLimit& l = v.client_output_buffer_limit[j];
        const ObufLimit& d = kDefaults.client_output_buffer_limit[j];
        bool force = l.hard_bytes != d.hard_bytes || l.soft_bytes != d.soft_bytes ||
                     l.soft_seconds != d.soft_seconds;
        std::string cls = j == static_cast<size_t>(ObufClass::Replica) ? "replica" : kObufNames[j];
        out->push_back({std::string(name) + " " + cls + " " + text::format_memory(l.hard_bytes) +
                            " " + text::format_memory(l.soft_bytes) + " " +
                            ll_to_string(l.soft_seconds),
                        force});
    }
}

std::string set_replicaof(Values& v, const std::vector<std::string>& args, bool) {
    if (args.size() != 2) {
        return "wrong number of arguments";
    }
    if (text::iequals(args[0], "no") && text::iequals(args[1], "one")) {
        v.replicaof_host.clear();
        v.replicaof_port = 0;
        return {};
    }
    long long port = 0;
    if (!strtoll_full(args[1], &port) || port < 0 || port > 65535) {
        return "Invalid master port";
    }
    v.replicaof_host = args[0];
    v.replicaof_port = port;
    return {};
}

std::string get_replicaof(const Values& v) {
    if (v.replicaof_host.empty()) {
        return {};
    }
    return v.replicaof_host + " " + ll_to_string(v.replicaof_port);
}

void rewrite_replicaof(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    // A master, or any cluster node (replication there comes from nodes.conf), has no line.
    if (v.cluster_enabled || v.replicaof_host.empty()) {
        return;
    }
    out->push_back({std::string(name) + " " + get_replicaof(v), true});
}

std::string set_notify(Values& v, const std::vector<std::string>& args, bool) {
    if (args.size() != 1) {
        return "wrong number of arguments";
    }
    int flags = parse_notify_flags(args[0]);
    if (flags < 0) {
        return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
    v.notify_keyspace_events = flags;
    return {};
}

std::string get_notify(const Values& v) { return notify_flags_to_string(v.notify_keyspace_events); }

void rewrite_notify(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    out->push_back({std::string(name) + " " + text::quote(get_notify(v)),
                    v.notify_keyspace_events != 0});
}

std::string set_dir(Values& v, const std::vector<std::string>& args, bool) {
    if (args.size() != 1) {
        return "wrong number of arguments";
    }
    // Redis chdir()s here and reports strerror; the server does the chdir (see README), so the
    // same failures are detected up front with the same texts.
    struct stat st;
    if (stat(args[0].c_str(), &st) == -1) {
        return strerror(errno);
    }
    if (!S_ISDIR(st.st_mode)) {
        return strerror(ENOTDIR);
    }
    v.dir = args[0];
    return {};
}

std::string get_dir(const Values& v) { return v.dir; }

void rewrite_dir(const Values& v, std::string_view name, std::vector<RewriteLine>* out) {
    out->push_back({std::string(name) + " " + text::quote(v.dir), true});
}

}  // namespace slotcache::config::detail
