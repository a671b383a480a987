// Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE
// PUBLISH SPUBLISH and the PUBSUB container, with Redis 7.0's replies: one
// (subscribe|unsubscribe|..., name, count) array per name (a push in RESP3), the count being
// channels + patterns for the first four and shard channels for the sharded two.
//
// The subscription tables and the delivery are server/pubsub.h. Which commands a subscribed
// RESP2 client may still run is the dispatcher's (dispatch.cpp); PING's ["pong", msg] form is
// in server_conn.cpp. Propagation, as Redis: in cluster mode PUBLISH goes to every node over
// the bus and SPUBLISH to the shard's nodes; outside cluster mode both reach the replicas
// through the replication stream (forced: they are not writes).
//
// Loop thread only.
#include <vector>

#include "commands/pubsub.h"
#include "commands/server_families.h"
#include "common/strutil.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;
using server::SubKind;

namespace {

constexpr const char* kSubscribeNames[3] = {"subscribe", "psubscribe", "ssubscribe"};
constexpr const char* kUnsubscribeNames[3] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

void subscribe_kind(CommandContext& ctx, SubKind kind) {
    server::PubSub& ps = ctx.server.pubsub();
    for (size_t i = 1; i < ctx.args.size(); i++) {
        ps.subscribe(ctx.client, kind, ctx.args[i]);
        ctx.reply.push(3);
        ctx.reply.bulk(kSubscribeNames[static_cast<int>(kind)]);
        ctx.reply.bulk(ctx.args[i]);
        ctx.reply.integer(static_cast<long long>(ctx.client.subs->reply_count(kind)));
    }
}

void unsubscribe_kind(CommandContext& ctx, SubKind kind) {
    server::PubSub& ps = ctx.server.pubsub();
    if (ctx.args.size() == 1) {
        // unsubscribe_all writes its replies to the client's own output, as ctx.reply does.
        ps.unsubscribe_all(ctx.client, kind, true);
        return;
    }
    for (size_t i = 1; i < ctx.args.size(); i++) {
        ps.unsubscribe(ctx.client, kind, ctx.args[i]);
        ctx.reply.push(3);
        ctx.reply.bulk(kUnsubscribeNames[static_cast<int>(kind)]);
        ctx.reply.bulk(ctx.args[i]);
        ctx.reply.integer(
            ctx.client.subs ? static_cast<long long>(ctx.client.subs->reply_count(kind)) : 0);
    }
}

void subscribe_command(CommandContext& ctx) {
    subscribe_kind(ctx, SubKind::Channel);
}
void psubscribe_command(CommandContext& ctx) {
    subscribe_kind(ctx, SubKind::Pattern);
}
void ssubscribe_command(CommandContext& ctx) {
    subscribe_kind(ctx, SubKind::Shard);
}
void unsubscribe_command(CommandContext& ctx) {
    unsubscribe_kind(ctx, SubKind::Channel);
}
void punsubscribe_command(CommandContext& ctx) {
    unsubscribe_kind(ctx, SubKind::Pattern);
}
void sunsubscribe_command(CommandContext& ctx) {
    unsubscribe_kind(ctx, SubKind::Shard);
}

// Outside cluster mode a master forces PUBLISH/SPUBLISH into the replication stream; a replica
// never feeds its own clients' commands to its stream (offsets would diverge).
void propagate_publish(CommandContext& ctx, bool shard) {
    if (cluster::Cluster* cl = ctx.server.cluster()) {
        cl->propagate_publish(ctx.args[1], ctx.args[2], shard);
    } else if (!ctx.server.is_replica() && !ctx.client.has_flag(server::kClientMaster)) {
        ctx.force_propagate = true;
    }
}

void publish_command(CommandContext& ctx) {
    size_t n = ctx.server.pubsub().publish(ctx.args[1], ctx.args[2]);
    propagate_publish(ctx, false);
    ctx.reply.integer(static_cast<long long>(n));
}

void spublish_command(CommandContext& ctx) {
    size_t n = ctx.server.pubsub().publish_shard(ctx.args[1], ctx.args[2]);
    propagate_publish(ctx, true);
    ctx.reply.integer(static_cast<long long>(n));
}

// PUBSUB CHANNELS / SHARDCHANNELS take at most one pattern (Redis' own check, after arity).
void list_channels(CommandContext& ctx, SubKind kind) {
    if (ctx.args.size() > 3) {
        ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                        std::string(ctx.args[1].substr(0, 128)) + "'. Try PUBSUB HELP.");
        return;
    }
    std::vector<std::string_view> names;
    ctx.server.pubsub().list(kind, ctx.args.size() == 3 ? ctx.args[2] : std::string_view(), &names);
    ctx.reply.array(names.size());
    for (std::string_view n : names) {
        ctx.reply.bulk(n);
    }
}

void count_subscribers(CommandContext& ctx, SubKind kind) {
    const server::PubSub& ps = ctx.server.pubsub();
    ctx.reply.array((ctx.args.size() - 2) * 2);
    for (size_t i = 2; i < ctx.args.size(); i++) {
        ctx.reply.bulk(ctx.args[i]);
        ctx.reply.integer(static_cast<long long>(ps.subscribers(kind, ctx.args[i])));
    }
}

void pubsub_channels(CommandContext& ctx) {
    list_channels(ctx, SubKind::Channel);
}
void pubsub_shardchannels(CommandContext& ctx) {
    list_channels(ctx, SubKind::Shard);
}
void pubsub_numsub(CommandContext& ctx) {
    count_subscribers(ctx, SubKind::Channel);
}
void pubsub_shardnumsub(CommandContext& ctx) {
    count_subscribers(ctx, SubKind::Shard);
}

void pubsub_numpat(CommandContext& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.server.pubsub().size(SubKind::Pattern)));
}

void pubsub_help(CommandContext& ctx) {
    static const char* lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) {
        ctx.reply.simple(l);
    }
}

}  // namespace

void register_pubsub_commands(server::CommandTable& t) {
    using namespace server;
    // Flags and ACL categories are Redis 7.0.15's COMMAND INFO.
    constexpr uint32_t kSub = kCmdPubsub | kCmdNoscript | kCmdLoading | kCmdStale;
    constexpr uint32_t kPub = kCmdPubsub | kCmdLoading | kCmdStale | kCmdFast;
    t.add(def("subscribe", -2, kSub, 0, 0, 0, subscribe_command, "pubsub slow"));
    t.add(def("unsubscribe", -1, kSub, 0, 0, 0, unsubscribe_command, "pubsub slow"));
    t.add(def("psubscribe", -2, kSub, 0, 0, 0, psubscribe_command, "pubsub slow"));
    t.add(def("punsubscribe", -1, kSub, 0, 0, 0, punsubscribe_command, "pubsub slow"));
    t.add(def("publish", 3, kPub, 0, 0, 0, publish_command, "pubsub fast"));
    // The sharded commands' channels are found like keys for routing; COMMAND INFO shows them
    // as "not_key" key specs (command_specs.cpp).
    t.add(def("ssubscribe", -2, kSub, 1, -1, 1, ssubscribe_command, "pubsub slow"));
    t.add(def("sunsubscribe", -1, kSub, 1, -1, 1, sunsubscribe_command, "pubsub slow"));
    t.add(def("spublish", 3, kPub, 1, 1, 1, spublish_command, "pubsub fast"));

    constexpr uint32_t kIntro = kCmdPubsub | kCmdLoading | kCmdStale;
    CommandDef pubsub = def("pubsub", -2, 0, 0, 0, 0, nullptr, "slow");
    pubsub.subcommands = {
        def("pubsub|channels", -2, kIntro, 0, 0, 0, pubsub_channels, "pubsub slow"),
        def("pubsub|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, pubsub_help, "slow"),
        def("pubsub|numsub", -2, kIntro, 0, 0, 0, pubsub_numsub, "pubsub slow"),
        def("pubsub|shardchannels", -2, kIntro, 0, 0, 0, pubsub_shardchannels, "pubsub slow"),
        def("pubsub|numpat", 2, kIntro, 0, 0, 0, pubsub_numpat, "pubsub slow"),
        def("pubsub|shardnumsub", -2, kIntro, 0, 0, 0, pubsub_shardnumsub, "pubsub slow"),
    };
    t.add(std::move(pubsub));
}

}  // namespace slotcache::commands
