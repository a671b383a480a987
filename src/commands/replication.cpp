// Replication commands: REPLICAOF / SLAVEOF, REPLCONF, PSYNC, SYNC, ROLE, WAIT, and CLUSTER
// REPLICATE / REPLICAS / SLAVES (added to the CLUSTER container), with Redis 7.0's replies and
// error texts (replication.c replicaofCommand, replconfCommand, syncCommand, roleCommand,
// waitCommand; cluster.c's "replicate", "slaves"/"replicas").
//
// The handlers parse and reply; the work is the server's (src/server/replication.cpp).
//
// Loop thread only.
#include "commands/replication.h"

#include <strings.h>

#include "cluster/cluster.h"
#include "cluster/format.h"
#include "commands/server_families.h"
#include "common/strutil.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;

namespace {

void replicaof_command(CommandContext& ctx) {
    auto& s = ctx.server;
    if (s.cluster() != nullptr) {
        ctx.reply.error("ERR REPLICAOF not allowed in cluster mode.");
        return;
    }
    std::string who = ctx.client.conn().peer_addr();
    if (strcasecmp(std::string(ctx.args[1]).c_str(), "no") == 0 &&
        strcasecmp(std::string(ctx.args[2]).c_str(), "one") == 0) {
        ctx.reply.raw(s.set_replicaof("", 0, who));
        return;
    }
    if (ctx.client.has_flag(server::kClientReplica)) {
        ctx.reply.error("ERR Command is not valid when client is a replica.");
        return;
    }
    long long port = 0;
    if (!parse_ll(ctx.args[2], &port) || port < 0 || port > 65535) {
        ctx.reply.error("ERR Invalid master port");
        return;
    }
    ctx.reply.raw(s.set_replicaof(std::string(ctx.args[1]), static_cast<int>(port), who));
}

void replconf_command(CommandContext& ctx) {
    auto& c = ctx.client;
    if (ctx.args.size() % 2 == 0) {
        ctx.reply.error("ERR syntax error");
        return;
    }
    for (size_t j = 1; j < ctx.args.size(); j += 2) {
        std::string opt = to_lower(ctx.args[j]);
        std::string_view val = ctx.args[j + 1];
        if (opt == "listening-port") {
            long long port = 0;
            if (!parse_ll(val, &port)) {
                ctx.reply.error(err_text(Err::NotInteger));
                return;
            }
            c.repl_listening_port = static_cast<int>(port);
            if (auto* l = ctx.server.repl().find_replica(c.id())) l->listening_port = c.repl_listening_port;
        } else if (opt == "ip-address") {
            if (val.size() >= 46) {
                ctx.reply.error("ERR REPLCONF ip-address provided by replica instance is too long: " +
                                std::to_string(val.size()) + " bytes");
                return;
            }
            c.repl_ip = std::string(val);
        } else if (opt == "capa") {
            if (iequals(val, "eof")) c.repl_capa |= replication::kCapaEof;
            if (iequals(val, "psync2")) c.repl_capa |= replication::kCapaPsync2;
        } else if (opt == "ack") {
            // No reply, ever: the master's stream must not get bytes back.
            long long off = 0;
            if (c.has_flag(server::kClientReplica) && parse_ll(val, &off)) {
                ctx.server.replica_ack(c, off);
            }
            return;
        } else if (opt == "getack") {
            // From our master (inside the stream): answer with our offset, outside the
            // discarded reply path.
            if (c.has_flag(server::kClientMaster)) {
                std::string ack;
                replication::append_resp_command(
                    &ack, {"REPLCONF", "ACK", std::to_string(ctx.server.repl().offset())});
                c.conn().out().append(ack);
                ctx.server.add_pending_write(c);
            }
            return;
        } else if (opt == "rdb-only") {
            // Accepted (redis-cli --rdb sends it); a full sync is what it gets.
        } else {
            ctx.reply.error("ERR Unrecognized REPLCONF option: " + std::string(ctx.args[j]));
            return;
        }
    }
    ctx.reply.ok();
}

void sync_common(CommandContext& ctx, bool psync) {
    auto& c = ctx.client;
    std::string_view replid = "?";
    long long offset = -1;
    if (psync) {
        replid = ctx.args[1];
        if (!parse_ll(ctx.args[2], &offset)) {
            ctx.reply.error(err_text(Err::NotInteger));
            return;
        }
    }
    ctx.server.replica_sync(c, replid, offset, psync);
}

void psync_command(CommandContext& ctx) { sync_common(ctx, true); }

void sync_command(CommandContext& ctx) { sync_common(ctx, false); }

void role_command(CommandContext& ctx) {
    auto& s = ctx.server;
    auto& r = ctx.reply;
    if (!s.is_replica()) {
        r.array(3);
        r.bulk("master");
        r.integer(s.repl().offset());
        r.array(s.repl().replicas().size());
        for (const auto& l : s.repl().replicas()) {
            r.array(3);
            r.bulk(l->ip());
            r.bulk(std::to_string(l->listening_port));
            r.bulk(std::to_string(l->ack_offset));
        }
        return;
    }
    const auto& rep = s.replica();
    r.array(5);
    r.bulk("slave");
    r.bulk(rep.master_host());
    r.integer(rep.master_port());
    r.bulk(replication::link_state_name(rep.state()));
    r.integer(s.master_client() != nullptr || s.repl().backlog() != nullptr ? s.repl().offset()
                                                                            : -1);
}

void wait_command(CommandContext& ctx) {
    if (ctx.server.is_replica()) {
        ctx.reply.error(
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis "
            "4.0 if a replica is configured to be writable (which is not the default) writes to "
            "replicas are just local and are not propagated.");
        return;
    }
    long long num = 0, timeout = 0;
    if (!parse_ll(ctx.args[1], &num)) {
        ctx.reply.error(err_text(Err::NotInteger));
        return;
    }
    if (!parse_ll(ctx.args[2], &timeout)) {
        ctx.reply.error("ERR timeout is not an integer or out of range");
        return;
    }
    if (timeout < 0) {
        ctx.reply.error("ERR timeout is negative");
        return;
    }
    ctx.server.wait_for_replicas(ctx.client, num, timeout);
}

// ---- cluster ------------------------------------------------------------------------------

cluster::Cluster* cluster_or_reply(CommandContext& ctx) {
    cluster::Cluster* cl = ctx.server.cluster();
    if (cl == nullptr) ctx.reply.error("ERR This instance has cluster support disabled");
    return cl;
}

void cluster_replicate(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    auto& st = cl->state();
    size_t keys = ctx.server.keyspace().db(0).size();
    std::string err = check_cluster_replicate(st, ctx.args[2], keys);
    if (!err.empty()) {
        ctx.reply.error(err);
        return;
    }
    cluster::Node* n = st.find(ctx.args[2]);
    cl->set_my_master(n);
    ctx.server.follow_master(n->ip, n->port);
    ctx.reply.ok();
}

// CLUSTER FAILOVER [FORCE|TAKEOVER]: replies at once; the failover runs in the background.
void cluster_failover(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    bool force = false, takeover = false;
    if (ctx.args.size() == 3) {
        if (iequals(ctx.args[2], "force")) {
            force = true;
        } else if (iequals(ctx.args[2], "takeover")) {
            takeover = true;
        } else {
            ctx.reply.error("ERR syntax error");
            return;
        }
    } else if (ctx.args.size() > 3) {
        ctx.reply.error("ERR syntax error");
        return;
    }
    std::string err = cl->manual_failover(force, takeover);
    if (!err.empty()) {
        ctx.reply.error(err);
        return;
    }
    ctx.reply.ok();
}

void cluster_replicas(CommandContext& ctx) {
    cluster::Cluster* cl = cluster_or_reply(ctx);
    if (cl == nullptr) return;
    cluster::Node* n = cl->state().find(ctx.args[2]);
    if (n == nullptr) {
        ctx.reply.error("ERR Unknown node " + std::string(ctx.args[2]));
        return;
    }
    if (n->is_replica()) {
        ctx.reply.error("ERR The specified node is not a master");
        return;
    }
    ctx.reply.array(n->replicas.size());
    for (const cluster::Node* r : n->replicas) {
        ctx.reply.bulk(cluster::node_line(cl->state(), r));
    }
}

}  // namespace

std::string check_cluster_replicate(const cluster::ClusterState& st, std::string_view id,
                                    size_t db0_keys) {
    const cluster::Node* n = st.find(id);
    if (n == nullptr) return "ERR Unknown node " + std::string(id);
    if (n == st.myself()) return "ERR Can't replicate myself";
    if (n->is_replica()) return "ERR I can only replicate a master, not a replica.";
    const cluster::Node* me = st.myself();
    if (me->is_master() && (me->num_slots != 0 || db0_keys != 0)) {
        return "ERR To set a master the node must be empty and without assigned slots.";
    }
    return "";
}

void register_replication_commands(server::CommandTable& t) {
    using namespace server;
    const std::string adm = "admin slow dangerous";
    constexpr uint32_t kAdm = kCmdAdmin | kCmdNoscript | kCmdStale | kCmdNoAsyncLoading;
    t.add(def("replicaof", 3, kAdm, 0, 0, 0, replicaof_command, adm));
    t.add(def("slaveof", 3, kAdm, 0, 0, 0, replicaof_command, adm));
    t.add(def("replconf", -1, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale | kCmdAllowBusy,
              0, 0, 0, replconf_command, adm));
    t.add(def("psync", -3, kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading | kCmdNoMulti, 0, 0, 0,
              psync_command, adm));
    t.add(def("sync", 1, kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading | kCmdNoMulti, 0, 0, 0,
              sync_command, adm));
    t.add(def("role", 1, kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, role_command,
              "admin fast dangerous"));
    t.add(def("wait", 3, kCmdNoscript, 0, 0, 0, wait_command, "slow connection"));
    constexpr uint32_t kClusterAdm = kCmdAdmin | kCmdStale;
    t.add_subcommand("cluster", def("cluster|replicate", 3, kClusterAdm | kCmdNoAsyncLoading, 0, 0,
                                    0, cluster_replicate, adm));
    t.add_subcommand("cluster", def("cluster|failover", -2, kClusterAdm | kCmdNoAsyncLoading, 0, 0,
                                    0, cluster_failover, adm));
    t.add_subcommand("cluster", def("cluster|replicas", 3, kClusterAdm, 0, 0, 0,
                                    cluster_replicas, adm));
    t.add_subcommand("cluster", def("cluster|slaves", 3, kClusterAdm, 0, 0, 0,
                                    cluster_replicas, adm));
}

}  // namespace slotcache::commands
