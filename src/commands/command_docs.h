// COMMAND DOCS: Redis 7.0's documentation of every command slotcache registers (summary,
// since, group, complexity, doc flags, history, arguments) and the reply that serves it.
//
// The facts are a static table in command_docs.cpp, copied from redis-server 7.0.15's own
// COMMAND DOCS reply, so that tools that read it (redis-cli's hints, client generators) see what
// Redis would say. The reply is a map name -> doc map, byte for byte Redis' (RESP3 maps and
// sets; flat arrays in RESP2).
//
// Loop thread (the reply); the table is immutable and may be read from any thread.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "resp/reply.h"
#include "server/command.h"

namespace slotcache::commands {

// Fields of a doc that only some commands have. Empty means absent from the reply.
struct CommandDocExtra {
    std::string_view doc_flags = {};         // "deprecated" or "syscmd" (space separated)
    std::string_view deprecated_since = {};  // "6.2.0"
    std::string_view replaced_by = {};       // "`SET` with the `!GET` argument"
    // One "<version> <text>\n" line per change, oldest first.
    std::string_view history = {};
};

// One command's or subcommand's documentation. Every view points into static storage.
struct CommandDoc {
    std::string_view name;  // lowercase, "get" or "config|get"
    std::string_view summary;
    std::string_view since;
    std::string_view group;  // "string", "generic", "connection", "server"
    std::string_view complexity;
    // The arguments, one space-separated item each, in a compact notation:
    //   name:type   then, in any order: #<key_spec_index> =<TOKEN> @<since> ~<deprecated_since>
    //   and the flags ? optional, * multiple, + multiple_token;
    //   then, for oneof and block, the nested arguments in parentheses.
    // e.g. "key:key#0 condition:oneof@2.6.12?(nx:pure-token=NX xx:pure-token=XX)"
    std::string_view arguments;
    CommandDocExtra extra = {};
};

// The documentation of `name` ("get", "CONFIG|GET": case-insensitive), or nullptr.
const CommandDoc* find_command_doc(std::string_view name);

// Every documented command and subcommand (a container's subcommands follow it), including
// subcommands of Redis' containers that slotcache does not register (CLIENT REPLY, ...).
std::span<const CommandDoc> all_command_docs();

// COMMAND DOCS [name ...]: `names` are the arguments after DOCS. With none, every command of
// `t` (in table order); otherwise the named ones ("get", "config|get"), skipping names that
// are not commands of `t`. A container's doc holds "subcommands": the docs of its registered
// subcommands, in table order (Redis' order is its dict's, random per process). A registered
// command without a doc is skipped as unknown (the unit test keeps that from happening).
// `names` are borrowed for the call only.
void reply_command_docs(resp::Reply& r, const server::CommandTable& t,
                        const std::vector<std::string_view>& names);

}  // namespace slotcache::commands
