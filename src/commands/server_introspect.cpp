// INFO, COMMAND (COUNT, INFO, GETKEYS, LIST, HELP) and DEBUG.
//
// COMMAND's reply is Redis 7.0's ten-element entry per command: name, arity, flags, first key,
// last key, step, ACL categories, tips, key specifications, subcommands. The tips and key
// specifications are data (CommandDef::tips / key_specs, from commands/command_specs.cpp),
// written here by one writer for every command. redis-py's cluster
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

// Redis 7.0's addReplyCommandFlags, in its order; may_replicate is hidden there on purpose.
void reply_flags(resp::Reply& r, const CommandDef& c) {
    static const std::pair<uint32_t, const char*> names[] = {
        {server::kCmdWrite, "write"},
        {server::kCmdReadonly, "readonly"},
        {server::kCmdDenyOom, "denyoom"},
        {server::kCmdAdmin, "admin"},
        {server::kCmdPubsub, "pubsub"},
        {server::kCmdNoscript, "noscript"},
        {server::kCmdBlocking, "blocking"},
        {server::kCmdLoading, "loading"},
        {server::kCmdStale, "stale"},
        {server::kCmdSkipMonitor, "skip_monitor"},
        {server::kCmdSkipSlowlog, "skip_slowlog"},
        {server::kCmdAsking, "asking"},
        {server::kCmdFast, "fast"},
        {server::kCmdNoAuth, "no_auth"},
        {server::kCmdNoMandatoryKeys, "no_mandatory_keys"},
        {server::kCmdNoAsyncLoading, "no_async_loading"},
        {server::kCmdNoMulti, "no_multi"},
        {server::kCmdAllowBusy, "allow_busy"},
        {server::kCmdMovableKeys, "movablekeys"},
    };
    size_t n = 0;
    for (auto& [bit, name] : names) n += (c.flags & bit) ? 1 : 0;
    r.set(n);
    for (auto& [bit, name] : names) {
        if (c.flags & bit) r.simple(name);
    }
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    while (!s.empty()) {
        size_t sp = s.find(' ');
        std::string_view w = s.substr(0, sp);
        if (!w.empty()) {
            words.push_back(w);
        }
        if (sp == std::string_view::npos) {
            break;
        }
        s.remove_prefix(sp + 1);
    }
    return words;
}

void reply_categories(resp::Reply& r, const CommandDef& c) {
    std::vector<std::string_view> cats = split_words(c.acl_categories);
    r.set(cats.size());
    for (auto w : cats) {
        r.simple("@" + std::string(w));
    }
}

// begin_search of a key spec: {type, spec} with spec's fields by type.
void reply_begin_search(resp::Reply& r, const server::KeySpec& k) {
    using Begin = server::KeySpec::Begin;
    r.map(2);
    r.bulk("type");
    r.bulk(k.begin == Begin::kIndex ? "index" : k.begin == Begin::kKeyword ? "keyword" : "unknown");
    r.bulk("spec");
    if (k.begin == Begin::kIndex) {
        r.map(1);
        r.bulk("index");
        r.integer(k.index);
    } else if (k.begin == Begin::kKeyword) {
        r.map(2);
        r.bulk("keyword");
        r.bulk(k.keyword);
        r.bulk("startfrom");
        r.integer(k.startfrom);
    } else {
        r.map(0);
    }
}

// find_keys of a key spec: {type, spec} with spec's fields by type.
void reply_find_keys(resp::Reply& r, const server::KeySpec& k) {
    using Find = server::KeySpec::Find;
    r.map(2);
    r.bulk("type");
    r.bulk(k.find == Find::kRange ? "range" : k.find == Find::kKeynum ? "keynum" : "unknown");
    r.bulk("spec");
    if (k.find == Find::kRange) {
        r.map(3);
        r.bulk("lastkey");
        r.integer(k.range.lastkey);
        r.bulk("keystep");
        r.integer(k.range.keystep);
        r.bulk("limit");
        r.integer(k.range.limit);
    } else if (k.find == Find::kKeynum) {
        r.map(3);
        r.bulk("keynumidx");
        r.integer(k.keynum.keynumidx);
        r.bulk("firstkey");
        r.integer(k.keynum.firstkey);
        r.bulk("keystep");
        r.integer(k.keynum.keystep);
    } else {
        r.map(0);
    }
}

// One entry of Redis 7.0's addReplyCommandKeySpecs: a map ("notes" first when present); the
// flags are a set of status replies.
void reply_key_spec(resp::Reply& r, const server::KeySpec& k) {
    r.map(k.notes.empty() ? 3 : 4);
    if (!k.notes.empty()) {
        r.bulk("notes");
        r.bulk(k.notes);
    }
    r.bulk("flags");
    std::vector<std::string_view> flags = split_words(k.flags);
    r.set(flags.size());
    for (auto f : flags) {
        r.simple(f);
    }
    r.bulk("begin_search");
    reply_begin_search(r, k);
    r.bulk("find_keys");
    reply_find_keys(r, k);
}

// Redis 7.0's addReplyCommandTips: a set of bulk strings.
void reply_tips(resp::Reply& r, const CommandDef& c) {
    r.set(c.tips.size());
    for (auto t : c.tips) {
        r.bulk(t);
    }
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
    reply_tips(r, c);
    r.set(c.key_specs.size());
    for (const auto& k : c.key_specs) {
        reply_key_spec(r, k);
    }
    // Redis' addReplyCommandSubCommands: an empty set, or an array of the subcommands.
    if (c.subcommands.empty()) {
        r.set(0);
    } else {
        r.array(c.subcommands.size());
    }
    for (const auto& sub : c.subcommands) {
        reply_command_info(r, sub);
    }
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
