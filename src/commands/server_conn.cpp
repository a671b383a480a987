// Connection commands: PING ECHO QUIT HELLO AUTH SELECT and the CLIENT container.
//
// Authentication is Redis' default user only: `requirepass` is the default user's password
// (AUTH password, AUTH default password, HELLO ... AUTH default password). ACL users beyond
// "default" do not exist here and fail like a wrong password, as in Redis with no such user.
#include <cctype>

#include "commands/server_families.h"
#include "common/clock.h"
#include "common/strutil.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;
using server::CommandDef;
using server::CommandTable;

namespace {

constexpr const char* kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

void ping_command(CommandContext& ctx) {
    if (ctx.args.size() > 2) {
        ctx.reply.error("ERR wrong number of arguments for 'ping' command");
    } else if (ctx.client.proto == 2 && ctx.client.is_subscribed()) {
        // A RESP2 subscriber reads arrays only: Redis answers ["pong", message or ""].
        ctx.reply.array(2);
        ctx.reply.bulk("pong");
        ctx.reply.bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
    } else if (ctx.args.size() == 2) {
        ctx.reply.bulk(ctx.args[1]);
    } else {
        ctx.reply.simple("PONG");
    }
}

// RESET (Redis' clearClientConnectionState): leaves MULTI and WATCH, every subscription (without
// replies), the selected db, RESP3, the name, READONLY and ASKING, and authentication when a
// password is required.
void reset_command(CommandContext& ctx) {
    server::Client& c = ctx.client;
    ctx.server.discard_transaction(c);  // MULTI and WATCH
    ctx.server.pubsub().remove_client(c);
    c.db = 0;
    c.proto = 2;
    c.name.clear();
    c.authenticated = ctx.server.cfg().requirepass.empty();
    c.clear_flag(server::kClientReadonly | server::kClientAsking);
    ctx.reply.simple("RESET");
}

void echo_command(CommandContext& ctx) { ctx.reply.bulk(ctx.args[1]); }

void quit_command(CommandContext& ctx) {
    ctx.reply.ok();
    ctx.client.set_flag(server::kClientCloseAfterReply);
}

// Checks user/password against requirepass; sets the client's state. Returns the error text.
std::string try_auth(CommandContext& ctx, std::string_view user, std::string_view pass) {
    const std::string& required = ctx.server.cfg().requirepass;
    if (user == "default" && (required.empty() || pass == required)) {
        ctx.client.authenticated = true;
        return "";
    }
    return kWrongPass;
}

void auth_command(CommandContext& ctx) {
    if (ctx.args.size() > 3) {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    if (ctx.args.size() == 2 && ctx.server.cfg().requirepass.empty()) {
        ctx.reply.error(
            "ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?");
        return;
    }
    std::string_view user = ctx.args.size() == 3 ? ctx.args[1] : std::string_view("default");
    std::string err = try_auth(ctx, user, ctx.args.back());
    if (err.empty()) {
        ctx.reply.ok();
    } else {
        ctx.reply.error(err);
    }
}

void hello_reply(CommandContext& ctx) {
    bool cluster = ctx.server.cfg().cluster_enabled;
    ctx.reply.map(7);
    ctx.reply.bulk("server");
    ctx.reply.bulk("redis");
    ctx.reply.bulk("version");
    ctx.reply.bulk(server::kRedisCompatVersion);
    ctx.reply.bulk("proto");
    ctx.reply.integer(ctx.client.proto);
    ctx.reply.bulk("id");
    ctx.reply.integer(static_cast<long long>(ctx.client.id()));
    ctx.reply.bulk("mode");
    ctx.reply.bulk(cluster ? "cluster" : "standalone");
    ctx.reply.bulk("role");
    ctx.reply.bulk("master");
    ctx.reply.bulk("modules");
    ctx.reply.array(0);
}

void hello_command(CommandContext& ctx) {
    const auto& a = ctx.args;
    long long ver = 0;
    size_t i = 1;
    if (a.size() >= 2) {
        if (!parse_ll(a[1], &ver)) {
            ctx.reply.error("ERR Protocol version is not an integer or out of range");
            return;
        }
        if (ver < 2 || ver > 3) {
            ctx.reply.error("NOPROTO unsupported protocol version");
            return;
        }
        i = 2;
    }
    std::string_view user, pass, setname;
    bool has_auth = false, has_name = false;
    for (; i < a.size(); i++) {
        size_t more = a.size() - i - 1;
        if (iequals(a[i], "AUTH") && more >= 2) {
            user = a[i + 1];
            pass = a[i + 2];
            has_auth = true;
            i += 2;
        } else if (iequals(a[i], "SETNAME") && more >= 1) {
            setname = a[i + 1];
            has_name = true;
            i += 1;
        } else {
            ctx.reply.error("ERR Syntax error in HELLO option '" + std::string(a[i]) + "'");
            return;
        }
    }
    if (has_auth) {
        std::string err = try_auth(ctx, user, pass);
        if (!err.empty()) {
            ctx.reply.error(err);
            return;
        }
    }
    if (!ctx.client.authenticated) {
        ctx.reply.error(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
            "select the RESP protocol version at the same time");
        return;
    }
    if (has_name) {
        if (!valid_client_name(setname)) {
            ctx.reply.error(
                "ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        ctx.client.name = std::string(setname);
    }
    if (ver != 0) ctx.client.proto = static_cast<int>(ver);
    // The reply is built after switching: HELLO 3 answers in RESP3 already.
    resp::Reply r(ctx.client.conn().out(), ctx.client.proto);
    CommandContext c2{ctx.server, ctx.client, ctx.args, r, ctx.db, ctx.now_ms, ctx.slot};
    hello_reply(c2);
}

void select_command(CommandContext& ctx) {
    long long id = 0;
    if (!parse_ll(ctx.args[1], &id)) {
        ctx.reply.error(err_text(Err::NotInteger));
        return;
    }
    if (ctx.server.cfg().cluster_enabled && id != 0) {
        ctx.reply.error("ERR SELECT is not allowed in cluster mode");
        return;
    }
    if (id < 0 || id >= ctx.server.keyspace().db_count()) {
        ctx.reply.error(err_text(Err::InvalidDb));
        return;
    }
    ctx.client.db = static_cast<int>(id);
    ctx.reply.ok();
}

}  // namespace

bool valid_client_name(std::string_view name) {
    for (char ch : name) {
        if (ch < '!' || ch > '~') return false;
    }
    return true;
}

void register_connection_commands(CommandTable& t) {
    using namespace server;
    t.add(def("ping", -1, kCmdFast, 0, 0, 0, ping_command, "fast connection"));
    t.add(def("reset", 1,
              kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, 0,
              0, 0, reset_command, "fast connection"));
    t.add(def("echo", 2, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, echo_command,
              "fast connection"));
    t.add(def("quit", -1,
              kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, 0,
              0, 0, quit_command, "fast connection"));
    t.add(def("auth", -2,
              kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, 0,
              0, 0, auth_command, "fast connection"));
    t.add(def("hello", -1,
              kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy, 0,
              0, 0, hello_command, "fast connection"));
    t.add(def("select", 2, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, select_command,
              "fast connection"));
    register_client_command(t);
}

CommandDef def(std::string name, int arity, uint32_t flags, int first, int last, int step,
               server::CommandHandler fn, std::string cats) {
    CommandDef d;
    d.name = std::move(name);
    d.arity = arity;
    d.flags = flags;
    d.first_key = first;
    d.last_key = last;
    d.step = step;
    d.handler = fn;
    d.acl_categories = std::move(cats);
    return d;
}

}  // namespace slotcache::commands
