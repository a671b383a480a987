// The repairs of `--cluster fix` (redis-cli's clusterManagerFixOpenSlot, ...FixSlotsCoverage,
// ...FixMultipleSlotOwners), case by case as redis-cli makes them, so that an operator who
// knows redis-cli's output knows what happened:
//   open slot  - one node migrating and one importing: finish the move (Case 1); only
//                importing nodes (keys loaded on a node that does not serve the slot, as after
//                starting nodes from an existing dataset): move their keys to the owner
//                (Case 2); one migrating and several importing: move to the one the migrating
//                node names, close the others (Case 3); a migrating node without keys: close it
//                (Case 4). With no single owner, the master with the most keys becomes it.
//   uncovered  - no keys anywhere: a random master takes the slot; keys on one master: it
//                takes it; keys on several: the one with the most takes it and the others'
//                keys are moved to it. Each group is confirmed with "yes" (even with
//                --cluster-yes, as in redis-cli: these decide where data lives).
//   several owners (--cluster-search-multiple-owners): the one with the most keys keeps it.
// Key moves need MIGRATE on the servers.
#include <cstdio>
#include <cstdlib>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/migrate.h"

namespace slotcache::cli::cluster {

namespace {

bool has_open(const std::vector<OpenSlot>& list, int slot, std::string* other = nullptr) {
    for (const OpenSlot& o : list) {
        if (o.slot == slot) {
            if (other != nullptr) {
                *other = o.node_id;
            }
            return true;
        }
    }
    return false;
}

void remove_node(std::vector<Node*>* list, Node* n) {
    for (auto it = list->begin(); it != list->end(); ++it) {
        if (*it == n) {
            list->erase(it);
            return;
        }
    }
}

std::string addr_list(const std::vector<Node*>& nodes) {
    std::string out;
    for (Node* n : nodes) {
        out += (out.empty() ? "" : ",") + n->addr();
    }
    return out;
}

std::vector<Node*> all_nodes(Manager& m) {
    std::vector<Node*> out;
    for (auto& n : m.nodes()) {
        out.push_back(n.get());
    }
    return out;
}

struct OpenSlotState {
    std::vector<Node*> owners;
    std::vector<Node*> migrating;
    std::vector<Node*> importing;
    Node* owner = nullptr;
};

// Who claims the slot: owners (serving it, or holding keys of it), and the nodes where it is
// migrating or importing (a node with keys and neither state counts as importing).
bool survey_open_slot(Manager& m, int slot, OpenSlotState* st) {
    for (auto& n : m.nodes()) {
        if (n->replica) {
            continue;
        }
        if (n->slots.test(static_cast<size_t>(slot))) {
            st->owners.push_back(n.get());
            continue;
        }
        const long long keys = count_keys_in_slot(m, n.get(), slot);
        if (keys < 0) {
            return false;
        }
        if (keys > 0) {
            log_warn("*** Found keys about slot %d in non-owner node %s:%d!\n", slot,
                     n->host.c_str(), n->port);
            st->owners.push_back(n.get());
        }
    }
    if (st->owners.size() == 1) {
        st->owner = st->owners.front();
    }
    for (auto& n : m.nodes()) {
        if (n->replica) {
            continue;
        }
        if (has_open(n->migrating, slot)) {
            st->migrating.push_back(n.get());
        } else if (has_open(n->importing, slot)) {
            st->importing.push_back(n.get());
        } else if (n.get() != st->owner) {
            const long long keys = count_keys_in_slot(m, n.get(), slot);
            if (keys < 0) {
                return false;
            }
            if (keys > 0) {
                log_warn("*** Found keys about slot %d in node %s:%d!\n", slot, n->host.c_str(),
                         n->port);
                st->importing.push_back(n.get());
            }
        }
    }
    if (!st->migrating.empty()) {
        std::printf("Set as migrating in: %s\n", addr_list(st->migrating).c_str());
    }
    if (!st->importing.empty()) {
        std::printf("Set as importing in: %s\n", addr_list(st->importing).c_str());
    }
    return true;
}

// No single owner: the master with the most keys takes the slot.
bool elect_owner(Manager& m, int slot, OpenSlotState* st) {
    log_info(">>> No single clear owner for the slot, selecting an owner by # of keys...\n");
    st->owner = node_with_most_keys(m, all_nodes(m), slot);
    if (st->owner == nullptr) {
        log_err("[ERR] Can't select a slot owner. Impossible to fix.\n");
        return false;
    }
    Node* o = st->owner;
    log_warn("*** Configuring %s:%d as the slot owner\n", o->host.c_str(), o->port);
    if (!clear_slot_status(m, o, slot) || !set_slot_owner(m, o, slot, false)) {
        return false;
    }
    o->slots.set(static_cast<size_t>(slot));
    // Not strictly needed (the slot had no owner), but makes the claim win everywhere.
    if (!bump_epoch(m, o)) {
        return false;
    }
    remove_node(&st->migrating, o);
    remove_node(&st->importing, o);
    return true;
}

// Several owners: all but the chosen one give the slot up and import it from the owner, so
// that the cases below move their keys.
bool demote_other_owners(Manager& m, int slot, OpenSlotState* st) {
    for (Node* n : st->owners) {
        if (n == st->owner) {
            continue;
        }
        if (!del_slot(m, n, slot, true)) {
            return false;
        }
        n->slots.reset(static_cast<size_t>(slot));
        if (!set_slot(m, n, *st->owner, slot, "node", nullptr) ||
            !set_slot(m, n, *st->owner, slot, "importing", nullptr)) {
            return false;
        }
        remove_node(&st->importing, n);
        st->importing.push_back(n);
        remove_node(&st->migrating, n);
    }
    return true;
}

bool case_move_to_owner(Manager& m, int slot, OpenSlotState* st) {
    Node* owner = st->owner;
    log_info(">>> Case 2: Moving all the %d slot keys to its owner %s:%d\n", slot,
             owner->host.c_str(), owner->port);
    MoveOptions cold;
    cold.verbose = true;
    cold.cold = true;
    for (Node* n : st->importing) {
        if (n == owner) {
            continue;
        }
        // A node that only holds keys of the slot is not importing it and would answer its own
        // MIGRATE with MOVED (redis-cli fails there): make it importing first.
        if ((!has_open(n->importing, slot) &&
             !set_slot(m, n, *owner, slot, "importing", nullptr)) ||
            !move_slot(m, n, owner, slot, cold, nullptr)) {
            return false;
        }
        log_info(">>> Setting %d as STABLE in %s:%d\n", slot, n->host.c_str(), n->port);
        if (!clear_slot_status(m, n, slot)) {
            return false;
        }
    }
    // A cold move changed no configuration: tell every master who owns the slot.
    for (auto& n : m.nodes()) {
        if (n.get() != owner && !n->replica &&
            !set_slot(m, n.get(), *owner, slot, "NODE", nullptr)) {
            return false;
        }
    }
    return true;
}

// One migrating node, several importing ones. False with *unhandled when an importing node has
// keys (no rule says where they belong).
bool case_one_migrating(Manager& m, int slot, OpenSlotState* st, bool* unhandled) {
    Node* src = st->migrating.front();
    std::string target_id;
    has_open(src->migrating, slot, &target_id);
    Node* dst = nullptr;
    for (Node* n : st->importing) {
        if (count_keys_in_slot(m, n, slot) > 0) {
            *unhandled = true;
            return false;
        }
        if (n->name == target_id) {
            dst = n;
        }
    }
    if (dst != nullptr) {
        log_info(
            ">>> Case 3: Moving slot %d from %s:%d to %s:%d and closing it on all the other "
            "importing nodes.\n",
            slot, src->host.c_str(), src->port, dst->host.c_str(), dst->port);
        MoveOptions opts;
        opts.verbose = true;
        if (!move_slot(m, src, dst, slot, opts, nullptr)) {
            return false;
        }
        for (Node* n : st->importing) {
            if (n != dst && !clear_slot_status(m, n, slot)) {
                return false;
            }
        }
        return true;
    }
    log_info(">>> Case 3: Closing slot %d on both migrating and importing nodes.\n", slot);
    if (!clear_slot_status(m, src, slot)) {
        return false;
    }
    for (Node* n : st->importing) {
        if (!clear_slot_status(m, n, slot)) {
            return false;
        }
    }
    return true;
}

}  // namespace

void stop_if_masters_unreachable(Manager& m, const char* what) {
    if (m.unreachable_masters() > 0 && !m.opt().fix_with_unreachable_masters) {
        log_warn(
            "*** Fixing %s with %d unreachable masters is dangerous: slotcache-cli will "
            "assume that slots about masters that are not reachable are not covered, and "
            "will try to reassign them to the reachable nodes. This can cause data loss and "
            "is rarely what you want to do. If you really want to proceed use the "
            "--cluster-fix-with-unreachable-masters option.\n",
            what, m.unreachable_masters());
        std::fflush(stdout);
        std::exit(1);
    }
}

bool fix_open_slot(Manager& m, int slot) {
    stop_if_masters_unreachable(m, "open slots");
    log_info(">>> Fixing open slot %d\n", slot);
    OpenSlotState st;
    if (!survey_open_slot(m, slot, &st)) {
        return false;
    }
    if (st.owner == nullptr && !elect_owner(m, slot, &st)) {
        return false;
    }
    if (st.owners.size() > 1 && !demote_other_owners(m, slot, &st)) {
        return false;
    }
    if (st.migrating.size() == 1 && st.importing.size() == 1) {
        Node* src = st.migrating.front();
        Node* dst = st.importing.front();
        log_info(">>> Case 1: Moving slot %d from %s:%d to %s:%d\n", slot, src->host.c_str(),
                 src->port, dst->host.c_str(), dst->port);
        MoveOptions opts;
        opts.verbose = true;
        opts.update = true;
        return move_slot(m, src, dst, slot, opts, nullptr);
    }
    if (st.migrating.empty() && !st.importing.empty()) {
        return case_move_to_owner(m, slot, &st);
    }
    if (st.migrating.size() == 1 && st.importing.size() > 1) {
        bool unhandled = false;
        const bool ok = case_one_migrating(m, slot, &st, &unhandled);
        if (!unhandled) {
            return ok;
        }
    } else if (st.importing.empty() && st.migrating.size() == 1) {
        Node* n = st.migrating.front();
        bool empty = true;
        if (st.owner != n) {
            Reply r;
            if (!m.call_ok(n, {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "10"}, &r)) {
                return false;
            }
            empty = r.elements.empty();
        }
        if (empty) {
            log_info(">>> Case 4: Closing slot %d on %s:%d\n", slot, n->host.c_str(), n->port);
            return clear_slot_status(m, n, slot);
        }
    }
    log_err(
        "[ERR] Sorry, slotcache-cli can't fix this slot yet (work in progress). Slot is set "
        "as migrating in %s, as importing in %s, owner is %s:%d\n",
        addr_list(st.migrating).c_str(), addr_list(st.importing).c_str(), st.owner->host.c_str(),
        st.owner->port);
    return false;
}

}  // namespace slotcache::cli::cluster
