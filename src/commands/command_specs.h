// COMMAND INFO's key specifications and tips for every command, as redis-server 7.0.15 reports
// them: one generated table (command_specs.cpp, written by utils/gen_command_specs.py) rather
// than a writer per family. register_all_commands attaches each row to its CommandDef; the one
// writer is server_introspect.cpp's.
//
// Rejected: per-family KeySpecsWriter functions (five near-copies that drifted from Redis, and a
// default derived from first/last/step that is wrong for LMOVE, BLPOP, LMPOP, ...).
#pragma once

#include <span>
#include <string_view>

#include "server/command.h"

namespace slotcache::commands {

// The specs and tips of `name` (lowercase, "config|get" for a subcommand); the spans borrow
// static arrays. False (outputs untouched) when the command has neither.
bool find_command_specs(std::string_view name, std::span<const server::KeySpec>* key_specs,
                        std::span<const std::string_view>* tips);

// Sets key_specs and tips of every command of `table` and of their subcommands from the table.
void attach_command_specs(server::CommandTable& table);

}  // namespace slotcache::commands
