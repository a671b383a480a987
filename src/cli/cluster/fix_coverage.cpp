// `--cluster fix` for uncovered slots and for slots with several owners (see fix.cpp for the
// rules).
#include <cstdio>
#include <cstdlib>
#include <map>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/migrate.h"

namespace slotcache::cli::cluster {

namespace {

void print_slot_list(const std::vector<int>& slots) {
    SlotSet set;
    for (int s : slots) {
        set.set(static_cast<size_t>(s));
    }
    std::printf("%s\n", format_slot_ranges(set).c_str());
}

// Gives slot to owner and records it in the model. The log line says why.
bool cover(Manager& m, Node* owner, int slot, bool clear_status) {
    if (!set_slot_owner(m, owner, slot, clear_status)) {
        return false;
    }
    owner->slots.set(static_cast<size_t>(slot));
    owner->slots_count++;
    return true;
}

// Keys of slot on several masters: the one with the most takes the slot, the others' keys go
// to it (their slot set to IMPORTING first, so that MIGRATE is not redirected).
bool cover_moving_keys(Manager& m, int slot, const std::vector<Node*>& holders) {
    Node* target = node_with_most_keys(m, holders, slot);
    if (target == nullptr) {
        return false;
    }
    log_info(">>> Covering slot %d moving keys to %s:%d\n", slot, target->host.c_str(),
             target->port);
    if (!cover(m, target, slot, true)) {
        return false;
    }
    MoveOptions cold;
    cold.verbose = true;
    cold.cold = true;
    for (Node* src : holders) {
        if (src == target) {
            continue;
        }
        if (!set_slot(m, src, *target, slot, "NODE", nullptr) ||
            !set_slot(m, src, *target, slot, "IMPORTING", nullptr) ||
            !move_slot(m, src, target, slot, cold, nullptr) || !clear_slot_status(m, src, slot)) {
            return false;
        }
    }
    return true;
}

// The masters holding keys of each uncovered slot (an empty list when none does).
bool find_key_holders(Manager& m, const SlotSet& covered, std::map<int, std::vector<Node*>>* out) {
    for (int s = 0; s < kSlots; s++) {
        if (covered.test(static_cast<size_t>(s))) {
            continue;
        }
        std::vector<Node*>& list = (*out)[s];
        for (auto& n : m.nodes()) {
            if (!n->is_master()) {
                continue;
            }
            Reply r;
            if (!m.call_ok(n.get(), {"CLUSTER", "GETKEYSINSLOT", std::to_string(s), "1"}, &r)) {
                return false;
            }
            if (!r.elements.empty()) {
                list.push_back(n.get());
            }
        }
    }
    return true;
}

// One group of uncovered slots: listed, confirmed with a typed "yes" (--cluster-yes does not
// count here), then fixed slot by slot. Returns how many were fixed, or -1 on an error.
template <class Fix>
int fix_group(Manager& m, const std::vector<int>& slots, const char* title, const char* question,
              Fix fix) {
    if (slots.empty()) {
        return 0;
    }
    std::printf("%s\n", title);
    print_slot_list(slots);
    if (!confirm_with_yes(question, m.opt().yes, false)) {
        return 0;
    }
    for (int s : slots) {
        if (!fix(s)) {
            return -1;
        }
    }
    return static_cast<int>(slots.size());
}

}  // namespace

int fix_slots_coverage(Manager& m, const SlotSet& covered) {
    stop_if_masters_unreachable(m, "slots coverage");
    log_info(">>> Fixing slots coverage...\n");
    std::map<int, std::vector<Node*>> holders;
    if (!find_key_holders(m, covered, &holders)) {
        return -1;
    }
    std::vector<int> none;
    std::vector<int> single;
    std::vector<int> multi;
    for (const auto& [slot, list] : holders) {
        (list.empty() ? none : list.size() == 1 ? single : multi).push_back(slot);
    }
    const int a =
        fix_group(m, none, "The following uncovered slots have no keys across the cluster:",
                  "Fix these slots by covering with a random node?", [&](int s) {
                      Node* n = m.random_master();
                      log_info(">>> Covering slot %d with %s:%d\n", s, n->host.c_str(), n->port);
                      return cover(m, n, s, false);
                  });
    const int b =
        a < 0 ? -1
              : fix_group(m, single, "The following uncovered slots have keys in just one node:",
                          "Fix these slots by covering with those nodes?", [&](int s) {
                              Node* n = holders[s].front();
                              log_info(">>> Covering slot %d with %s:%d\n", s, n->host.c_str(),
                                       n->port);
                              return cover(m, n, s, false);
                          });
    const int c =
        b < 0 ? -1
              : fix_group(m, multi, "The following uncovered slots have keys in multiple nodes:",
                          "Fix these slots by moving keys into a single node?",
                          [&](int s) { return cover_moving_keys(m, s, holders[s]); });
    return c < 0 ? -1 : a + b + c;
}

bool fix_multiple_owners(Manager& m, int slot, const std::vector<Node*>& owners) {
    log_info(">>> Fixing multiple owners for slot %d...\n", slot);
    Node* owner = node_with_most_keys(m, owners, slot);
    if (owner == nullptr) {
        owner = owners.front();
    }
    log_info(">>> Setting slot %d owner: %s:%d\n", slot, owner->host.c_str(), owner->port);
    if (!set_slot_owner(m, owner, slot, false)) {
        return false;
    }
    MoveOptions cold;
    cold.verbose = true;
    cold.cold = true;
    bool ok = false;
    for (auto& node : m.nodes()) {
        Node* n = node.get();
        if (n == owner || n->replica) {
            continue;
        }
        const long long keys = count_keys_in_slot(m, n, slot);
        ok = keys >= 0;
        if (!ok) {
            break;
        }
        del_slot(m, n, slot, true);
        if (!set_slot(m, n, *owner, slot, "node", nullptr)) {
            return false;
        }
        if (keys > 0) {
            // Importing, so that its MIGRATE of keys it no longer serves is not answered with
            // MOVED (redis-cli 7.0 stops there).
            ok = set_slot(m, n, *owner, slot, "importing", nullptr) &&
                 move_slot(m, n, owner, slot, cold, nullptr) && clear_slot_status(m, n, slot);
            if (!ok) {
                break;
            }
        }
    }
    return ok;
}

}  // namespace slotcache::cli::cluster
