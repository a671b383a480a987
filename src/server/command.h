// The command table: every command's name, arity, flags, key positions and handler, declared
// as data by the command families (src/commands/*.cpp) and read by the dispatcher (arity, key
// routing, OOM and write checks) and by COMMAND / COMMAND INFO / COMMAND GETKEYS.
//
// A handler receives a CommandContext: the parsed arguments (views into the client's read
// buffer, valid only during the call), the reply writer, the selected database and the time
// at which the command started (one clock reading per command, so that a command sees one
// consistent "now"). Handlers report errors as replies (never exceptions) and write exactly one
// reply (which may be an array).
//
// Container commands (CONFIG, CLIENT, OBJECT, ...) hold their subcommands; the dispatcher
// resolves "config get" to the subcommand entry, and COMMAND lists it as "config|get", as
// Redis 7 does.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "resp/reply.h"

namespace slotcache::keyspace {
class Db;
}

namespace slotcache::server {

class Server;
class Client;

// Flag names are Redis 7's COMMAND flags; the bit order is ours.
enum CommandFlag : uint32_t {
    kCmdWrite = 1u << 0,
    kCmdReadonly = 1u << 1,
    kCmdDenyOom = 1u << 2,
    kCmdAdmin = 1u << 3,
    kCmdPubsub = 1u << 4,
    kCmdNoscript = 1u << 5,
    kCmdBlocking = 1u << 6,
    kCmdLoading = 1u << 7,
    kCmdStale = 1u << 8,
    kCmdSkipMonitor = 1u << 9,
    kCmdSkipSlowlog = 1u << 10,
    kCmdAsking = 1u << 11,
    kCmdFast = 1u << 12,
    kCmdNoAuth = 1u << 13,
    kCmdMayReplicate = 1u << 14,
    kCmdNoMandatoryKeys = 1u << 15,
    kCmdNoMulti = 1u << 16,
    kCmdMovableKeys = 1u << 17,  // key positions depend on the arguments: get_keys decides
    kCmdAllowBusy = 1u << 18,
    kCmdNoAsyncLoading = 1u << 19,  // COMMAND shows it; no async RDB loading here to refuse
};

struct CommandContext {
    Server& server;
    Client& client;
    const std::vector<std::string_view>& args;  // args[0] is the command name as sent
    resp::Reply& reply;
    keyspace::Db& db;
    int64_t now_ms;  // wall clock at dispatch
    int32_t slot;    // hash slot of the first key, -1 for keyless commands
    // Set by the handler: how many changes it made to the dataset. A write command with
    // dirty > 0 is propagated (replicas, AOF); with dirty == 0 it is not (SET NX that lost).
    long long dirty = 0;
    // Set by a handler whose effect must reach replicas as a different command line, as Redis
    // rewrites them: SET k v EX 10 -> SET k v PXAT <abs>, EXPIRE -> PEXPIREAT, INCRBYFLOAT ->
    // SET k v KEEPTTL, GETDEL -> DEL, GETEX EX -> PEXPIREAT, an EXPIRE in the past -> DEL.
    // Empty: args are propagated as received.
    std::vector<std::string> rewritten;
    // Set by a handler whose command must reach replicas even with dirty == 0 (Redis'
    // forceCommandPropagation): FLUSHALL / FLUSHDB on empty databases, or after FLUSHALL's
    // snapshot reset the change counter.
    bool force_propagate = false;
    // Set by a handler that told the watchers itself which keys it changed
    // (Server::signal_modified_key): the dispatcher then does not signal every key argument.
    bool keys_signalled = false;
};

using CommandHandler = void (*)(CommandContext& ctx);
// For kCmdMovableKeys commands: the indexes of the keys in args (into *out). Returns false
// on a syntax error that the handler will report itself.
using KeysFinder = bool (*)(const std::vector<std::string_view>& args, std::vector<int>* out);
// One COMMAND INFO key specification, as Redis 7.0 declares them (commands/*.json "key_specs"):
// where the search for keys begins and how the keys are found from there. Description only:
// routing reads first_key/last_key/step and the KeysFinder, never these. The strings are
// static (the generated table in commands/command_specs.cpp).
struct KeySpec {
    enum class Begin : uint8_t { kUnknown, kIndex, kKeyword };
    enum class Find : uint8_t { kUnknown, kRange, kKeynum };
    struct Range {
        int lastkey;  // relative to the first key; negative: from the end of the arguments
        int keystep;
        int limit;
    };
    struct Keynum {
        int keynumidx;  // relative to the begin_search index
        int firstkey;
        int keystep;
    };
    std::string_view flags;  // Redis' flag names in its order, space separated: "RW access delete"
    Begin begin = Begin::kUnknown;
    int index = 0;             // kIndex
    std::string_view keyword;  // kKeyword
    int startfrom = 0;         // kKeyword: negative searches from the end
    Find find = Find::kUnknown;
    Range range{};           // kRange
    Keynum keynum{};         // kKeynum
    std::string_view notes;  // empty: no "notes" field
};

struct CommandDef {
    std::string name;  // lowercase; "config|get" for a subcommand
    int arity;         // >0 exact argc, <0 at least -arity
    uint32_t flags;
    int first_key;  // 0: no keys
    int last_key;   // -1: last argument, -2: second to last
    int step;
    CommandHandler handler;
    std::string acl_categories;  // space separated, without '@': "write string slow"
    KeysFinder keys = nullptr;
    // COMMAND INFO's key specifications and tips (Redis 7.0's), attached from the generated table
    // by register_all_commands; they borrow static arrays.
    std::span<const KeySpec> key_specs;
    std::span<const std::string_view> tips;
    std::vector<CommandDef> subcommands;
    // Filled in by CommandTable: cumulative statistics for INFO commandstats.
    mutable uint64_t calls = 0;
    mutable uint64_t usec = 0;
    mutable uint64_t rejected_calls = 0;
    mutable uint64_t failed_calls = 0;
};

class CommandTable {
public:
    void add(CommandDef def);
    // Adds a subcommand to a registered container command (a family extending another's
    // container, e.g. CLUSTER REPLICATE). Start-up only: pointers to subcommands move. False
    // when parent is not registered.
    bool add_subcommand(std::string_view parent, CommandDef sub);
    // Case-insensitive; nullptr when unknown.
    const CommandDef* find(std::string_view name) const;
    // Resolves a container command's subcommand (args[1]); returns the container itself when
    // it has no subcommands, nullptr when args[1] is not one of them.
    const CommandDef* resolve(const CommandDef* cmd, const std::vector<std::string_view>& args) const;
    // rename-command: gives a command another name, or removes it when `to` is empty. False
    // when `from` is not a command.
    bool rename(std::string_view from, std::string_view to);
    const std::vector<std::unique_ptr<CommandDef>>& all() const { return order_; }
    size_t size() const { return order_.size(); }

    // The argument indexes of the keys of a command line, from the table's key positions (or
    // the command's KeysFinder). Returns false when the arguments do not fit the spec.
    static bool get_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                         std::vector<int>* out);

private:
    std::unordered_map<std::string, CommandDef*> by_name_;
    std::vector<std::unique_ptr<CommandDef>> order_;
};

// Every family registers itself here (src/commands/registry.cpp).
void register_all_commands(CommandTable& table);

}  // namespace slotcache::server
