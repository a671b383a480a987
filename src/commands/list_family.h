// What the list family's two handler files (lists.cpp, list_blocking.cpp) share: argument
// helpers, reply shapes and the propagated form of a pop. Not for other families.
//
// Loop thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commands/lists.h"
#include "server/command.h"

namespace slotcache::commands {

// list-max-listpack-size for a new list.
int list_fill(server::CommandContext& ctx);

// [key, [v1, v2, ...]] (LMPOP, BLMPOP).
void reply_popped(server::CommandContext& ctx, std::string_view key,
                  const std::vector<std::string>& vals);

struct MpopArgs {
    size_t first_key = 0;
    size_t numkeys = 0;
    ListEnd end = ListEnd::Left;
    size_t count = 1;
};
// numkeys key... LEFT|RIGHT [COUNT n] starting at args[numkeys_idx]; replies the error
// ("ERR numkeys should be greater than 0", "ERR count should be greater than 0", syntax).
bool parse_mpop_args(server::CommandContext& ctx, size_t numkeys_idx, MpopArgs* out);
// The KeysFinder of LMPOP (numkeys at 1) and BLMPOP (numkeys at 2).
bool mpop_keys(const std::vector<std::string_view>& args, size_t numkeys_idx,
               std::vector<int>* out);

// Sets dirty and the propagated LPOP/RPOP key [n] (with_count: LMPOP's form).
void propagate_pop(server::CommandContext& ctx, ListEnd end, std::string_view key, size_t n,
                   bool with_count);

// BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP and CLIENT UNBLOCK (list_blocking.cpp).
void register_list_blocking_commands(server::CommandTable& table);

}  // namespace slotcache::commands
