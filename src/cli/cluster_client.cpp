// Cluster-aware client (see cluster_client.h): slot map, per-node connections, redirections.
#include "cli/cluster_client.h"

#include <algorithm>
#include <cstdlib>

#include "common/clock.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

constexpr int kNoNode = -1;

bool as_int(const Reply& r, long long* out) {
    if (r.type == ReplyType::Integer) {
        *out = r.integer;
        return true;
    }
    return (r.type == ReplyType::String || r.type == ReplyType::Status) && parse_ll(r.str, out);
}

// One node entry of CLUSTER SLOTS: [ip, port, id, metadata...].
bool parse_slots_node(const Reply& r, const std::string& default_host, NodeAddress* out) {
    long long port = 0;
    if (r.type != ReplyType::Array || r.elements.size() < 2 || !as_int(r.elements[1], &port) ||
        port <= 0 || port > 65535) {
        return false;
    }
    const std::string& ip = r.elements[0].str;
    // "?" is Redis 7's unknown endpoint; "" a node that has not learnt its address yet.
    out->host = ip.empty() || ip == "?" ? default_host : ip;
    out->port = static_cast<int>(port);
    return true;
}

}  // namespace

bool parse_node_address(std::string_view s, NodeAddress* out) {
    const size_t colon = s.rfind(':');
    long long port = 0;
    if (colon == std::string_view::npos || colon == 0 || !parse_ll(s.substr(colon + 1), &port) ||
        port <= 0 || port > 65535) {
        return false;
    }
    out->host = std::string(s.substr(0, colon));
    out->port = static_cast<int>(port);
    return true;
}

bool parse_cluster_slots(const Reply& r, const std::string& default_host,
                         std::vector<SlotRange>* out, std::string* err) {
    out->clear();
    if (r.type != ReplyType::Array) {
        *err = r.is_error() ? r.str : "CLUSTER SLOTS: not an array";
        return false;
    }
    for (const Reply& e : r.elements) {
        SlotRange range;
        long long first = 0;
        long long last = 0;
        if (e.type != ReplyType::Array || e.elements.size() < 3 || !as_int(e.elements[0], &first) ||
            !as_int(e.elements[1], &last) || first < 0 || last < first || last >= kSlotCount ||
            !parse_slots_node(e.elements[2], default_host, &range.master)) {
            *err = "CLUSTER SLOTS: malformed slot range entry";
            return false;
        }
        range.first = static_cast<int>(first);
        range.last = static_cast<int>(last);
        for (size_t i = 3; i < e.elements.size(); i++) {
            NodeAddress replica;
            if (!parse_slots_node(e.elements[i], default_host, &replica)) {
                *err = "CLUSTER SLOTS: malformed replica entry";
                return false;
            }
            range.replicas.push_back(std::move(replica));
        }
        out->push_back(std::move(range));
    }
    return true;
}

Redirect parse_redirect(std::string_view error) {
    Redirect rd;
    RedirectKind kind;
    if (error.substr(0, 6) == "MOVED ") {
        kind = RedirectKind::Moved;
        error.remove_prefix(6);
    } else if (error.substr(0, 4) == "ASK ") {
        kind = RedirectKind::Ask;
        error.remove_prefix(4);
    } else {
        return rd;
    }
    const size_t space = error.find(' ');
    long long slot = 0;
    if (space == std::string_view::npos || !parse_ll(error.substr(0, space), &slot) || slot < 0 ||
        slot >= kSlotCount || !parse_node_address(error.substr(space + 1), &rd.target)) {
        return rd;
    }
    rd.kind = kind;
    rd.slot = static_cast<int>(slot);
    return rd;
}

SlotMap::SlotMap() {
    owner_.fill(kNoNode);
}

int SlotMap::find(const NodeAddress& node) const {
    for (size_t i = 0; i < nodes_.size(); i++) {
        if (nodes_[i] == node) {
            return static_cast<int>(i);
        }
    }
    return kNoNode;
}

int SlotMap::intern(const NodeAddress& node) {
    const int i = find(node);
    if (i != kNoNode) {
        return i;
    }
    nodes_.push_back(node);
    return static_cast<int>(nodes_.size() - 1);
}

void SlotMap::assign(const std::vector<SlotRange>& ranges) {
    owner_.fill(kNoNode);
    for (const SlotRange& r : ranges) {
        const int n = intern(r.master);
        std::fill(owner_.begin() + r.first, owner_.begin() + r.last + 1, n);
    }
}

void SlotMap::assign_all(const NodeAddress& node) {
    owner_.fill(intern(node));
}

void SlotMap::set_owner(int slot, const NodeAddress& node) {
    owner_[static_cast<size_t>(slot)] = intern(node);
}

std::vector<int> SlotMap::slots_of(const NodeAddress& node) const {
    std::vector<int> out;
    const int n = find(node);
    if (n == kNoNode) {
        return out;
    }
    for (int s = 0; s < kSlotCount; s++) {
        if (owner_[static_cast<size_t>(s)] == n) {
            out.push_back(s);
        }
    }
    return out;
}

ClusterClient::ClusterClient(ClusterClientOptions options) : options_(std::move(options)) {
    for (const NodeAddress& seed : options_.seeds) {
        map_.intern(seed);
    }
}

ClusterClient::~ClusterClient() = default;

ClusterClient::NodeConn& ClusterClient::node_conn(int node) {
    if (conns_.size() < map_.node_count()) {
        conns_.resize(map_.node_count());
    }
    return conns_[static_cast<size_t>(node)];
}

Connection* ClusterClient::connection(int node, std::string* err) {
    NodeConn& nc = node_conn(node);
    if (nc.conn) {
        return nc.conn.get();
    }
    const NodeAddress& a = map_.node(node);
    nc.conn = Connection::connect_tcp(a.host, a.port, err, options_.timeout_ms);
    if (!nc.conn) {
        nc.last_failed = true;
        return nullptr;
    }
    if (options_.has_pass) {
        std::vector<std::string> auth = {"AUTH"};
        if (!options_.user.empty()) {
            auth.push_back(options_.user);
        }
        auth.push_back(options_.pass);
        Reply r;
        if (!nc.conn->call(auth, &r) || r.is_error()) {
            *err = r.is_error() ? "AUTH failed: " + r.str : nc.conn->error();
            drop(node, true);
            return nullptr;
        }
    }
    return nc.conn.get();
}

void ClusterClient::drop(int node, bool failed) {
    NodeConn& nc = node_conn(node);
    nc.conn.reset();
    nc.last_failed = failed;
}

bool ClusterClient::refresh_from(int node, std::string* err) {
    Connection* c = connection(node, err);
    if (c == nullptr) {
        return false;
    }
    Reply r;
    if (!c->call({"CLUSTER", "SLOTS"}, &r)) {
        *err = c->error();
        drop(node, true);
        return false;
    }
    std::vector<SlotRange> ranges;
    if (r.is_error() && r.str.find("cluster support disabled") != std::string::npos) {
        map_.assign_all(map_.node(node));
        standalone_ = true;
        return true;
    }
    if (!parse_cluster_slots(r, map_.node(node).host, &ranges, err)) {
        return false;
    }
    map_.assign(ranges);
    standalone_ = false;
    return true;
}

bool ClusterClient::refresh(std::string* err) {
    last_refresh_us_ = monotonic_us();
    refresh_wanted_ = false;
    refreshes_++;
    // Nodes that answered last time first; a node whose last connection failed is likely still
    // down and would cost up to a timeout.
    std::vector<int> order;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < map_.node_count(); i++) {
            const int n = static_cast<int>(i);
            if (node_conn(n).last_failed == (pass == 1)) {
                order.push_back(n);
            }
        }
    }
    std::string last_err = "no node to ask";
    for (int n : order) {
        std::string e;
        if (refresh_from(n, &e)) {
            return true;
        }
        last_err = map_.node(n).str() + ": " + e;
    }
    *err = last_err;
    return false;
}

void ClusterClient::maybe_refresh() {
    if (!refresh_wanted_ ||
        monotonic_us() - last_refresh_us_ < int64_t{options_.refresh_interval_ms} * 1000) {
        return;
    }
    std::string ignored;
    (void)refresh(&ignored);
}

CallOutcome ClusterClient::call(std::string_view key, const std::vector<std::string>& argv,
                                Reply* reply) {
    maybe_refresh();
    CallOutcome out;
    int node = map_.owner(key_slot(key));
    if (node == kNoNode) {
        // An unassigned slot (or no map yet): any node answers with MOVED, or the error that
        // the slot is not served.
        node = 0;
    }
    bool asking = false;
    for (;;) {
        out.node = node;
        const std::string where = map_.node(node).str() + ": ";
        std::string err;
        Connection* c = connection(node, &err);
        if (c == nullptr) {
            out.error = where + err;
            refresh_wanted_ = true;
            return out;
        }
        Reply asked;
        if (asking && !c->call({"ASKING"}, &asked)) {
            out.error = where + c->error();
            drop(node, true);
            refresh_wanted_ = true;
            return out;
        }
        if (asking && asked.is_error()) {
            out.error = where + asked.str;
            return out;
        }
        if (!c->send(argv)) {
            out.error = where + c->error();
            drop(node, true);
            refresh_wanted_ = true;
            return out;
        }
        if (!c->read_reply(reply)) {
            out.error = where + c->error();
            out.maybe_applied = true;
            drop(node, true);
            refresh_wanted_ = true;
            return out;
        }
        node_conn(node).last_failed = false;
        const Redirect rd = reply->is_error() ? parse_redirect(reply->str) : Redirect{};
        if (rd.kind == RedirectKind::None) {
            out.replied = true;
            return out;
        }
        if (out.redirects == options_.max_redirects) {
            out.error = where + "too many redirections (last: " + reply->str + ")";
            refresh_wanted_ = true;
            return out;
        }
        out.redirects++;
        asking = rd.kind == RedirectKind::Ask;
        if (rd.kind == RedirectKind::Moved) {
            map_.set_owner(rd.slot, rd.target);
            refresh_wanted_ = true;
        }
        node = map_.intern(rd.target);
    }
}

}  // namespace slotcache::cli
