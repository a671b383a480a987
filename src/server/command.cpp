#include "server/command.h"

#include "common/strutil.h"

namespace slotcache::server {

void CommandTable::add(CommandDef def) {
    auto owned = std::make_unique<CommandDef>(std::move(def));
    by_name_[owned->name] = owned.get();
    order_.push_back(std::move(owned));
}

const CommandDef* CommandTable::find(std::string_view name) const {
    // Command names are short; lower-casing into a stack buffer avoids an allocation per call.
    char buf[64];
    if (name.size() >= sizeof(buf)) return nullptr;
    for (size_t i = 0; i < name.size(); i++) {
        char ch = name[i];
        buf[i] = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    }
    // Heterogeneous lookup is C++20 only with a transparent hash; a short std::string fits the
    // small-string buffer and does not allocate.
    auto it = by_name_.find(std::string(buf, name.size()));
    return it == by_name_.end() ? nullptr : it->second;
}

bool CommandTable::rename(std::string_view from, std::string_view to) {
    auto it = by_name_.find(to_lower(from));
    if (it == by_name_.end()) return false;
    CommandDef* def = it->second;
    by_name_.erase(it);
    if (to.empty()) {
        for (auto o = order_.begin(); o != order_.end(); ++o) {
            if (o->get() == def) {
                order_.erase(o);
                break;
            }
        }
        return true;
    }
    def->name = to_lower(to);
    by_name_[def->name] = def;
    return true;
}

bool CommandTable::add_subcommand(std::string_view parent, CommandDef sub) {
    auto it = by_name_.find(to_lower(parent));
    if (it == by_name_.end()) return false;
    it->second->subcommands.push_back(std::move(sub));
    return true;
}

const CommandDef* CommandTable::resolve(const CommandDef* cmd,
                                        const std::vector<std::string_view>& args) const {
    if (cmd->subcommands.empty() || args.size() < 2) return cmd;
    for (const auto& sub : cmd->subcommands) {
        std::string_view subname = std::string_view(sub.name).substr(sub.name.find('|') + 1);
        if (iequals(subname, args[1])) return &sub;
    }
    return nullptr;
}

bool CommandTable::get_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                            std::vector<int>* out) {
    out->clear();
    if (cmd.keys) return cmd.keys(args, out);
    if (cmd.first_key <= 0) return true;
    int argc = static_cast<int>(args.size());
    int last = cmd.last_key >= 0 ? cmd.last_key : argc + cmd.last_key;
    int step = cmd.step > 0 ? cmd.step : 1;
    if (cmd.first_key >= argc) return false;
    for (int i = cmd.first_key; i <= last && i < argc; i += step) out->push_back(i);
    // A trailing partial group (MSET k v k) is an arity error Redis reports as "Invalid
    // arguments specified for command" in COMMAND GETKEYS.
    if (step > 1 && (argc - cmd.first_key) % step != 0 && cmd.last_key < 0) return false;
    return true;
}

}  // namespace slotcache::server
