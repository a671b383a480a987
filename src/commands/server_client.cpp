// CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | PAUSE | UNPAUSE | NO-EVICT | HELP.
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

void client_list(CommandContext& ctx) {
    const auto& a = ctx.args;
    std::vector<uint64_t> ids;
    bool by_id = false;
    for (size_t i = 2; i < a.size(); i++) {
        if (iequals(a[i], "TYPE") && i + 1 < a.size()) {
            std::string_view t = a[i + 1];
            if (!iequals(t, "normal") && !iequals(t, "master") && !iequals(t, "replica") &&
                !iequals(t, "slave") && !iequals(t, "pubsub")) {
                ctx.reply.error("ERR Unknown client type '" + std::string(t) + "'");
                return;
            }
            // Every client here is a "normal" one until replication and pub/sub exist.
            if (!iequals(t, "normal")) {
                ctx.reply.verbatim("");
                return;
            }
            i++;
        } else if (iequals(a[i], "ID") && i + 1 < a.size()) {
            by_id = true;
            for (i = i + 1; i < a.size(); i++) {
                long long id = 0;
                if (!parse_ll(a[i], &id) || id <= 0) {
                    ctx.reply.error("ERR Invalid client ID");
                    return;
                }
                ids.push_back(static_cast<uint64_t>(id));
            }
        } else {
            ctx.reply.error(err_text(Err::Syntax));
            return;
        }
    }
    std::vector<Client*> list;
    for (auto& [id, c] : ctx.server.clients()) {
        if (by_id && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
        list.push_back(c);
    }
    std::sort(list.begin(), list.end(), [](Client* x, Client* y) { return x->id() < y->id(); });
    std::string out;
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
    if (a.size() % 2 != 0) {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    uint64_t id = 0;
    std::string_view addr, laddr, user;
    int type = -1;  // 0 normal
    bool skipme = true;
    for (size_t i = 2; i + 1 < a.size(); i += 2) {
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
        } else if (iequals(opt, "LADDR")) {
            laddr = val;
        } else if (iequals(opt, "USER")) {
            user = val;
        } else if (iequals(opt, "TYPE")) {
            if (iequals(val, "normal")) type = 0;
            else if (iequals(val, "master") || iequals(val, "replica") || iequals(val, "slave") ||
                     iequals(val, "pubsub")) type = 1;
            else {
                ctx.reply.error("ERR Unknown client type '" + std::string(val) + "'");
                return;
            }
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
        if (!addr.empty() && c->conn().peer_addr() != addr) continue;
        if (!laddr.empty() && c->conn().local_addr() != laddr) continue;
        if (!user.empty() && user != "default") continue;
        if (type == 1) continue;
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
