// CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | PAUSE | UNPAUSE | NO-EVICT | HELP.
//
// Client types are Redis 7.0's getClientType: this node's master link is "master", a
// connection that sent SYNC/PSYNC is "replica" (alias "slave"), a client with a pub/sub
// subscription "pubsub", everything else "normal". The master client
// belongs to no ACL user, so CLIENT KILL USER never matches it.
#include <algorithm>

#include "commands/server_families.h"
#include "common/clock.h"
#include "common/strutil.h"
#include "server/server.h"

namespace slotcache::commands {

using server::Client;
using server::CommandContext;
using server::CommandDef;

namespace {

void client_id(CommandContext& ctx) { ctx.reply.integer(static_cast<long long>(ctx.client.id())); }

void client_setname(CommandContext& ctx) {
    if (!valid_client_name(ctx.args[2])) {
        ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    ctx.client.name = std::string(ctx.args[2]);
    ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
    if (ctx.client.name.empty()) {
        ctx.reply.null();
    } else {
        ctx.reply.bulk(ctx.client.name);
    }
}

enum class ClientType : uint8_t { Normal, Replica, Pubsub, Master };

// getClientTypeByName: false for an unknown name.
bool client_type_by_name(std::string_view name, ClientType* out) {
    if (iequals(name, "normal")) {
        *out = ClientType::Normal;
    } else if (iequals(name, "replica") || iequals(name, "slave")) {
        *out = ClientType::Replica;
    } else if (iequals(name, "pubsub")) {
        *out = ClientType::Pubsub;
    } else if (iequals(name, "master")) {
        *out = ClientType::Master;
    } else {
        return false;
    }
    return true;
}

ClientType client_type(const Client& c) {
    if (c.has_flag(server::kClientMaster)) return ClientType::Master;
    if (c.has_flag(server::kClientReplica)) return ClientType::Replica;
    if (c.is_subscribed()) return ClientType::Pubsub;
    return ClientType::Normal;
}

std::string unknown_type_error(std::string_view name) {
    return "ERR Unknown client type '" + std::string(name) + "'";
}

// CLIENT LIST [TYPE type] | [ID id [id ...]], exactly one of the two forms as in Redis 7.0:
// IDs are listed in the order given (repeats included), unknown or non-positive IDs skipped.
void client_list(CommandContext& ctx) {
    const auto& a = ctx.args;
    std::string out;
    if (a.size() > 3 && iequals(a[2], "ID")) {
        for (size_t i = 3; i < a.size(); i++) {
            long long id = 0;
            if (!parse_ll(a[i], &id)) {
                ctx.reply.error("ERR Invalid client ID");
                return;
            }
            Client* c = id > 0 ? ctx.server.find_client(static_cast<uint64_t>(id)) : nullptr;
            if (c != nullptr) {
                out += c->describe(ctx.now_ms);
                out += '\n';
            }
        }
        ctx.reply.verbatim(out);
        return;
    }
    bool by_type = a.size() == 4 && iequals(a[2], "TYPE");
    ClientType type = ClientType::Normal;
    if (by_type && !client_type_by_name(a[3], &type)) {
        ctx.reply.error(unknown_type_error(a[3]));
        return;
    }
    if (!by_type && a.size() != 2) {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    std::vector<Client*> list;
    for (auto& [id, c] : ctx.server.clients()) {
        if (by_type && client_type(*c) != type) continue;
        list.push_back(c);
    }
    std::sort(list.begin(), list.end(), [](Client* x, Client* y) { return x->id() < y->id(); });
    for (Client* c : list) {
        out += c->describe(ctx.now_ms);
        out += '\n';
    }
    ctx.reply.verbatim(out);
}

void client_info(CommandContext& ctx) {
    ctx.reply.verbatim(ctx.client.describe(ctx.now_ms) + "\n");
}

// The old form, CLIENT KILL addr:port: +OK or "ERR No such client".
void client_kill_addr(CommandContext& ctx) {
    for (auto& [id, c] : ctx.server.clients()) {
        if (c->conn().peer_addr() == ctx.args[2]) {
            if (c == &ctx.client) {
                c->set_flag(server::kClientCloseAfterReply);
            } else {
                c->close();
            }
            ctx.reply.ok();
            return;
        }
    }
    ctx.reply.error("ERR No such client");
}

void client_kill(CommandContext& ctx) {
    const auto& a = ctx.args;
    if (a.size() == 3) {
        client_kill_addr(ctx);
        return;
    }
    uint64_t id = 0;
    std::string_view addr, laddr;
    bool by_addr = false, by_laddr = false, by_user = false, by_type = false;
    ClientType type = ClientType::Normal;
    bool skipme = true;
    // Options are checked in order, so an error in one comes before a missing value later.
    for (size_t i = 2; i < a.size(); i += 2) {
        if (i + 1 >= a.size()) {
            ctx.reply.error(err_text(Err::Syntax));
            return;
        }
        std::string_view opt = a[i], val = a[i + 1];
        long long n = 0;
        if (iequals(opt, "ID")) {
            if (!parse_ll(val, &n) || n <= 0) {
                ctx.reply.error("ERR client-id should be greater than 0");
                return;
            }
            id = static_cast<uint64_t>(n);
        } else if (iequals(opt, "ADDR")) {
            addr = val;
            by_addr = true;
        } else if (iequals(opt, "LADDR")) {
            laddr = val;
            by_laddr = true;
        } else if (iequals(opt, "USER")) {
            // "default" is the only ACL user.
            if (val != "default") {
                ctx.reply.error("ERR No such user '" + std::string(val) + "'");
                return;
            }
            by_user = true;
        } else if (iequals(opt, "TYPE")) {
            if (!client_type_by_name(val, &type)) {
                ctx.reply.error(unknown_type_error(val));
                return;
            }
            by_type = true;
        } else if (iequals(opt, "SKIPME")) {
            if (iequals(val, "yes")) skipme = true;
            else if (iequals(val, "no")) skipme = false;
            else {
                ctx.reply.error(err_text(Err::Syntax));
                return;
            }
        } else {
            ctx.reply.error(err_text(Err::Syntax));
            return;
        }
    }
    std::vector<Client*> victims;
    for (auto& [cid, c] : ctx.server.clients()) {
        if (id && cid != id) continue;
        if (by_addr && c->conn().peer_addr() != addr) continue;
        if (by_laddr && c->conn().local_addr() != laddr) continue;
        if (by_user && c->has_flag(server::kClientMaster)) continue;
        if (by_type && client_type(*c) != type) continue;
        if (c == &ctx.client && skipme) continue;
        victims.push_back(c);
    }
    for (Client* c : victims) {
        if (c == &ctx.client) {
            c->set_flag(server::kClientCloseAfterReply);
        } else {
            c->close();
        }
    }
    ctx.reply.integer(static_cast<long long>(victims.size()));
}

void client_pause(CommandContext& ctx) {
    long long ms = 0;
    if (!parse_ll(ctx.args[2], &ms) || ms < 0) {
        ctx.reply.error("ERR timeout is not an integer or out of range");
        return;
    }
    server::PauseKind kind = server::PauseKind::All;
    if (ctx.args.size() == 4) {
        if (iequals(ctx.args[3], "WRITE")) {
            kind = server::PauseKind::Write;
        } else if (!iequals(ctx.args[3], "ALL")) {
            ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    } else if (ctx.args.size() > 4) {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    ctx.server.pause_clients(kind, ctx.now_ms + ms);
    ctx.reply.ok();
}

void client_unpause(CommandContext& ctx) {
    ctx.server.unpause_clients();
    ctx.reply.ok();
}

void client_no_evict(CommandContext& ctx) {
    if (iequals(ctx.args[2], "on")) {
        ctx.client.set_flag(server::kClientNoEvict);
    } else if (iequals(ctx.args[2], "off")) {
        ctx.client.clear_flag(server::kClientNoEvict);
    } else {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    ctx.reply.ok();
}

void client_help(CommandContext& ctx) {
    static const char* lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are: ID <client-id>, TYPE <normal|master|replica|pubsub>,",
        "    USER <username>, ADDR <ip:port>, LADDR <ip:port>, SKIPME (YES|NO).",
        "LIST [options ...]",
        "    Return information about client connections. Options: TYPE (NORMAL|MASTER|",
        "    REPLICA|PUBSUB), ID <client-id> [<client-id> ...].",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Print this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) ctx.reply.simple(l);
}

}  // namespace

void register_client_command(server::CommandTable& t) {
    using namespace server;
    constexpr uint32_t kConn = kCmdNoscript | kCmdLoading | kCmdStale;
    CommandDef client = def("client", -2, 0, 0, 0, 0, nullptr, "slow");
    client.subcommands = {
        def("client|id", 2, kConn, 0, 0, 0, client_id, "slow connection"),
        def("client|setname", 3, kConn, 0, 0, 0, client_setname, "slow connection"),
        def("client|getname", 2, kConn, 0, 0, 0, client_getname, "slow connection"),
        def("client|list", -2, kCmdAdmin | kConn, 0, 0, 0, client_list,
            "admin slow dangerous connection"),
        def("client|info", 2, kConn, 0, 0, 0, client_info, "slow connection"),
        def("client|kill", -3, kCmdAdmin | kConn, 0, 0, 0, client_kill,
            "admin slow dangerous connection"),
        def("client|pause", -3, kCmdAdmin | kConn, 0, 0, 0, client_pause,
            "admin slow dangerous connection"),
        def("client|unpause", 2, kCmdAdmin | kConn, 0, 0, 0, client_unpause,
            "admin slow dangerous connection"),
        def("client|no-evict", 3, kCmdAdmin | kConn, 0, 0, 0, client_no_evict,
            "admin slow dangerous connection"),
        def("client|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, client_help, "slow connection"),
    };
    t.add(std::move(client));
}

}  // namespace slotcache::commands
