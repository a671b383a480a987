// INFO, COMMAND (COUNT, INFO, GETKEYS, LIST, HELP) and DEBUG.
//
// COMMAND's reply is Redis 7.0's ten-element entry per command: name, arity, flags, first key,
// last key, step, ACL categories, tips, key specifications, subcommands. redis-py's cluster
// client reads first/last/step (and calls COMMAND GETKEYS for "movablekeys" commands) to route.
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "commands/command_docs.h"
#include "commands/server_families.h"
#include "common/crc16.h"
#include "common/log.h"
#include "common/strutil.h"
#include "keyspace/memory.h"
#include "server/info.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;
using server::CommandDef;

namespace {

void info_command(CommandContext& ctx) {
    std::vector<std::string_view> sections(ctx.args.begin() + 1, ctx.args.end());
    ctx.reply.verbatim(server::build_info(ctx.server, sections));
}

void reply_flags(resp::Reply& r, const CommandDef& c) {
    static const std::pair<uint32_t, const char*> names[] = {
        {server::kCmdWrite, "write"},          {server::kCmdReadonly, "readonly"},
        {server::kCmdDenyOom, "denyoom"},      {server::kCmdAdmin, "admin"},
        {server::kCmdPubsub, "pubsub"},        {server::kCmdNoscript, "noscript"},
        {server::kCmdBlocking, "blocking"},    {server::kCmdLoading, "loading"},
        {server::kCmdStale, "stale"},          {server::kCmdSkipMonitor, "skip_monitor"},
        {server::kCmdSkipSlowlog, "skip_slowlog"}, {server::kCmdAsking, "asking"},
        {server::kCmdFast, "fast"},            {server::kCmdNoAuth, "no_auth"},
        {server::kCmdMayReplicate, "may_replicate"},
        {server::kCmdNoMandatoryKeys, "no_mandatory_keys"},
        {server::kCmdNoMulti, "no_multi"},     {server::kCmdAllowBusy, "allow_busy"},
        {server::kCmdMovableKeys, "movablekeys"},
    };
    size_t n = 0;
    for (auto& [bit, name] : names) n += (c.flags & bit) ? 1 : 0;
    r.set(n);
    for (auto& [bit, name] : names) {
        if (c.flags & bit) r.simple(name);
    }
}

void reply_categories(resp::Reply& r, const CommandDef& c) {
    std::vector<std::string_view> cats;
    std::string_view s = c.acl_categories;
    while (!s.empty()) {
        size_t sp = s.find(' ');
        std::string_view w = s.substr(0, sp);
        if (!w.empty()) cats.push_back(w);
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp + 1);
    }
    r.set(cats.size());
    for (auto w : cats) r.simple("@" + std::string(w));
}

void reply_key_specs(resp::Reply& r, const CommandDef& c) {
    if (c.key_specs != nullptr) {
        c.key_specs(r);
        return;
    }
    // A set in RESP3, as Redis' addReplyCommandKeySpecs.
    if (c.first_key <= 0) {
        r.set(0);
        return;
    }
    bool write = (c.flags & server::kCmdWrite) != 0;
    r.set(1);
    r.map(3);
    r.bulk("flags");
    r.set(2);
    r.simple(write ? "RW" : "RO");
    r.simple(write ? "update" : "access");
    r.bulk("begin_search");
    r.map(2);
    r.bulk("type");
    r.bulk("index");
    r.bulk("spec");
    r.map(1);
    r.bulk("index");
    r.integer(c.first_key);
    r.bulk("find_keys");
    r.map(2);
    r.bulk("type");
    r.bulk("range");
    r.bulk("spec");
    r.map(3);
    r.bulk("lastkey");
    r.integer(c.last_key >= 0 ? c.last_key - c.first_key : c.last_key);
    r.bulk("keystep");
    r.integer(c.step);
    r.bulk("limit");
    r.integer(0);
}

void reply_command_info(resp::Reply& r, const CommandDef& c) {
    r.array(10);
    r.bulk(c.name);
    r.integer(c.arity);
    reply_flags(r, c);
    r.integer(c.first_key);
    r.integer(c.last_key);
    r.integer(c.step);
    reply_categories(r, c);
    r.set(0);
    reply_key_specs(r, c);
    // Redis' addReplyCommandSubCommands: an empty set, or an array of the subcommands.
    if (c.subcommands.empty()) {
        r.set(0);
    } else {
        r.array(c.subcommands.size());
    }
    for (const auto& sub : c.subcommands) reply_command_info(r, sub);
}

void command_all(CommandContext& ctx) {
    const auto& all = ctx.server.commands().all();
    ctx.reply.array(all.size());
    for (const auto& c : all) reply_command_info(ctx.reply, *c);
}

void command_count(CommandContext& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.server.commands().size()));
}

void command_list(CommandContext& ctx) {
    const auto& all = ctx.server.commands().all();
    ctx.reply.array(all.size());
    for (const auto& c : all) ctx.reply.bulk(c->name);
}

// "get" or "config|get": the table entry, or nullptr.
const CommandDef* find_full(const server::CommandTable& t, std::string_view name) {
    size_t bar = name.find('|');
    const CommandDef* c = t.find(name.substr(0, bar));
    if (!c || bar == std::string_view::npos) return c;
    for (const auto& sub : c->subcommands) {
        if (iequals(sub.name, name)) return &sub;
    }
    return nullptr;
}

void command_info(CommandContext& ctx) {
    if (ctx.args.size() == 2) {
        command_all(ctx);
        return;
    }
    ctx.reply.array(ctx.args.size() - 2);
    for (size_t i = 2; i < ctx.args.size(); i++) {
        const CommandDef* c = find_full(ctx.server.commands(), ctx.args[i]);
        if (c) {
            reply_command_info(ctx.reply, *c);
        } else {
            ctx.reply.null_array();
        }
    }
}

void command_getkeys(CommandContext& ctx) {
    std::vector<std::string_view> line(ctx.args.begin() + 2, ctx.args.end());
    const CommandDef* c = ctx.server.commands().find(line[0]);
    if (c && !c->subcommands.empty() && line.size() >= 2) c = ctx.server.commands().resolve(c, line);
    if (!c) {
        ctx.reply.error("ERR Invalid command specified");
        return;
    }
    int argc = static_cast<int>(line.size());
    if ((c->arity > 0 && c->arity != argc) || argc < -c->arity) {
        ctx.reply.error("ERR Invalid number of arguments specified for command");
        return;
    }
    std::vector<int> idx;
    if (!server::CommandTable::get_keys(*c, line, &idx)) {
        ctx.reply.error("ERR Invalid arguments specified for command");
        return;
    }
    if (idx.empty()) {
        ctx.reply.error("ERR The command has no key arguments");
        return;
    }
    ctx.reply.array(idx.size());
    for (int i : idx) ctx.reply.bulk(line[static_cast<size_t>(i)]);
}

void command_docs(CommandContext& ctx) {
    std::vector<std::string_view> names(ctx.args.begin() + 2, ctx.args.end());
    reply_command_docs(ctx.reply, ctx.server.commands(), names);
}

void command_help(CommandContext& ctx) {
    static const char* lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full command.",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) ctx.reply.simple(l);
}

void command_command(CommandContext& ctx) {
    // The container's own handler runs only for a bare COMMAND (the dispatcher resolves
    // subcommands before).
    command_all(ctx);
}

}  // namespace

void register_introspection_commands(server::CommandTable& t) {
    using namespace server;
    t.add(def("info", -1, kCmdLoading | kCmdStale, 0, 0, 0, info_command, "slow dangerous"));
    constexpr uint32_t kInt = kCmdLoading | kCmdStale;
    CommandDef command = def("command", -1, kInt, 0, 0, 0, command_command, "slow connection");
    command.subcommands = {
        def("command|count", 2, kInt, 0, 0, 0, command_count, "slow connection"),
        def("command|list", -2, kInt, 0, 0, 0, command_list, "slow connection"),
        def("command|info", -2, kInt, 0, 0, 0, command_info, "slow connection"),
        def("command|docs", -2, kInt, 0, 0, 0, command_docs, "slow connection"),
        def("command|getkeys", -4, kInt, 0, 0, 0, command_getkeys, "slow connection"),
        def("command|help", 2, kInt, 0, 0, 0, command_help, "slow connection"),
    };
    t.add(std::move(command));
    register_debug_command(t);
}

}  // namespace slotcache::commands
