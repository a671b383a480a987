// Gossip: what a node does with bus messages and when it sends them (Redis Cluster spec,
// "Heartbeat and gossip messages", "Failure detection", "Slot configuration propagation").
//
// Handling of one message (on_message), in order:
//   1. identify the sender (a known ID, or an outbound link still in handshake);
//   2. adopt a greater currentEpoch / configEpoch advertised by a known sender;
//   3. PING and MEET get a PONG; a MEET from an unknown node starts a handshake with it, and
//      teaches us our own address if we have none;
//   4. a PONG on an outbound link completes a handshake (the node takes its real ID) or clears
//      PFAIL/FAIL; a PONG or PING from a known node updates its role, master and slots
//      (update_slots_from_master), answering a stale claim with an UPDATE, and resolves config
//      epoch collisions;
//   5. the gossip section feeds failure reports and discovers new nodes;
//   6. FAIL flags the node; UPDATE installs a newer slot configuration.
//
// Sending: every link gets a PING when its node's last PONG is older than node_timeout / 2,
// and once a second the node with the oldest PONG among five random ones is pinged, so every
// node hears from every other well within node_timeout. Each PING/PONG/MEET carries gossip
// about max(3, N/10) random nodes plus every node we see as PFAIL, so failure reports reach a
// majority of masters within node_timeout * 2.
//
// Loop thread only.
#include <algorithm>

#include "cluster/bus.h"
#include "cluster/cluster.h"
#include "common/log.h"
#include "common/random.h"

namespace slotcache::cluster {

void Cluster::count_sent(MsgType type) {
    // Redis' numbering for CLUSTER INFO (see bus.cpp's stats_index): PUBLISHSHARD is Redis'
    // 10, and the light publish variants count as their full forms.
    size_t t = static_cast<size_t>(type);
    if (type == MsgType::PublishShard || type == MsgType::PublishShardLight) t = 10;
    if (type == MsgType::PublishLight) t = static_cast<size_t>(MsgType::Publish);
    if (t < std::size(stats_.sent)) stats_.sent[t]++;
}

Message Cluster::build_header(MsgType type) const {
    Message m;
    Node* me = myself();
    const Node* master = me->is_replica() && me->master ? me->master : me;
    m.h.type = type;
    m.h.sender = me->id;
    m.h.current_epoch = state_.current_epoch;
    m.h.config_epoch = master->config_epoch;
    // Live, not the cron's copy: a paused master's offset is the target of a manual failover.
    m.h.repl_offset = static_cast<uint64_t>(host_ ? host_->cluster_repl_offset() : me->repl_offset);
    m.h.slots = master->slots;
    m.h.master_id = me->is_replica() && me->master ? me->master->id : "";
    m.h.ip = cfg().cluster_announce_ip;
    m.h.port = static_cast<uint16_t>(me->port);
    m.h.cport = static_cast<uint16_t>(me->cport);
    m.h.flags = me->flags;
    m.h.cluster_state_fail = !state_.is_ok();
    m.h.hostname = me->hostname;
    if (me->is_master() && fo_.mf_end_ms != 0) m.h.mflags |= kMsgPaused;
    return m;
}

void Cluster::send_ping(BusLink* link, MsgType type) {
    if (!link || link->is_closing()) return;
    int64_t now = now_ms();
    Message m = build_header(type);
    size_t total = state_.node_count();
    size_t wanted = std::max<size_t>(3, total / 10);
    size_t fresh = total >= 2 ? total - 2 : 0;
    if (wanted > fresh) wanted = fresh;

    std::vector<Node*> all;
    all.reserve(total);
    for (auto& [id, n] : state_.nodes()) all.push_back(n.get());
    std::vector<Node*> chosen;
    for (size_t tries = 0; chosen.size() < wanted && tries < wanted * 3 && !all.empty(); tries++) {
        Node* n = all[random_below(all.size())];
        if (n->is_myself() || n->timed_out() || n->in_handshake() || n->has_flag(kNodeNoAddr) ||
            (!n->link && n->num_slots == 0) || n == link->node) {
            continue;
        }
        if (std::find(chosen.begin(), chosen.end(), n) != chosen.end()) continue;
        chosen.push_back(n);
    }
    // Every PFAIL node travels in every message: that is how reports reach the majority.
    for (Node* n : all) {
        if (n->timed_out() && !n->is_myself()) chosen.push_back(n);
    }
    for (Node* n : chosen) {
        GossipEntry g;
        g.id = n->id;
        g.ping_sent_s = static_cast<uint32_t>(n->ping_sent_ms / 1000);
        g.pong_received_s = static_cast<uint32_t>(n->pong_received_ms / 1000);
        g.ip = n->ip;
        g.port = static_cast<uint16_t>(n->port);
        g.cport = static_cast<uint16_t>(n->cport);
        g.flags = n->flags;
        m.gossip.push_back(std::move(g));
    }
    if (type == MsgType::Ping && link->node && link->node->ping_sent_ms == 0) {
        link->node->ping_sent_ms = now;
    }
    link->send(m);
    count_sent(type);
}

void Cluster::broadcast(const Message& m) {
    for (auto& [id, n] : state_.nodes()) {
        if (n->is_myself() || n->in_handshake() || !n->link || !n->link->is_connected()) continue;
        n->link->send(m);
        count_sent(m.h.type);
    }
}

void Cluster::send_fail(const Node* failing) {
    Message m = build_header(MsgType::Fail);
    m.fail_node = failing->id;
    broadcast(m);
}

void Cluster::send_update(BusLink* link, const Node* owner) {
    if (!link) return;
    Message m = build_header(MsgType::Update);
    m.update_node = owner->id;
    m.update_config_epoch = owner->config_epoch;
    m.update_slots = owner->slots;
    link->send(m);
    count_sent(MsgType::Update);
}

void Cluster::on_link_connected(BusLink* link) {
    Node* n = link->node;
    if (!n) return;
    // A MEET makes the other side add us; afterwards plain PINGs.
    MsgType type = n->has_flag(kNodeMeet) ? MsgType::Meet : MsgType::Ping;
    int64_t old_ping = n->ping_sent_ms;
    send_ping(link, type);
    // Keep measuring from the older ping: a reconnect must not hide a node that stopped
    // answering (Redis does the same with old_ping_sent).
    if (old_ping) n->ping_sent_ms = old_ping;
    n->flags &= static_cast<uint16_t>(~kNodeMeet);
}

std::string Cluster::node_ip_from(BusLink* link, const Message& m) const {
    return m.h.ip.empty() ? link->peer_ip() : m.h.ip;
}

void Cluster::learn_my_ip(BusLink* link) {
    if (!cfg().cluster_announce_ip.empty()) return;
    std::string ip = link->local_ip();
    if (!ip.empty() && myself()->ip != ip) {
        myself()->ip = ip;
        LOG_NOTICE("IP address for this node updated to %s", ip.c_str());
        todo(kTodoSaveConfig);
    }
}

void Cluster::on_message(BusLink* link, const Message& m) {
    int64_t now = now_ms();
    Node* sender = state_.find(m.h.sender);
    if (sender && sender->in_handshake()) sender = nullptr;
    if (sender) {
        sender->data_received_ms = now;
        // A reconnecting peer's new link may arrive before we saw its old one close: the new
        // link replaces it (Redis' setClusterNodeToInboundClusterLink). Light PUBLISH frames
        // on an unidentified link would otherwise be dropped until the old one closed.
        if (link->inbound && link->node == nullptr) {
            if (sender->inbound_link && sender->inbound_link != link) {
                sender->inbound_link->close();
            }
            sender->inbound_link = link;
            link->node = sender;
        }
        if (state_.observe_epochs(sender, m.h.current_epoch, m.h.config_epoch)) {
            todo(kTodoSaveConfig | kTodoFsyncConfig);
        }
        sender->repl_offset = static_cast<int64_t>(m.h.repl_offset);
        sender->repl_offset_time_ms = now;
        sender->flags = static_cast<uint16_t>((sender->flags & ~kNodeNoFailover) |
                                              (m.h.flags & kNodeNoFailover));
        // Our master paused its writes for our manual failover: its offset is the target.
        if (sender->is_master() && myself()->master == sender && (m.h.mflags & kMsgPaused) &&
            fo_.mf_end_ms != 0 && fo_.mf_master_offset == -1) {
            fo_.mf_master_offset = sender->repl_offset;
            todo(kTodoHandleManualFailover);
            LOG_NOTICE("Received replication offset for paused master manual failover: %lld",
                       static_cast<long long>(fo_.mf_master_offset));
        }
    }
    switch (m.h.type) {
        case MsgType::Ping:
        case MsgType::Pong:
        case MsgType::Meet: process_ping_pong(link, sender, m); break;
        case MsgType::Fail: process_fail(sender, m); break;
        case MsgType::Update: process_update(sender, m); break;
        case MsgType::FailoverAuthRequest: process_auth_request(link, sender, m); break;
        case MsgType::FailoverAuthAck: process_auth_ack(sender, m); break;
        case MsgType::MfStart: process_mfstart(link, sender); break;
        case MsgType::Publish:
        case MsgType::PublishShard:
        case MsgType::PublishLight:
        case MsgType::PublishShardLight: process_publish(link, sender, m); break;
        default: break;
    }
}

// Redis drops a PUBLISH from a node it does not know; a light frame's sender is the node
// that identified the link with an earlier full message.
void Cluster::process_publish(BusLink* link, Node* sender, const Message& m) {
    bool light = m.h.type == MsgType::PublishLight || m.h.type == MsgType::PublishShardLight;
    if (light) sender = link->node;
    if (!sender || sender->in_handshake() || !host_) return;
    bool shard = m.h.type == MsgType::PublishShard || m.h.type == MsgType::PublishShardLight;
    host_->cluster_publish_received(m.channel, m.payload, shard);
}

void Cluster::propagate_publish(std::string_view channel, std::string_view message, bool shard) {
    if (light_publish_size(channel, message) > kMaxMessageLen) return;
    Node* me = myself();
    const Node* shard_master = me->is_replica() && me->master ? me->master : me;
    std::string& frame = publish_frame_;
    frame.clear();
    bool encoded = false;
    MsgType type = shard ? MsgType::PublishShardLight : MsgType::PublishLight;
    for (auto& [id, n] : state_.nodes()) {
        if (n->is_myself() || n->in_handshake() || !n->link || !n->link->is_connected()) continue;
        if (shard && n.get() != shard_master && n->master != shard_master) continue;
        if (!encoded) {
            encode_light_publish(shard, channel, message, &frame);
            encoded = true;
        }
        n->link->send_frame(frame);
        count_sent(type);
    }
    // The scratch keeps its capacity for small messages only: a large one is not held.
    if (frame.capacity() > 64 * 1024) std::string().swap(frame);
}

void Cluster::process_ping_pong(BusLink* link, Node* sender, const Message& m) {
    int64_t now = now_ms();
    if (m.h.type == MsgType::Meet || (m.h.type == MsgType::Ping && myself()->ip.empty())) {
        learn_my_ip(link);
    }
    if (!sender && m.h.type == MsgType::Meet) {
        // The MEET sender is trusted: add it (in handshake until its PONG) and read its gossip.
        std::string ip = node_ip_from(link, m);
        if (!state_.find_handshake(ip, m.h.port)) {
            Node* n = state_.create_node("", kNodeHandshake, now);
            n->ip = ip;
            n->port = m.h.port;
            n->cport = m.h.cport;
            todo(kTodoSaveConfig);
        }
        process_gossip(nullptr, m);
    }
    if (m.h.type == MsgType::Ping || m.h.type == MsgType::Meet) {
        send_ping(link, MsgType::Pong);
    }
    if (!link->inbound && handle_handshake_reply(link, sender, m)) return;
    if (!link->inbound && link->node && m.h.type == MsgType::Pong) {
        Node* n = link->node;
        n->pong_received_ms = now;
        n->ping_sent_ms = 0;
        if (n->timed_out()) {
            n->flags &= static_cast<uint16_t>(~kNodePfail);
            todo(kTodoUpdateState);
        } else if (n->is_failed()) {
            if (state_.clear_failure_if_needed(n, now, cfg().cluster_node_timeout)) {
                LOG_NOTICE("Clear FAIL state for node %.40s: it is reachable again.",
                           n->id.c_str());
                todo(kTodoUpdateState | kTodoSaveConfig);
            }
        }
    }
    if (!sender) return;
    // The address a node announces (or the one we see) may change across restarts.
    if (m.h.type == MsgType::Ping && !link->inbound) {
        std::string ip = node_ip_from(link, m);
        if (sender->ip != ip || sender->port != m.h.port || sender->cport != m.h.cport) {
            sender->ip = ip;
            sender->port = m.h.port;
            sender->cport = m.h.cport;
            todo(kTodoSaveConfig);
        }
    }
    if (sender->hostname != m.h.hostname) {
        sender->hostname = m.h.hostname;
        todo(kTodoSaveConfig);
    }
    update_roles_and_slots(link, sender, m);
    process_gossip(sender, m);
}

bool Cluster::handle_handshake_reply(BusLink* link, Node* sender, const Message& m) {
    Node* n = link->node;
    if (!n) return false;
    if (n->in_handshake()) {
        if (sender) {
            // We already know this node under its real ID: the handshake node is a duplicate.
            state_.del_node(n);
            return true;
        }
        LOG_VERBOSE("Handshake with node %.40s completed.", m.h.sender.c_str());
        state_.rename_node(n, m.h.sender);
        n->flags &= static_cast<uint16_t>(~kNodeHandshake);
        n->flags |= m.h.master_id.empty() ? kNodeMaster : kNodeReplica;
        todo(kTodoSaveConfig | kTodoUpdateState);
        return false;
    }
    if (n->id != m.h.sender) {
        // Another node answers at this address now: forget the address, not the node.
        LOG_VERBOSE("PONG contains mismatching sender ID: %.40s vs %.40s", n->id.c_str(),
                    m.h.sender.c_str());
        n->flags |= kNodeNoAddr;
        n->ip.clear();
        n->port = 0;
        n->cport = 0;
        link->close();
        todo(kTodoSaveConfig);
        return true;
    }
    return false;
}

void Cluster::update_roles_and_slots(BusLink* link, Node* sender, const Message& m) {
    // Role and master.
    if (m.h.master_id.empty()) {
        if (sender->is_replica()) {
            state_.set_master(sender, nullptr);
            todo(kTodoSaveConfig | kTodoUpdateState);
        }
    } else {
        Node* master = state_.find(m.h.master_id);
        if (master && sender->master != master) {
            // A master that turned replica serves nothing any more (clusterDelNodeSlots).
            if (sender->is_master() && state_.clear_slots(sender) > 0) {
                todo(kTodoSaveConfig | kTodoUpdateState);
            }
            state_.set_master(sender, master);
            todo(kTodoSaveConfig | kTodoUpdateState);
            // Our master became a replica: replicate from the top, never from a chain.
            if (myself()->master == sender && master != myself()) follow(master);
        } else if (!master && !sender->is_replica()) {
            sender->flags = static_cast<uint16_t>((sender->flags & ~kNodeMaster) | kNodeReplica);
        }
    }
    // Slots: only a master's claim counts.
    if (!sender->is_master()) return;
    if (sender->slots != m.h.slots || sender->config_epoch != m.h.config_epoch) {
        SlotUpdate u = state_.update_slots_from_master(sender, m.h.config_epoch, m.h.slots);
        apply_slot_update(sender, u);
        if (u.sender_is_stale && u.newer_owner) {
            send_update(sender->link ? sender->link : link, u.newer_owner);
        }
    }
    if (myself()->is_master() && m.h.config_epoch == myself()->config_epoch &&
        state_.handle_config_epoch_collision(sender)) {
        LOG_VERBOSE("WARNING: configEpoch collision with node %.40s. configEpoch set to %llu",
                    sender->id.c_str(), static_cast<unsigned long long>(myself()->config_epoch));
        todo(kTodoSaveConfig | kTodoFsyncConfig);
    }
}

void Cluster::process_gossip(Node* sender, const Message& m) {
    int64_t now = now_ms();
    int64_t timeout = cfg().cluster_node_timeout;
    for (const GossipEntry& g : m.gossip) {
        Node* n = state_.find(g.id);
        if (n) {
            if (sender && sender->is_master() && !n->is_myself()) {
                if (g.flags & (kNodeFail | kNodePfail)) {
                    if (state_.add_failure_report(n, sender, now)) {
                        LOG_VERBOSE("Node %.40s reported node %.40s as not reachable.",
                                    sender->id.c_str(), n->id.c_str());
                    }
                    if (state_.mark_failing_if_needed(n, now, timeout)) {
                        send_fail(n);
                        if (myself()->master == n) todo(kTodoHandleFailover);
                        todo(kTodoUpdateState | kTodoSaveConfig);
                    }
                } else {
                    state_.del_failure_report(n, sender);
                }
            }
            // A fresher PONG seen by someone else counts for us too, unless we are waiting
            // for one ourselves (Redis: pong time no later than now + 500 ms).
            int64_t pong = static_cast<int64_t>(g.pong_received_s) * 1000;
            if (!(g.flags & (kNodeFail | kNodePfail)) && n->ping_sent_ms == 0 &&
                n->fail_reports.empty() && pong <= now + 500 && pong > n->pong_received_ms) {
                n->pong_received_ms = pong;
            }
            // A node we cannot reach may have moved: take the address others see.
            if (n->has_flag(kNodeFail | kNodePfail) && !n->link && !g.ip.empty() &&
                (n->ip != g.ip || n->port != g.port || n->cport != g.cport)) {
                n->ip = g.ip;
                n->port = g.port;
                n->cport = g.cport;
                n->flags &= static_cast<uint16_t>(~kNodeNoAddr);
            }
        } else if (sender && !(g.flags & kNodeNoAddr) && !g.ip.empty() &&
                   !state_.is_blacklisted(g.id, now)) {
            // Only a known sender's gossip introduces nodes (the spec's trust rule).
            start_handshake(g.ip, g.port, g.cport);
        }
    }
}

void Cluster::process_fail(Node* sender, const Message& m) {
    if (!sender) return;
    Node* failing = state_.find(m.fail_node);
    if (!failing || failing->has_flag(kNodeFail | kNodeMyself)) return;
    LOG_NOTICE("FAIL message received from %.40s about %.40s", sender->id.c_str(),
               failing->id.c_str());
    failing->flags = static_cast<uint16_t>((failing->flags | kNodeFail) & ~kNodePfail);
    failing->fail_time_ms = now_ms();
    todo(kTodoUpdateState | kTodoSaveConfig);
    // Our master failed: plan the election now, not at the next cron tick.
    if (myself()->master == failing) todo(kTodoHandleFailover);
}

void Cluster::process_update(Node* sender, const Message& m) {
    if (!sender) return;
    Node* n = state_.find(m.update_node);
    if (!n || n->config_epoch >= m.update_config_epoch) return;
    if (n->is_replica()) state_.set_master(n, nullptr);
    n->config_epoch = m.update_config_epoch;
    SlotUpdate u = state_.update_slots_from_master(n, m.update_config_epoch, m.update_slots);
    apply_slot_update(n, u);
    todo(kTodoSaveConfig | kTodoFsyncConfig | kTodoUpdateState);
}

void Cluster::apply_slot_update(Node* sender, const SlotUpdate& u) {
    if (!u.changed) return;
    // Not fsynced: slot owners learned from others are learned again from them after a
    // restart, and a durable save on every node for every slot a reshard moves made resharding
    // 2-3x slower than Redis. Still written before the next reply; becoming a replica below
    // (follow) is fsynced.
    todo(kTodoSaveConfig | kTodoUpdateState);
    Node* me = myself();
    if (u.lost_all_my_slots &&
        (cfg().cluster_allow_replica_migration || u.only_our_slots_claimed)) {
        // Our master (or myself) lost its last slot to the sender: a failover happened while
        // we were away, or a resharding emptied us. The sender's data is the live one.
        LOG_NOTICE("Configuration change detected. Reconfiguring myself as a replica of %.40s",
                   sender->id.c_str());
        follow(sender);
        return;
    }
    if (me->is_replica() && me->master && me->master->is_replica() && me->master->master &&
        me->master->master != me) {
        follow(me->master->master);
        return;
    }
    drop_slot_keys(u.dirty_slots);
}

void Cluster::ping_random_node(int64_t now) {
    std::vector<Node*> all;
    for (auto& [id, n] : state_.nodes()) all.push_back(n.get());
    if (all.empty()) return;
    Node* best = nullptr;
    for (int i = 0; i < 5; i++) {
        Node* n = all[random_below(all.size())];
        if (!n->link || !n->link->is_connected() || n->ping_sent_ms != 0 || n->is_myself() ||
            n->in_handshake()) {
            continue;
        }
        if (!best || n->pong_received_ms < best->pong_received_ms) best = n;
    }
    (void)now;
    if (best) send_ping(best->link, MsgType::Ping);
}

void Cluster::check_node_timeouts(int64_t now) {
    int64_t timeout = cfg().cluster_node_timeout;
    bool new_pfail = false;
    for (auto& [id, up] : state_.nodes()) {
        Node* n = up.get();
        if (n->is_myself() || n->has_flag(kNodeNoAddr) || n->in_handshake()) continue;
        BusLink* link = n->link;
        // A link that gets no answer for half the timeout is rebuilt before the node is
        // declared, so a stuck connection is not mistaken for a dead node.
        if (link && link->is_connected() && now - link->ctime_ms > timeout &&
            n->ping_sent_ms && now - n->ping_sent_ms > timeout / 2 &&
            now - n->data_received_ms > timeout / 2) {
            link->close();
            continue;
        }
        if (link && link->is_connected() && n->ping_sent_ms == 0 &&
            now - n->pong_received_ms > timeout / 2) {
            send_ping(link, MsgType::Ping);
            continue;
        }
        if (n->ping_sent_ms == 0) continue;
        int64_t delay = now - n->ping_sent_ms;
        int64_t data_delay = now - n->data_received_ms;
        int64_t node_delay = std::min(delay, data_delay);
        if (node_delay > timeout && !n->has_flag(kNodePfail | kNodeFail)) {
            LOG_VERBOSE("*** NODE %.40s possibly failing", n->id.c_str());
            n->flags |= kNodePfail;
            todo(kTodoUpdateState);
            new_pfail = true;
        }
    }
    // Our report travels in every message, but the next ones may be up to a second away. A
    // PING to every master now carries it at once, so the majority agrees (FAIL) within a
    // round trip of the timeout instead of up to node_timeout/2 + 1 s later. Once per node
    // that times out: a handful of extra messages per failure, none in steady state.
    if (new_pfail) {
        for (auto& [id, up] : state_.nodes()) {
            Node* m = up.get();
            if (m->is_myself() || !m->is_master() || m->has_flag(kNodePfail | kNodeFail) ||
                !m->link || !m->link->is_connected()) {
                continue;
            }
            send_ping(m->link, MsgType::Ping);
        }
    }
}

}  // namespace slotcache::cluster
