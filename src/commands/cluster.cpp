// CLUSTER and its subcommands, READONLY, READWRITE, ASKING: handlers and table (see cluster.h).
//
// Each handler follows Redis 7.0's clusterCommand branch for its subcommand: the same checks in
// the same order, the same texts. The slot rules are the pure functions of cluster.h (tested
// alone); the handlers only parse, call them, apply through ClusterState or the Cluster facade,
// and tell the facade what changed:
//   - slot ownership or marks changed   -> Cluster::after_slot_change() (nodes.conf + state in
//                                          before_sleep);
//   - epochs or the node table changed  -> todo(kTodoSaveConfig | kTodoUpdateState);
//   - SETSLOT, SET-CONFIG-EPOCH, BUMPEPOCH, FORGET, RESET additionally write nodes.conf before
//     the reply (save_before_reply), so that a client that saw +OK never sees the node restart
//     with the old configuration. SETSLOT fsyncs it only when the epoch moved (see
//     cluster_setslot).
//
// Rejected: one handler switching on the subcommand name as Redis does; the command table
// already resolves subcommands and checks their arity, so each subcommand is its own function.
//
// Loop thread only.
#include "commands/cluster.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <vector>

#include "cluster/bus.h"
#include "cluster/cluster.h"
#include "cluster/format.h"
#include "commands/context.h"
#include "commands/server_families.h"
#include "common/crc16.h"
#include "common/log.h"
#include "common/strutil.h"
#include "server/server.h"

namespace slotcache::commands {

using cluster::ClusterState;
using cluster::kSlots;
using cluster::Node;
using server::CommandContext;
using server::CommandDef;

namespace {

constexpr const char* kDisabled = "ERR This instance has cluster support disabled";
constexpr const char* kBadSlot = "ERR Invalid or out of range slot";
constexpr const char* kBadSetslot =
    "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP";
constexpr int kBusPortIncr = 10000;  // the default bus port is the client port + 10000

std::string slot_error(const char* before, int slot, const char* after) {
    return std::string(before) + std::to_string(slot) + after;
}

// Checks one slot of an ADDSLOTS-like command (checkSlotAssignmentsOrReply's loop body).
std::string check_one_slot(const ClusterState& st, int slot, bool del,
                           std::bitset<kSlots>* slots) {
    if (del && st.slot_owner(slot) == nullptr) {
        return slot_error("ERR Slot ", slot, " is already unassigned");
    }
    if (!del && st.slot_owner(slot) != nullptr) {
        return slot_error("ERR Slot ", slot, " is already busy");
    }
    if (slots->test(static_cast<size_t>(slot))) {
        return slot_error("ERR Slot ", slot, " specified multiple times");
    }
    slots->set(static_cast<size_t>(slot));
    return "";
}

std::string check_slot_list(const ClusterState& st, std::span<const std::string_view> args,
                            bool del, std::bitset<kSlots>* slots) {
    for (auto a : args) {
        if (parse_slot(a) < 0) return kBadSlot;
    }
    for (auto a : args) {
        std::string err = check_one_slot(st, parse_slot(a), del, slots);
        if (!err.empty()) return err;
    }
    return "";
}

std::string check_slot_ranges(const ClusterState& st, std::span<const std::string_view> args,
                              bool del, std::bitset<kSlots>* slots) {
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
        int start = parse_slot(args[i]);
        if (start < 0) return kBadSlot;
        int end = parse_slot(args[i + 1]);
        if (end < 0) return kBadSlot;
        if (start > end) {
            return "ERR start slot number " + std::to_string(start) +
                   " is greater than end slot number " + std::to_string(end);
        }
        for (int s = start; s <= end; s++) {
            std::string err = check_one_slot(st, s, del, slots);
            if (!err.empty()) return err;
        }
    }
    return "";
}

// The node a MIGRATING/IMPORTING/NODE target names; "" or the error text.
std::string find_target(const ClusterState& st, std::string_view id, bool node_action,
                        Node** out) {
    *out = st.find(id);
    if (*out == nullptr) {
        return (node_action ? "ERR Unknown node " : "ERR I don't know about node ") +
               std::string(id);
    }
    if ((*out)->is_replica()) return "ERR Target node is not a master";
    return "";
}

}  // namespace

int parse_slot(std::string_view s) {
    long long v = 0;
    if (!parse_ll(s, &v) || v < 0 || v >= kSlots) return -1;
    return static_cast<int>(v);
}

std::string check_slot_args(const ClusterState& st, std::span<const std::string_view> args,
                            bool ranges, bool del, std::bitset<kSlots>* slots) {
    slots->reset();
    return ranges ? check_slot_ranges(st, args, del, slots) : check_slot_list(st, args, del, slots);
}

void apply_slot_args(ClusterState& st, const std::bitset<kSlots>& slots, bool del) {
    for (int s = 0; s < kSlots; s++) {
        if (!slots.test(static_cast<size_t>(s))) continue;
        st.importing_from[static_cast<size_t>(s)] = nullptr;
        if (del) {
            st.del_slot(s);
        } else {
            st.add_slot(st.myself(), s);
        }
    }
}

std::string check_setslot(const ClusterState& st, std::span<const std::string_view> args,
                          const std::function<size_t(int)>& keys_in_slot, SetSlotRequest* out) {
    if (st.myself()->is_replica()) return "ERR Please use SETSLOT only with masters.";
    int slot = parse_slot(args[0]);
    if (slot < 0) return kBadSlot;
    out->slot = slot;
    out->target = nullptr;
    std::string_view action = args[1];
    Node* owner = st.slot_owner(slot);
    if (iequals(action, "migrating") && args.size() == 3) {
        out->action = SetSlotAction::Migrating;
        if (owner != st.myself()) {
            return slot_error("ERR I'm not the owner of hash slot ", slot, "");
        }
        return find_target(st, args[2], false, &out->target);
    }
    if (iequals(action, "importing") && args.size() == 3) {
        out->action = SetSlotAction::Importing;
        if (owner == st.myself()) {
            return slot_error("ERR I'm already the owner of hash slot ", slot, "");
        }
        return find_target(st, args[2], false, &out->target);
    }
    if (iequals(action, "stable") && args.size() == 2) {
        out->action = SetSlotAction::Stable;
        return "";
    }
    if (iequals(action, "node") && args.size() == 3) {
        out->action = SetSlotAction::Node;
        std::string err = find_target(st, args[2], true, &out->target);
        if (!err.empty()) return err;
        // Giving away a slot whose keys are still here would lose them: migrate them first.
        if (owner == st.myself() && out->target != st.myself() && keys_in_slot(slot) != 0) {
            return slot_error("ERR Can't assign hashslot ", slot,
                              " to a different node while I still hold keys for this hash slot.");
        }
        return "";
    }
    return kBadSetslot;
}

SetSlotEffect apply_setslot(ClusterState& st, const SetSlotRequest& req, size_t keys_in_slot) {
    SetSlotEffect effect;
    auto s = static_cast<size_t>(req.slot);
    switch (req.action) {
        case SetSlotAction::Migrating:
            st.migrating_to[s] = req.target;
            break;
        case SetSlotAction::Importing:
            st.importing_from[s] = req.target;
            break;
        case SetSlotAction::Stable:
            st.migrating_to[s] = nullptr;
            st.importing_from[s] = nullptr;
            break;
        case SetSlotAction::Node: {
            // Every key has left a migrating slot: the migration is over.
            if (keys_in_slot == 0) st.migrating_to[s] = nullptr;
            bool was_mine = st.slot_owner(req.slot) == st.myself();
            st.del_slot(req.slot);
            st.add_slot(req.target, req.slot);
            effect.lost_last_slot =
                was_mine && req.target != st.myself() && st.myself()->num_slots == 0;
            if (req.target == st.myself() && st.importing_from[s] != nullptr) {
                // The import is done. Nobody votes for this change: a config epoch greater than
                // every other makes our claim win on every node (spec "Slot migration";
                // a collision with a concurrent failover is settled by the collision rule).
                effect.epoch_bumped = st.bump_epoch_without_consensus();
                st.importing_from[s] = nullptr;
                effect.closed_import = true;
            }
            break;
        }
    }
    return effect;
}

namespace {

// The Cluster of the server, or nullptr after replying that cluster mode is off.
cluster::Cluster* cluster_or_reply(CommandContext& ctx) {
    cluster::Cluster* cl = ctx.server.cluster();
    if (cl == nullptr) ctx.reply.error(kDisabled);
    return cl;
}

// Redis' addReplySubcommandSyntaxError, for subcommands whose table arity admits argument
// counts the subcommand does not take.
void reply_subcommand_syntax(CommandContext& ctx) {
    std::string cmd(ctx.args[0]);
    std::transform(cmd.begin(), cmd.end(), cmd.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(ctx.args[1].substr(0, 128)) + "'. Try " + cmd + " HELP.");
}

// Marks the config to save and the state to update, and writes nodes.conf now. A failed write
// is logged by the facade and left to before_sleep to retry.
void save_before_reply(cluster::Cluster* cl) {
    cl->todo(cluster::kTodoSaveConfig | cluster::kTodoUpdateState);
    cl->save_now();
}

// getLongLongFromObjectOrReply.
bool parse_ll_or_reply(CommandContext& ctx, std::string_view s, long long* v) {
    if (parse_ll(s, v)) return true;
    reply_err(ctx, Err::NotInteger);
    return false;
}

void cluster_meet(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    if (ctx.args.size() > 5) {
        reply_subcommand_syntax(ctx);
        return;
    }
    long long port = 0;
    long long cport = 0;
    if (!parse_ll(ctx.args[3], &port)) {
        ctx.reply.error("ERR Invalid TCP base port specified: " + std::string(ctx.args[3]));
        return;
    }
    if (ctx.args.size() == 5) {
        if (!parse_ll(ctx.args[4], &cport)) {
            ctx.reply.error("ERR Invalid TCP bus port specified: " + std::string(ctx.args[4]));
            return;
        }
    } else {
        cport = port + kBusPortIncr;
    }
    // Ranges are checked here so that a value beyond int never reaches the facade; its own
    // check covers the address. The text names the port as the client wrote it.
    std::string err;
    bool ok = port > 0 && port <= 65535 && cport > 0 && cport <= 65535 &&
              cl->meet(ctx.args[2], static_cast<int>(port), static_cast<int>(cport), &err);
    if (!ok) {
        ctx.reply.error("ERR Invalid node address specified: " + std::string(ctx.args[2]) + ":" +
                        std::string(ctx.args[3]));
        return;
    }
    ctx.reply.ok();
}

void cluster_nodes(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    ctx.reply.verbatim(cluster::nodes_text(cl->state(), 0));
}

void cluster_myid(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    ctx.reply.bulk(cl->myself()->id);
}

void cluster_slots(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    cluster::write_slots_reply(ctx.reply, cl->state(), cl->cfg().cluster_preferred_endpoint_type);
}

void cluster_shards(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    // Myself's offset is live (Redis: master_repl_offset, or the offset applied from the
    // master on a replica); other nodes' come from their last gossip.
    cluster::write_shards_reply(ctx.reply, cl->state(), cl->cfg().cluster_preferred_endpoint_type,
                                ctx.server.replica_offset());
}

void cluster_info(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    const cluster::BusStats& bs = cl->bus_stats();
    ctx.reply.verbatim(cluster::cluster_info_text(cl->state(), bs.sent, bs.received));
}

void cluster_keyslot(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    ctx.reply.integer(key_slot(ctx.args[2]));
}

void cluster_countkeysinslot(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    long long slot = 0;
    if (!parse_ll_or_reply(ctx, ctx.args[2], &slot)) return;
    if (slot < 0 || slot >= kSlots) {
        ctx.reply.error("ERR Invalid slot");
        return;
    }
    ctx.reply.integer(static_cast<long long>(cl->count_keys_in_slot(static_cast<int>(slot))));
}

void cluster_getkeysinslot(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    long long slot = 0;
    long long maxkeys = 0;
    if (!parse_ll_or_reply(ctx, ctx.args[2], &slot)) return;
    if (!parse_ll_or_reply(ctx, ctx.args[3], &maxkeys)) return;
    if (slot < 0 || slot >= kSlots || maxkeys < 0) {
        ctx.reply.error("ERR Invalid slot or number of keys");
        return;
    }
    // The keys of db 0, as Redis' server.db: cluster mode has no other database.
    std::vector<std::string_view> keys;
    ctx.server.keyspace().db(0).keys_in_slot(static_cast<uint16_t>(slot),
                                             static_cast<size_t>(maxkeys), &keys);
    ctx.reply.array(keys.size());
    for (auto k : keys) ctx.reply.bulk(k);
}

// ADDSLOTS, DELSLOTS, ADDSLOTSRANGE, DELSLOTSRANGE.
void change_slots(CommandContext& ctx, bool ranges, bool del) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    if (ranges && ctx.args.size() % 2 == 1) {
        ctx.reply.error(arity_error(del ? "cluster|delslotsrange" : "cluster|addslotsrange"));
        return;
    }
    std::bitset<kSlots> slots;
    auto args = std::span<const std::string_view>(ctx.args).subspan(2);
    std::string err = check_slot_args(cl->state(), args, ranges, del, &slots);
    if (!err.empty()) {
        ctx.reply.error(err);
        return;
    }
    apply_slot_args(cl->state(), slots, del);
    cl->after_slot_change();
    ctx.reply.ok();
}

void cluster_addslots(CommandContext& ctx) { change_slots(ctx, false, false); }
void cluster_delslots(CommandContext& ctx) { change_slots(ctx, false, true); }
void cluster_addslotsrange(CommandContext& ctx) { change_slots(ctx, true, false); }
void cluster_delslotsrange(CommandContext& ctx) { change_slots(ctx, true, true); }

void cluster_flushslots(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    if (ctx.server.keyspace().db(0).size() != 0) {
        ctx.reply.error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
        return;
    }
    cl->state().clear_slots(cl->myself());
    cl->after_slot_change();
    ctx.reply.ok();
}

void cluster_setslot(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    auto keys = [cl](int slot) { return cl->count_keys_in_slot(slot); };
    SetSlotRequest req;
    auto args = std::span<const std::string_view>(ctx.args).subspan(2);
    std::string err = check_setslot(cl->state(), args, keys, &req);
    if (!err.empty()) {
        ctx.reply.error(err);
        return;
    }
    SetSlotEffect effect = apply_setslot(cl->state(), req, keys(req.slot));
    // The others learn the new owner from this PONG rather than at the next gossip round.
    if (effect.closed_import) cl->broadcast_pong();
    cl->after_slot_change();
    if (effect.lost_last_slot && cl->cfg().cluster_allow_replica_migration) {
        LOG_WARNING("Configuration change detected. Reconfiguring myself as a replica of %s",
                    req.target->id.c_str());
        cl->set_my_master(req.target);
        ctx.server.follow_master(req.target->ip, req.target->port);
    }
    // nodes.conf is written before the reply, as for every SETSLOT, but fsynced only when it
    // records a new epoch of ours (or a role change): a reshard sets four marks per slot, and
    // an fsync for each would make moving slots disk-bound (Redis too saves SETSLOT's marks
    // without FSYNC_CONFIG).
    cl->todo(cluster::kTodoUpdateState);
    cl->save_now(effect.epoch_bumped);
    ctx.reply.ok();
}

void cluster_forget(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    Node* n = cl->state().find(ctx.args[2]);
    Node* me = cl->myself();
    if (n == nullptr) {
        ctx.reply.error("ERR Unknown node " + std::string(ctx.args[2]));
        return;
    }
    if (n == me) {
        ctx.reply.error("ERR I tried hard but I can't forget myself...");
        return;
    }
    if (me->is_replica() && me->master == n) {
        ctx.reply.error("ERR Can't forget my master!");
        return;
    }
    cl->forget(n);
    save_before_reply(cl);
    ctx.reply.ok();
}

void cluster_count_failure_reports(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    Node* n = cl->state().find(ctx.args[2]);
    if (n == nullptr) {
        ctx.reply.error("ERR Unknown node " + std::string(ctx.args[2]));
        return;
    }
    int count = cl->state().count_failure_reports(n, cl->now_ms(), cl->cfg().cluster_node_timeout);
    ctx.reply.integer(count);
}

void cluster_set_config_epoch(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    long long epoch = 0;
    if (!parse_ll_or_reply(ctx, ctx.args[2], &epoch)) return;
    ClusterState& st = cl->state();
    if (epoch < 0) {
        ctx.reply.error("ERR Invalid config epoch specified: " + std::to_string(epoch));
        return;
    }
    // Only a fresh node may be given an epoch (cluster creation): anywhere else it could
    // duplicate a live one.
    if (st.node_count() > 1) {
        ctx.reply.error(
            "ERR The user can assign a config epoch only when the node does not know any other "
            "node.");
        return;
    }
    if (cl->myself()->config_epoch != 0) {
        ctx.reply.error("ERR Node config epoch is already non-zero");
        return;
    }
    cl->myself()->config_epoch = static_cast<uint64_t>(epoch);
    st.current_epoch = std::max(st.current_epoch, static_cast<uint64_t>(epoch));
    save_before_reply(cl);
    ctx.reply.ok();
}

void cluster_bumpepoch(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    bool bumped = cl->state().bump_epoch_without_consensus();
    if (bumped) save_before_reply(cl);
    ctx.reply.simple((bumped ? "BUMPED " : "STILL ") +
                     std::to_string(cl->myself()->config_epoch));
}

void cluster_reset(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    if (ctx.args.size() > 3) {
        reply_subcommand_syntax(ctx);
        return;
    }
    bool hard = false;
    if (ctx.args.size() == 3) {
        if (iequals(ctx.args[2], "hard")) {
            hard = true;
        } else if (!iequals(ctx.args[2], "soft")) {
            reply_err(ctx, Err::Syntax);
            return;
        }
    }
    // A replica's data is its master's and goes with the reset; a master's would be orphaned.
    if (cl->myself()->is_master() && ctx.db.size() != 0) {
        ctx.reply.error("ERR CLUSTER RESET can't be called with master nodes containing keys");
        return;
    }
    cl->reset(hard);
    save_before_reply(cl);
    ctx.reply.ok();
}

void cluster_saveconfig(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    if (!cl->save_now()) {
        ctx.reply.error(std::string("ERR error saving the cluster node config: ") +
                        strerror(errno));
        return;
    }
    ctx.reply.ok();
}

// One link of CLUSTER LINKS (addReplyClusterLinkDescription). "events" is what the loop waits
// for on it: r once it can be read, w while output is queued.
void reply_link(resp::Reply& r, cluster::BusLink* link, const Node* node) {
    net::Connection* conn = link->is_closing() ? nullptr : link->connection();
    bool open = conn != nullptr && (link->inbound || link->is_connected());
    std::string events;
    if (open && !conn->is_reading_paused()) events += 'r';
    if (open && (conn->is_write_pending() || !conn->out().empty())) events += 'w';
    r.map(6);
    r.bulk("direction");
    r.bulk(link->inbound ? "from" : "to");
    r.bulk("node");
    r.bulk(node->id);
    r.bulk("create-time");
    r.integer(link->ctime_ms);
    r.bulk("events");
    r.bulk(events);
    r.bulk("send-buffer-allocated");
    r.integer(conn ? static_cast<long long>(conn->out().allocated()) : 0);
    r.bulk("send-buffer-used");
    r.integer(conn ? static_cast<long long>(conn->out().size()) : 0);
}

void cluster_links(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    // Nodes by ID, so that the order is stable (Redis' is its dict's).
    std::vector<const Node*> nodes;
    size_t count = 0;
    for (const auto& [id, n] : cl->state().nodes()) {
        if (n->link == nullptr && n->inbound_link == nullptr) continue;
        nodes.push_back(n.get());
        count += (n->link != nullptr) + (n->inbound_link != nullptr);
    }
    std::sort(nodes.begin(), nodes.end(),
              [](const Node* a, const Node* b) { return a->id < b->id; });
    ctx.reply.array(count);
    for (const Node* n : nodes) {
        if (n->link != nullptr) reply_link(ctx.reply, n->link, n);
        if (n->inbound_link != nullptr) reply_link(ctx.reply, n->inbound_link, n);
    }
}

void cluster_help(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    // Redis 7.0.15's text, which also lists the replica subcommands.
    static const char* lines[] = {
        "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from "
        "current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes "
        "of a link",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) ctx.reply.simple(l);
}

// READONLY / READWRITE / ASKING: per-client routing flags (routing.h reads them).
void readonly_command(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    ctx.client.set_flag(server::kClientReadonly);
    ctx.reply.ok();
}

void readwrite_command(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    ctx.client.clear_flag(server::kClientReadonly);
    ctx.reply.ok();
}

void asking_command(CommandContext& ctx) {
    if (cluster_or_reply(ctx) == nullptr) return;
    ctx.client.set_flag(server::kClientAsking);
    ctx.reply.ok();
}

}  // namespace

void register_cluster_commands(server::CommandTable& t) {
    using namespace server;
    // Flags and ACL categories are Redis 7.0.15's COMMAND INFO (no_async_loading is shown only:
    // a replica here never loads its master's RDB while serving).
    constexpr uint32_t kAdm = kCmdAdmin | kCmdStale | kCmdNoAsyncLoading;
    const std::string adm = "admin slow dangerous";
    CommandDef c = def("cluster", -2, 0, 0, 0, 0, nullptr, "slow");
    c.subcommands = {
        def("cluster|addslots", -3, kAdm, 0, 0, 0, cluster_addslots, adm),
        def("cluster|addslotsrange", -4, kAdm, 0, 0, 0, cluster_addslotsrange, adm),
        def("cluster|bumpepoch", 2, kAdm, 0, 0, 0, cluster_bumpepoch, adm),
        def("cluster|count-failure-reports", 3, kCmdAdmin | kCmdStale, 0, 0, 0,
            cluster_count_failure_reports, adm),
        def("cluster|countkeysinslot", 3, kCmdStale, 0, 0, 0, cluster_countkeysinslot, "slow"),
        def("cluster|delslots", -3, kAdm, 0, 0, 0, cluster_delslots, adm),
        def("cluster|delslotsrange", -4, kAdm, 0, 0, 0, cluster_delslotsrange, adm),
        def("cluster|flushslots", 2, kAdm, 0, 0, 0, cluster_flushslots, adm),
        def("cluster|forget", 3, kAdm, 0, 0, 0, cluster_forget, adm),
        def("cluster|getkeysinslot", 4, kCmdStale, 0, 0, 0, cluster_getkeysinslot, "slow"),
        def("cluster|info", 2, kCmdStale, 0, 0, 0, cluster_info, "slow"),
        def("cluster|keyslot", 3, kCmdStale, 0, 0, 0, cluster_keyslot, "slow"),
        def("cluster|links", 2, kCmdStale, 0, 0, 0, cluster_links, "slow"),
        def("cluster|meet", -4, kAdm, 0, 0, 0, cluster_meet, adm),
        def("cluster|myid", 2, kCmdStale, 0, 0, 0, cluster_myid, "slow"),
        def("cluster|nodes", 2, kCmdStale, 0, 0, 0, cluster_nodes, "slow"),
        def("cluster|reset", -2, kCmdAdmin | kCmdStale | kCmdNoscript, 0, 0, 0, cluster_reset, adm),
        def("cluster|saveconfig", 2, kAdm, 0, 0, 0, cluster_saveconfig, adm),
        def("cluster|set-config-epoch", 3, kAdm, 0, 0, 0, cluster_set_config_epoch, adm),
        def("cluster|setslot", -4, kAdm, 0, 0, 0, cluster_setslot, adm),
        def("cluster|shards", 2, kCmdStale, 0, 0, 0, cluster_shards, "slow"),
        def("cluster|slots", 2, kCmdStale, 0, 0, 0, cluster_slots, "slow"),
        def("cluster|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, cluster_help, "slow"),
    };
    t.add(std::move(c));
    t.add(def("readonly", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, readonly_command,
              "fast connection"));
    t.add(def("readwrite", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, readwrite_command,
              "fast connection"));
    t.add(def("asking", 1, kCmdFast, 0, 0, 0, asking_command, "fast connection"));
}

}  // namespace slotcache::commands
