// The Cluster facade: start-up (nodes.conf, bus listener), the cron, before_sleep, and the
// operations of the CLUSTER commands. Message handling is in gossip.cpp.
#include "cluster/cluster.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cluster/bus.h"
#include "cluster/format.h"
#include "cluster/nodes_conf.h"
#include "common/clock.h"
#include "common/crc16.h"
#include "common/log.h"
#include "keyspace/keyspace.h"

namespace slotcache::cluster {

Cluster::Cluster(uv_loop_t* loop, config::Config& cfg, keyspace::Keyspace& ks)
    : loop_(loop), cfg_(cfg), ks_(ks), bus_(std::make_unique<Bus>(*this, loop)) {}

Cluster::~Cluster() = default;

int64_t Cluster::now_ms() const { return unix_ms(); }

StateConfig Cluster::state_config() const {
    StateConfig sc;
    sc.node_timeout_ms = cfg().cluster_node_timeout;
    sc.require_full_coverage = cfg().cluster_require_full_coverage;
    sc.migration_barrier = static_cast<int>(cfg().cluster_migration_barrier);
    return sc;
}

bool Cluster::start(std::string* err) {
    const auto& v = cfg();
    config_path_ = v.cluster_config_file;
    // One process per nodes.conf: a second server on the same file would corrupt it. The lock
    // is on a sibling file because nodes.conf itself is replaced by rename on every save.
    std::string lock_path = config_path_ + ".lock";
    lock_fd_ = open(lock_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ == -1) {
        *err = "Can't open " + config_path_ + " in order to acquire a lock: " + strerror(errno);
        return false;
    }
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) == -1) {
        *err = "Sorry, the cluster configuration file " + config_path_ +
               " is already used by a different Redis Cluster node. Please make sure that "
               "different nodes use different cluster configuration files.";
        return false;
    }
    int64_t now = now_ms();
    std::string lerr;
    LoadOutcome outcome = load_nodes_conf(config_path_, state_, now, &lerr);
    if (outcome == LoadOutcome::Failed) {
        *err = "Unrecoverable error: corrupted cluster config file \"" + config_path_ + "\": " + lerr;
        return false;
    }
    bool exists = outcome == LoadOutcome::Loaded;
    // Peers reject frames whose addresses break the bus charset, so refuse them at start-up.
    auto ip_ok = [](const std::string& ip) {
        return ip.size() <= kMaxIpLen &&
               ip.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos;
    };
    auto host_ok = [](const std::string& h) {
        return h.size() <= kMaxHostnameLen &&
               h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                   ".-") == std::string::npos;
    };
    if (!ip_ok(v.cluster_announce_ip)) {
        *err = "Invalid cluster-announce-ip '" + v.cluster_announce_ip + "'";
        return false;
    }
    if (!host_ok(v.cluster_announce_hostname)) {
        *err = "Hostnames must be less than 256 characters and only contain alphanumeric "
               "characters, '-' or '.'";
        return false;
    }
    Node* me = myself();
    me->port = static_cast<int>(v.cluster_announce_port ? v.cluster_announce_port : v.port);
    int cport = static_cast<int>(v.cluster_port ? v.cluster_port : v.port + 10000);
    me->cport = static_cast<int>(v.cluster_announce_bus_port ? v.cluster_announce_bus_port : cport);
    if (!v.cluster_announce_ip.empty()) me->ip = v.cluster_announce_ip;
    me->hostname = v.cluster_announce_hostname;
    if (!exists) {
        LOG_NOTICE("No cluster configuration found, I'm %s", me->id.c_str());
    } else {
        LOG_NOTICE("Node configuration loaded, I'm %.40s", me->id.c_str());
    }
    if (!save_now()) {
        *err = "Error writing the cluster configuration file " + config_path_;
        return false;
    }
    if (cport > 65535) {
        *err = "Redis port number too high. Cluster communication port is 10,000 port numbers "
               "higher than your Redis port. Your Redis port number must be 55535 or less.";
        return false;
    }
    if (!bus_->listen(v.bind, cport, err)) return false;
    uv_timer_init(loop_, &election_timer_);
    election_timer_.data = this;
    state_.update_state(now, state_config());
    started_ = true;
    return true;
}

void Cluster::stop() {
    if (!started_) return;
    uv_timer_stop(&election_timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(&election_timer_), nullptr);
    bus_->close_all();
    started_ = false;
}

bool Cluster::save_now(bool durable) {
    std::string err;
    if (!write_nodes_conf(config_path_, state_, &err, durable || (todo_ & kTodoFsyncConfig))) {
        LOG_WARNING("Could not save the cluster configuration: %s", err.c_str());
        return false;
    }
    todo_ &= ~(kTodoSaveConfig | kTodoFsyncConfig);
    return true;
}

void Cluster::before_sleep() {
    if (todo_ & kTodoUpdateState) {
        todo_ &= ~kTodoUpdateState;
        state_.update_state(now_ms(), state_config());  // logs a change itself
    }
    if (todo_ & kTodoHandleManualFailover) {
        todo_ &= ~kTodoHandleManualFailover;
        handle_manual_failover(now_ms());
    }
    if (todo_ & kTodoHandleFailover) {
        todo_ &= ~kTodoHandleFailover;
        if (myself()->is_replica()) handle_replica_failover(now_ms());
    }
    if (todo_ & kTodoSaveConfig) save_now((todo_ & kTodoFsyncConfig) != 0);
    bus_->flush_all();
}

void Cluster::cron(int64_t now) {
    cron_iteration_++;
    // clusterUpdateMyselfFlags: others rank and count us by what we advertise.
    uint16_t nofailover = cfg().cluster_replica_no_failover ? kNodeNoFailover : 0;
    if ((myself()->flags & kNodeNoFailover) != nofailover) {
        myself()->flags = static_cast<uint16_t>((myself()->flags & ~kNodeNoFailover) | nofailover);
        todo(kTodoSaveConfig);
    }
    int64_t timeout = cfg().cluster_node_timeout;
    int64_t handshake_timeout = timeout < 1000 ? 1000 : timeout;

    std::vector<Node*> expired;
    for (auto& [id, up] : state_.nodes()) {
        Node* n = up.get();
        if (n->is_myself() || n->has_flag(kNodeNoAddr)) continue;
        if (n->in_handshake() && now - n->ctime_ms > handshake_timeout) {
            expired.push_back(n);
            continue;
        }
        if (!n->link) {
            // Count the reconnect as a ping awaiting its pong: a node that refuses every
            // connection (killed) must still time out (Redis does this on a synchronous
            // connect error; libuv reports every error asynchronously).
            if (n->ping_sent_ms == 0 && !n->in_handshake()) n->ping_sent_ms = now;
            BusLink* link = bus_->connect(n, now);
            if (!link) {
                LOG_VERBOSE("Cluster bus: cannot connect to %s:%d", n->ip.c_str(), n->cport);
            }
        }
    }
    for (Node* n : expired) {
        LOG_VERBOSE("Handshake with node %.40s timed out", n->id.c_str());
        state_.del_node(n);
    }
    // Once a second ping the node whose PONG is oldest among five random ones (clusterCron).
    if (cron_iteration_ % 10 == 0) ping_random_node(now);
    check_node_timeouts(now);
    // A master in a manual failover keeps its replica informed of its offset and PAUSED.
    if (fo_.mf_end_ms != 0 && myself()->is_master() && !fo_.mf_replica_id.empty()) {
        Node* r = state_.find(fo_.mf_replica_id);
        if (r && r->link && r->link->is_connected()) send_ping(r->link, MsgType::Ping);
    }
    check_manual_failover_timeout(now);
    if (myself()->is_replica()) {
        handle_manual_failover(now);
        handle_replica_failover(now);
    }
    handle_replica_migration(now);
    if (!state_.is_ok() || (todo_ & kTodoUpdateState)) todo(kTodoUpdateState);
}

bool Cluster::meet(std::string_view ip_in, int port, int cport, std::string* err) {
    std::string ip(ip_in);
    sockaddr_storage ss{};
    bool valid = uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss)) == 0 ||
                 uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss)) == 0;
    if (cport == 0) cport = port + 10000;
    if (!valid || port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
        *err = "ERR Invalid node address specified: " + ip + ":" + std::to_string(port);
        return false;
    }
    start_handshake(ip, port, cport);
    return true;
}

void Cluster::start_handshake(const std::string& ip, int port, int cport) {
    // A handshake already in progress with this address is not started twice.
    if (state_.find_handshake(ip, port)) return;
    Node* n = state_.create_node("", kNodeHandshake | kNodeMeet, now_ms());
    n->ip = ip;
    n->port = port;
    n->cport = cport;
}

void Cluster::forget(Node* n) {
    state_.blacklist_add(n->id, now_ms());
    // A replica forgetting its master would be left without one: the command refuses that.
    state_.del_node(n);
    todo(kTodoSaveConfig | kTodoUpdateState);
}

void Cluster::reset(bool hard) {
    state_.reset(hard, now_ms());
    std::vector<BusLink*> links(bus_->links().begin(), bus_->links().end());
    for (BusLink* l : links) l->close();
    save_now();
    todo(kTodoUpdateState);
}

size_t Cluster::count_keys_in_slot(int slot) const {
    return ks_.db(0).slot_size(static_cast<uint16_t>(slot));
}

void Cluster::after_slot_change() {
    todo(kTodoSaveConfig | kTodoUpdateState);
}

void Cluster::broadcast_pong() {
    for (auto& [id, n] : state_.nodes()) {
        if (n->is_myself() || n->in_handshake() || !n->link || !n->link->is_connected()) continue;
        send_ping(n->link, MsgType::Pong);
    }
}

std::string Cluster::endpoint(const Node* n) const {
    return preferred_endpoint(n, cfg().cluster_preferred_endpoint_type);
}

std::string Cluster::redirect_address(const Node* n) const {
    return endpoint(n) + ":" + std::to_string(n->port);
}

void Cluster::drop_slot_keys(const std::vector<int>& slots) {
    for (int slot : slots) {
        size_t n = ks_.db(0).drop_slot(static_cast<uint16_t>(slot));
        if (n) LOG_NOTICE("Deleted %zu keys from slot %d: it is served elsewhere now", n, slot);
    }
}

void Cluster::set_my_master(Node* n) {
    Node* me = myself();
    if (me->is_master()) {
        state_.migrating_to.fill(nullptr);
        state_.importing_from.fill(nullptr);
    }
    state_.set_master(me, n);
    reset_manual_failover();
    todo(kTodoSaveConfig | kTodoFsyncConfig | kTodoUpdateState);
    broadcast_pong();
}

}  // namespace slotcache::cluster
