// slotcache-benchmark --cluster's slot map and hash tags (see bench_cluster.h).
#include "cli/bench_cluster.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include "cli/cluster/nodes_text.h"
#include "cli/cluster_client.h"
#include "cli/connection.h"
#include "common/crc16.h"

namespace slotcache::cli {

namespace {

constexpr std::string_view kTagChars =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// 62^3 = 238,328 candidates cover all 16,384 slots (the unit test checks it); the search runs
// once, on the first call, in about a millisecond.
std::array<std::string, kSlotCount> build_tags() {
    std::array<std::string, kSlotCount> tags;
    size_t missing = tags.size();
    std::string s(kSlotTagLen, '0');
    for (char a : kTagChars) {
        for (char b : kTagChars) {
            for (char c : kTagChars) {
                s[0] = a;
                s[1] = b;
                s[2] = c;
                std::string& t = tags[crc16(s.data(), s.size()) & (kSlotCount - 1)];
                if (t.empty()) {
                    t = s;
                    if (--missing == 0) {
                        return tags;
                    }
                }
            }
        }
    }
    return tags;
}

std::unique_ptr<Connection> connect_auth(const std::string& host, int port,
                                         const BenchConnectOptions& auth, std::string* err) {
    std::unique_ptr<Connection> conn = Connection::connect_tcp(host, port, err);
    if (conn && auth.has_pass) {
        std::vector<std::string> argv = {"AUTH"};
        if (!auth.user.empty()) {
            argv.push_back(auth.user);
        }
        argv.push_back(auth.pass);
        Reply r;
        if (!conn->call(argv, &r) || r.is_error()) {
            *err = "AUTH failed: " + r.str;
            return nullptr;
        }
    }
    return conn;
}

}  // namespace

const std::string& slot_tag(int slot) {
    static const std::array<std::string, kSlotCount> tags = build_tags();
    return tags[static_cast<size_t>(slot) & (kSlotCount - 1)];
}

bool parse_bench_masters(std::string_view cluster_nodes, const std::string& seed_host,
                         std::vector<BenchMaster>* out, std::string* err) {
    std::vector<cluster::NodeLine> lines;
    if (!cluster::parse_cluster_nodes(cluster_nodes, &lines, err)) {
        return false;
    }
    out->clear();
    for (const cluster::NodeLine& n : lines) {
        if (!n.has_flag("master") || n.slot_count == 0 || n.has_flag("fail") ||
            n.has_flag("noaddr")) {
            continue;
        }
        BenchMaster m;
        m.id = n.id;
        m.host = n.host.empty() ? seed_host : n.host;
        m.port = n.port;
        for (int s = 0; s < kSlotCount; s++) {
            if (n.slots.test(static_cast<size_t>(s))) {
                m.slots.push_back(s);
            }
        }
        out->push_back(std::move(m));
    }
    if (out->empty()) {
        *err = "no master node serves a slot";
        return false;
    }
    return true;
}

bool apply_cluster_slots(const Reply& r, const std::string& seed_host,
                         std::vector<BenchMaster>* masters, std::string* err) {
    std::vector<SlotRange> ranges;
    if (!parse_cluster_slots(r, seed_host, &ranges, err)) {
        return false;
    }
    for (BenchMaster& m : *masters) {
        m.slots.clear();
        for (const SlotRange& range : ranges) {
            if (range.master.port == m.port && range.master.host == m.host) {
                for (int s = range.first; s <= range.last; s++) {
                    m.slots.push_back(s);
                }
            }
        }
        std::sort(m.slots.begin(), m.slots.end());
    }
    return true;
}

std::string cluster_banner(const std::vector<BenchMaster>& masters) {
    std::string out = "Cluster has " + std::to_string(masters.size()) + " master nodes:\n\n";
    for (size_t i = 0; i < masters.size(); i++) {
        out += "Master " + std::to_string(i) + ": " + masters[i].id + " " + masters[i].addr() +
               "\n";
    }
    return out + "\n";
}

bool fetch_bench_masters(const std::string& host, int port, const BenchConnectOptions& auth,
                         std::vector<BenchMaster>* out, std::string* err) {
    std::unique_ptr<Connection> conn = connect_auth(host, port, auth, err);
    if (!conn) {
        *err = "Could not connect to Redis at " + host + ":" + std::to_string(port) + ": " + *err;
        return false;
    }
    Reply r;
    if (!conn->call({"CLUSTER", "NODES"}, &r)) {
        *err = "Cluster node " + host + ":" + std::to_string(port) + ": connection lost";
        return false;
    }
    if (r.is_error()) {
        *err = "Cluster node " + host + ":" + std::to_string(port) + " replied error:\n" + r.str;
        return false;
    }
    std::string why;
    if (!parse_bench_masters(r.str, host, out, &why)) {
        *err = "Invalid cluster: " + host + ":" + std::to_string(port) + ": " + why;
        return false;
    }
    return true;
}

void fetch_bench_configs(const BenchConnectOptions& auth, std::vector<BenchMaster>* masters) {
    for (BenchMaster& m : *masters) {
        std::string err;
        std::unique_ptr<Connection> conn = connect_auth(m.host, m.port, auth, &err);
        Reply save;
        Reply aof;
        if (conn && conn->call({"CONFIG", "GET", "save"}, &save) && save.elements.size() >= 2 &&
            conn->call({"CONFIG", "GET", "appendonly"}, &aof) && aof.elements.size() >= 2) {
            m.save = save.elements[1].str;
            m.appendonly = aof.elements[1].str;
            m.has_config = true;
        } else {
            std::fprintf(stderr, "WARN: could not fetch node CONFIG %s\n", m.addr().c_str());
        }
    }
}

bool reload_bench_slots(const BenchMaster& from, const BenchConnectOptions& auth,
                        const std::string& seed_host, std::vector<BenchMaster>* masters,
                        std::string* err) {
    const std::string host = from.host;
    const int port = from.port;
    std::unique_ptr<Connection> conn = connect_auth(host, port, auth, err);
    Reply r;
    if (!conn || !conn->call({"CLUSTER", "SLOTS"}, &r) || r.is_error()) {
        *err = "Cluster node " + host + ":" + std::to_string(port) +
               ": cannot read CLUSTER SLOTS" + (r.is_error() ? ": " + r.str : std::string());
        return false;
    }
    return apply_cluster_slots(r, seed_host, masters, err);
}

}  // namespace slotcache::cli
