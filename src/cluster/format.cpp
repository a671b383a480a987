// CLUSTER NODES / SLOTS / SHARDS / INFO output, byte-compatible with Redis 7.0 (see format.h).
// Each writer first collects what it will print (ranges, nodes) and then writes, because RESP
// needs every aggregate's length before its elements; Redis uses deferred lengths instead,
// which our OutBuffer does not offer (and the cost here is a few small vectors per call).
//
// Loop thread.
#include "cluster/format.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace slotcache::cluster {

namespace {

struct Range {
    int start;
    int end;
};

std::vector<Range> ranges_of(const std::bitset<kSlots>& slots) {
    std::vector<Range> out;
    for (int s = 0; s < kSlots; ++s) {
        if (!slots.test(static_cast<size_t>(s))) {
            continue;
        }
        int e = s;
        while (e + 1 < kSlots && slots.test(static_cast<size_t>(e + 1))) {
            ++e;
        }
        out.push_back({s, e});
        s = e;
    }
    return out;
}

struct SlotRun {
    int start;
    int end;
    const Node* owner;
};

// Contiguous runs of slots with the same owner, unassigned slots skipped, by start slot.
std::vector<SlotRun> slot_runs(const ClusterState& st) {
    std::vector<SlotRun> runs;
    for (int s = 0; s < kSlots; ++s) {
        const Node* owner = st.slot_owner(s);
        if (owner == nullptr) {
            continue;
        }
        if (!runs.empty() && runs.back().owner == owner && runs.back().end == s - 1) {
            runs.back().end = s;
        } else {
            runs.push_back({s, s, owner});
        }
    }
    return runs;
}

// The map of CLUSTER SLOTS' 4th node element: the networking facts the endpoint is not.
void write_slots_node(resp::Reply& r, const Node* n, config::EndpointType type) {
    r.array(4);
    if (type == config::EndpointType::UnknownEndpoint) {
        r.null();
    } else {
        r.bulk(preferred_endpoint(n, type));
    }
    r.integer(n->port);
    r.bulk(n->id);
    bool with_ip = type != config::EndpointType::Ip;
    bool with_hostname = type != config::EndpointType::Hostname && !n->hostname.empty();
    r.map(static_cast<size_t>(with_ip) + static_cast<size_t>(with_hostname));
    if (with_ip) {
        r.bulk("ip");
        r.bulk(n->ip);
    }
    if (with_hostname) {
        r.bulk("hostname");
        r.bulk(n->hostname);
    }
}

void write_shard_node(resp::Reply& r, const Node* n, config::EndpointType type,
                      int64_t myself_repl_offset) {
    bool with_port = n->port != 0;
    bool with_hostname = !n->hostname.empty();
    r.map(6 + static_cast<size_t>(with_port) + static_cast<size_t>(with_hostname));
    r.bulk("id");
    r.bulk(n->id);
    if (with_port) {
        r.bulk("port");
        r.integer(n->port);
    }
    r.bulk("ip");
    r.bulk(n->ip);
    r.bulk("endpoint");
    r.bulk(preferred_endpoint(n, type));
    if (with_hostname) {
        r.bulk("hostname");
        r.bulk(n->hostname);
    }
    int64_t offset = n->is_myself() ? myself_repl_offset : n->repl_offset;
    r.bulk("role");
    r.bulk(n->is_replica() ? "replica" : "master");
    r.bulk("replication-offset");
    r.integer(offset);
    r.bulk("health");
    if (n->is_failed()) {
        r.bulk("fail");
    } else if (n->is_replica() && offset == 0) {
        r.bulk("loading");
    } else {
        r.bulk("online");
    }
}

}  // namespace

std::string node_flags_text(uint16_t flags) {
    static constexpr struct {
        uint16_t flag;
        const char* name;
    } kNames[] = {
        {kNodeMyself, "myself"},     {kNodeMaster, "master"},   {kNodeReplica, "slave"},
        {kNodePfail, "fail?"},       {kNodeFail, "fail"},       {kNodeHandshake, "handshake"},
        {kNodeNoAddr, "noaddr"},     {kNodeNoFailover, "nofailover"},
    };
    std::string out;
    for (const auto& f : kNames) {
        if ((flags & f.flag) != 0) {
            if (!out.empty()) {
                out += ',';
            }
            out += f.name;
        }
    }
    return out.empty() ? "noflags" : out;
}

std::string slot_ranges_text(const std::bitset<kSlots>& slots) {
    std::string out;
    for (const Range& r : ranges_of(slots)) {
        if (!out.empty()) {
            out += ' ';
        }
        out += std::to_string(r.start);
        if (r.end != r.start) {
            out += '-';
            out += std::to_string(r.end);
        }
    }
    return out;
}

std::string node_line(const ClusterState& st, const Node* n) {
    std::string line = n->id;
    line += ' ';
    line += n->ip;
    line += ':';
    line += std::to_string(n->port);
    line += '@';
    line += std::to_string(n->cport);
    if (!n->hostname.empty()) {
        line += ',';
        line += n->hostname;
    }
    line += ' ';
    line += node_flags_text(n->flags);
    line += ' ';
    line += n->master != nullptr ? n->master->id : "-";
    // Redis 7.0 shows a replica with its master's config epoch: the epoch of the slots it
    // would take over.
    uint64_t epoch = n->is_replica() && n->master != nullptr ? n->master->config_epoch
                                                             : n->config_epoch;
    line += ' ';
    line += std::to_string(n->is_myself() ? 0 : n->ping_sent_ms);
    line += ' ';
    line += std::to_string(n->is_myself() ? 0 : n->pong_received_ms);
    line += ' ';
    line += std::to_string(epoch);
    line += n->link != nullptr || n->is_myself() ? " connected" : " disconnected";
    std::string ranges = slot_ranges_text(n->slots);
    if (!ranges.empty()) {
        line += ' ';
        line += ranges;
    }
    if (n->is_myself()) {
        char buf[96];
        for (int s = 0; s < kSlots; ++s) {
            auto i = static_cast<size_t>(s);
            if (st.migrating_to[i] != nullptr) {
                std::snprintf(buf, sizeof buf, " [%d->-%s]", s, st.migrating_to[i]->id.c_str());
                line += buf;
            } else if (st.importing_from[i] != nullptr) {
                std::snprintf(buf, sizeof buf, " [%d-<-%s]", s, st.importing_from[i]->id.c_str());
                line += buf;
            }
        }
    }
    return line;
}

std::string nodes_text(const ClusterState& st, uint16_t skip_flags) {
    std::vector<const Node*> nodes;
    for (const auto& [id, n] : st.nodes()) {
        if ((n->flags & skip_flags) == 0) {
            nodes.push_back(n.get());
        }
    }
    std::sort(nodes.begin(), nodes.end(),
              [](const Node* a, const Node* b) { return a->id < b->id; });
    std::string out;
    for (const Node* n : nodes) {
        out += node_line(st, n);
        out += '\n';
    }
    return out;
}

std::string preferred_endpoint(const Node* n, config::EndpointType type) {
    switch (type) {
        case config::EndpointType::Ip:
            return n->ip;
        case config::EndpointType::Hostname:
            return n->hostname.empty() ? "?" : n->hostname;
        case config::EndpointType::UnknownEndpoint:
            return "";
    }
    return "";
}

void write_slots_reply(resp::Reply& r, const ClusterState& st, config::EndpointType type) {
    std::vector<SlotRun> runs = slot_runs(st);
    r.array(runs.size());
    for (const SlotRun& run : runs) {
        std::vector<const Node*> replicas;
        for (const Node* rep : run.owner->replicas) {
            if (!rep->is_failed()) {
                replicas.push_back(rep);
            }
        }
        r.array(3 + replicas.size());
        r.integer(run.start);
        r.integer(run.end);
        write_slots_node(r, run.owner, type);
        for (const Node* rep : replicas) {
            write_slots_node(r, rep, type);
        }
    }
}

void write_shards_reply(resp::Reply& r, const ClusterState& st, config::EndpointType type,
                        int64_t myself_repl_offset) {
    struct Shard {
        const Node* master;
        std::vector<Range> ranges;
    };
    std::vector<Shard> shards;
    for (const auto& [id, n] : st.nodes()) {
        if (n->is_master()) {
            shards.push_back({n.get(), ranges_of(n->slots)});
        }
    }
    std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) {
        if (a.ranges.empty() != b.ranges.empty()) {
            return !a.ranges.empty();
        }
        if (!a.ranges.empty() && a.ranges[0].start != b.ranges[0].start) {
            return a.ranges[0].start < b.ranges[0].start;
        }
        return a.master->id < b.master->id;
    });
    r.array(shards.size());
    for (const Shard& sh : shards) {
        r.map(2);
        r.bulk("slots");
        r.array(sh.ranges.size() * 2);
        for (const Range& rg : sh.ranges) {
            r.integer(rg.start);
            r.integer(rg.end);
        }
        r.bulk("nodes");
        r.array(1 + sh.master->replicas.size());
        write_shard_node(r, sh.master, type, myself_repl_offset);
        for (const Node* rep : sh.master->replicas) {
            write_shard_node(r, rep, type, myself_repl_offset);
        }
    }
}

std::string cluster_info_text(const ClusterState& st, std::span<const uint64_t> sent,
                              std::span<const uint64_t> received,
                              uint64_t links_buffer_limit_exceeded) {
    std::string out;
    auto line = [&out](std::string_view name, std::string_view value) {
        out += name;
        out += ':';
        out += value;
        out += "\r\n";
    };
    line("cluster_state", st.is_ok() ? "ok" : "fail");
    line("cluster_slots_assigned", std::to_string(st.slots_assigned()));
    line("cluster_slots_ok", std::to_string(st.slots_ok()));
    line("cluster_slots_pfail", std::to_string(st.slots_pfail()));
    line("cluster_slots_fail", std::to_string(st.slots_fail()));
    line("cluster_known_nodes", std::to_string(st.node_count()));
    line("cluster_size", std::to_string(st.size()));
    line("cluster_current_epoch", std::to_string(st.current_epoch));
    // A replica reports its master's epoch, as CLUSTER NODES does.
    const Node* me = st.myself();
    uint64_t my_epoch = me->is_replica() && me->master != nullptr ? me->master->config_epoch
                                                                  : me->config_epoch;
    line("cluster_my_epoch", std::to_string(my_epoch));
    auto per_type = [&](std::span<const uint64_t> counts, std::string_view dir) {
        uint64_t total = 0;
        size_t n = std::min(counts.size(), kMessageTypeNames.size());
        for (size_t i = 0; i < n; ++i) {
            if (counts[i] == 0) {
                continue;
            }
            total += counts[i];
            std::string name = "cluster_stats_messages_";
            name += kMessageTypeNames[i];
            name += '_';
            name += dir;
            line(name, std::to_string(counts[i]));
        }
        line(std::string("cluster_stats_messages_") + std::string(dir), std::to_string(total));
    };
    per_type(sent, "sent");
    per_type(received, "received");
    line("total_cluster_links_buffer_limit_exceeded", std::to_string(links_buffer_limit_exceeded));
    return out;
}

}  // namespace slotcache::cluster
