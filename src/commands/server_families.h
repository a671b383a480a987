// Registration of the server-side command families (connection, client, admin, introspection)
// and the small helpers they share. The data families (strings, keys) are in families.h.
#pragma once

#include <string>
#include <string_view>

#include "server/command.h"

namespace slotcache::commands {

// Builds a table row; flags are server::CommandFlag bits, cats Redis' ACL categories.
server::CommandDef def(std::string name, int arity, uint32_t flags, int first, int last, int step,
                       server::CommandHandler fn, std::string cats);

// CLIENT SETNAME's rule: printable ASCII without spaces.
bool valid_client_name(std::string_view name);

void register_connection_commands(server::CommandTable& t);
void register_client_command(server::CommandTable& t);
void register_admin_commands(server::CommandTable& t);
void register_introspection_commands(server::CommandTable& t);
void register_debug_command(server::CommandTable& t);

}  // namespace slotcache::commands
