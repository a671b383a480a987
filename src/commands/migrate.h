// MIGRATE and the transaction commands: registration, and MIGRATE's argument parsing and key
// finding as pure functions for the unit tests (migrate.cpp).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "commands/parsed.h"

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

void register_migrate_command(server::CommandTable& table);
// MULTI EXEC DISCARD (multi.cpp).
void register_transaction_commands(server::CommandTable& table);

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
// [AUTH2 username password] [KEYS key ...], checked in Redis 7.0's order: the options (syntax
// error; KEYS with a non-empty key argument), then the timeout and the db ("ERR value is not
// an integer or out of range"). Views point into args.
struct MigrateArgs {
    std::string_view host;
    std::string_view port;
    long long db = 0;
    long long timeout_ms = 1000;  // a timeout <= 0 means 1000, as in Redis
    bool copy = false;
    bool replace = false;
    bool auth = false;
    bool has_username = false;  // AUTH2
    std::string_view username;
    std::string_view password;
    size_t first_key = 3;  // index in args of the first key
    size_t num_keys = 1;   // 0 with an empty KEYS list
};
Parsed<MigrateArgs> parse_migrate_args(const std::vector<std::string_view>& args);

// Redis' migrateGetKeys: args[3], or everything after KEYS (COPY, REPLACE, AUTH's and AUTH2's
// values skipped on the way). False when KEYS follows a non-empty key argument or names no
// key (COMMAND GETKEYS: "Invalid arguments specified for command").
bool migrate_get_keys(const std::vector<std::string_view>& args, std::vector<int>* out);

}  // namespace slotcache::commands
