// Slot moves and single-slot commands (see migrate.h).
#include "cli/cluster/migrate.h"

#include <cstdio>

#include "cli/cluster/log.h"

namespace slotcache::cli::cluster {

namespace {

constexpr int kMaxSameBatch = 3;

// "unknown command" from a server: the step it belongs to is done another way.
bool is_unknown_command(const Reply& r) {
    return r.is_error() && r.str.find("unknown command") != std::string::npos;
}

std::vector<std::string> migrate_argv(const Manager& m, const Node& target,
                                      const std::vector<Reply>& keys, bool replace) {
    std::vector<std::string> argv = {"MIGRATE", target.host, std::to_string(target.port),
                                     "",        "0",         std::to_string(m.opt().timeout_ms)};
    if (replace) {
        argv.emplace_back("REPLACE");
    }
    const CliOptions& c = m.cli();
    if (c.has_pass) {
        if (!c.user.empty()) {
            argv.insert(argv.end(), {"AUTH2", c.user, c.pass});
        } else {
            argv.insert(argv.end(), {"AUTH", c.pass});
        }
    }
    argv.emplace_back("KEYS");
    for (const Reply& k : keys) {
        argv.push_back(k.str);
    }
    return argv;
}

// Values of keys on both nodes, by DEBUG DIGEST-VALUE; by DUMP when a node lacks it (equal
// logical values from the same server software give equal payloads; different software may
// not, and then the keys count as different, the safe answer). Keys missing on either side
// are skipped. False when neither way worked.
bool compare_values(Manager& m, Node* a, Node* b, const std::vector<Reply>& keys,
                    std::vector<std::string>* diffs) {
    std::vector<std::string> argv = {"DEBUG", "DIGEST-VALUE"};
    for (const Reply& k : keys) {
        argv.push_back(k.str);
    }
    Reply ra;
    Reply rb;
    if (m.call(a, argv, &ra) && m.call(b, argv, &rb) && !ra.is_error() && !rb.is_error() &&
        ra.elements.size() == keys.size() && rb.elements.size() == keys.size()) {
        static const std::string zero(40, '0');
        for (size_t i = 0; i < keys.size(); i++) {
            const std::string& ha = ra.elements[i].str;
            const std::string& hb = rb.elements[i].str;
            if (ha != zero && hb != zero && ha != hb) {
                diffs->push_back(keys[i].str);
            }
        }
        return true;
    }
    for (const Reply& k : keys) {
        if (!m.call(a, {"DUMP", k.str}, &ra) || !m.call(b, {"DUMP", k.str}, &rb) || ra.is_error() ||
            rb.is_error()) {
            return false;
        }
        if (ra.type == ReplyType::String && rb.type == ReplyType::String && ra.str != rb.str) {
            diffs->push_back(k.str);
        }
    }
    return true;
}

enum class Retry : uint8_t {
    Done,      // the retry moved the keys
    Failed,    // no retry, or the retry failed: *reply holds the error to print
    Reported,  // not retried, and why is printed already (keys that differ)
};

// A MIGRATE that failed with BUSYKEY, or because the slot is served by nobody: decides whether
// to try again with REPLACE (or after assigning the slot, for fix) and does.
Retry retry_migrate(Manager& m, Node* source, Node* target, int slot,
                    const std::vector<Reply>& keys, bool fixing, Reply* reply) {
    const bool busy = reply->str.find("BUSYKEY") != std::string::npos;
    bool not_served = false;
    if (!busy) {
        std::string err;
        if (slot_owner(m, source, slot, &err) == nullptr) {
            if (err.empty()) {
                not_served = true;
            } else {
                m.print_reply_error(*source, err);
            }
        }
    }
    if (!busy && !not_served) {
        return Retry::Failed;
    }
    if (fixing && not_served) {
        log_warn("*** Slot was not served, setting owner to node %s:%d.\n", target->host.c_str(),
                 target->port);
        set_slot(m, source, *target, slot, "node", nullptr);
    }
    if (busy) {
        log_warn("\n*** Target key exists\n");
        if (!m.opt().replace) {
            log_warn("*** Checking key values on both nodes...\n");
            std::vector<std::string> diffs;
            if (!compare_values(m, source, target, keys, &diffs)) {
                log_err("*** Value check failed!\n");
                return Retry::Reported;
            }
            if (!diffs.empty()) {
                log_err(
                    "*** Found %zu key(s) in both source node and target node having "
                    "different values.\n    Source node: %s:%d\n    Target node: %s:%d\n"
                    "    Keys(s):\n",
                    diffs.size(), source->host.c_str(), source->port, target->host.c_str(),
                    target->port);
                for (const std::string& k : diffs) {
                    log_err("    - %s\n", k.c_str());
                }
                log_err(
                    "Please fix the above key(s) manually and try again or relaunch the "
                    "command \nwith --cluster-replace option to force key overriding.\n");
                return Retry::Reported;
            }
        }
        log_warn("*** Replacing target keys...\n");
    }
    if (!m.call(source, migrate_argv(m, *target, keys, busy), reply)) {
        reply->type = ReplyType::Nil;
        return Retry::Failed;
    }
    return reply->is_error() ? Retry::Failed : Retry::Done;
}

// MIGRATE answering OK (or NOKEY) while GETKEYSINSLOT keeps listing the same keys would loop
// forever; a few identical rounds mean the keys are not moving.
class StuckKeys {
public:
    bool stuck(const std::vector<Reply>& keys) {
        std::vector<std::string> batch;
        for (const Reply& k : keys) {
            batch.push_back(k.str);
        }
        same_ = batch == last_ ? same_ + 1 : 0;
        last_ = std::move(batch);
        return same_ >= kMaxSameBatch;
    }

private:
    std::vector<std::string> last_;
    int same_ = 0;
};

// A failed MIGRATE that was not retried or whose retry failed: on its own line, as redis-cli.
void report_migrate_error(Manager& m, Node* source, const MoveOptions& opts, const Reply& r,
                          std::string* err) {
    if (err != nullptr) {
        *err = r.str;
    }
    if (opts.progress != nullptr) {
        opts.progress->clear();
    } else {
        std::printf("\n");
    }
    m.print_reply_error(*source, r.str);
}

void count_moved(const MoveOptions& opts, size_t moved) {
    if (opts.progress != nullptr) {
        opts.progress->add(0, static_cast<long long>(moved));
        opts.progress->draw();
    } else if (opts.verbose) {
        std::printf("%s", std::string(moved, '.').c_str());
        std::fflush(stdout);
    }
}

// Step 3 of a move: every key of the slot, pipeline keys per MIGRATE.
bool migrate_keys_in_slot(Manager& m, Node* source, Node* target, int slot, const MoveOptions& opts,
                          bool fixing, std::string* err) {
    const int pipeline = m.opt().pipeline > 0 ? m.opt().pipeline : kDefaultPipeline;
    StuckKeys guard;
    for (;;) {
        Reply keys;
        if (!m.call(source,
                    {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), std::to_string(pipeline)},
                    &keys)) {
            return false;
        }
        if (keys.is_error()) {
            if (err != nullptr) {
                *err = keys.str;
                m.print_reply_error(*source, keys.str);
            }
            return false;
        }
        if (keys.elements.empty()) {
            return true;
        }
        if (guard.stuck(keys.elements)) {
            if (err != nullptr) {
                *err =
                    "the keys of slot " + std::to_string(slot) + " do not leave " + source->addr();
            }
            std::printf("\n");
            log_err("*** MIGRATE succeeds but the keys of slot %d stay on %s:%d\n", slot,
                    source->host.c_str(), source->port);
            return false;
        }
        Reply r;
        if (!m.call(source, migrate_argv(m, *target, keys.elements, false), &r)) {
            return false;
        }
        if (r.is_error()) {
            const Retry retry = retry_migrate(m, source, target, slot, keys.elements, fixing, &r);
            if (retry != Retry::Done) {
                if (retry == Retry::Failed && r.is_error()) {
                    report_migrate_error(m, source, opts, r, err);
                }
                return false;
            }
        }
        count_moved(opts, keys.elements.size());
    }
}

// Step 4: the target first, then the source, then every other master. A node that has just
// turned replica answers "Please use SETSLOT only with masters": the source does so when it
// gave away its last slot and heard it from the target first (it then follows the target, as
// Redis 7 masters left without slots do). That is the move succeeding, not failing.
bool assign_to_target(Manager& m, Node* source, Node* target, int slot, std::string* err) {
    std::vector<Node*> order = {target, source};
    for (auto& n : m.nodes()) {
        if (n.get() != target && n.get() != source && !n->replica) {
            order.push_back(n.get());
        }
    }
    for (Node* n : order) {
        Reply r;
        if (!m.call(n, {"CLUSTER", "SETSLOT", std::to_string(slot), "node", target->name}, &r)) {
            if (err != nullptr) {
                *err = "CLUSTER SETSLOT failed to run";
            }
            return false;
        }
        if (!r.is_error()) {
            continue;
        }
        if (n != target && r.str.rfind("ERR Please use SETSLOT only with masters", 0) == 0) {
            continue;
        }
        if (err != nullptr) {
            *err = r.str;
            m.print_reply_error(*n, r.str);
        }
        return false;
    }
    return true;
}

}  // namespace

bool set_slot(Manager& m, Node* node, const Node& other, int slot, const char* state,
              std::string* err) {
    Reply r;
    if (!m.call(node, {"CLUSTER", "SETSLOT", std::to_string(slot), state, other.name}, &r)) {
        return false;
    }
    if (r.is_error()) {
        if (err != nullptr) {
            *err = r.str;
        } else {
            m.print_reply_error(*node, r.str);
        }
        return false;
    }
    return true;
}

bool clear_slot_status(Manager& m, Node* node, int slot) {
    Reply r;
    return m.call_ok(node, {"CLUSTER", "SETSLOT", std::to_string(slot), "STABLE"}, &r);
}

bool del_slot(Manager& m, Node* node, int slot, bool ignore_unassigned) {
    Reply r;
    std::string err;
    bool ok = m.call_ok(node, {"CLUSTER", "DELSLOTS", std::to_string(slot)}, &r, &err);
    if (!ok && r.is_error() && ignore_unassigned) {
        std::string owner_err;
        if (slot_owner(m, node, slot, &owner_err) == nullptr) {
            if (owner_err.empty()) {
                ok = true;
            } else {
                m.print_reply_error(*node, owner_err);
            }
        }
    }
    if (!ok && !err.empty()) {
        m.print_reply_error(*node, err);
    }
    return ok;
}

bool bump_epoch(Manager& m, Node* node) {
    Reply r;
    return m.call_ok(node, {"CLUSTER", "BUMPEPOCH"}, &r);
}

long long count_keys_in_slot(Manager& m, Node* node, int slot) {
    Reply r;
    if (!m.call_ok(node, {"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}, &r) ||
        r.type != ReplyType::Integer) {
        return -1;
    }
    return r.integer;
}

Node* node_with_most_keys(Manager& m, const std::vector<Node*>& nodes, int slot) {
    Node* best = nullptr;
    long long most = 0;
    for (Node* n : nodes) {
        if (!n->is_master()) {
            continue;
        }
        const long long keys = count_keys_in_slot(m, n, slot);
        if (keys < 0) {
            return nullptr;
        }
        if (best == nullptr || keys > most) {
            best = n;
            most = keys;
        }
    }
    return best;
}

Node* slot_owner(Manager& m, Node* asked, int slot, std::string* err) {
    err->clear();
    Reply r;
    if (!m.call_ok(asked, {"CLUSTER", "SLOTS"}, &r, err)) {
        if (err->empty()) {
            *err = "no reply to CLUSTER SLOTS";
        }
        return nullptr;
    }
    for (const Reply& range : r.elements) {
        if (range.elements.size() < 3 || slot < range.elements[0].integer ||
            slot > range.elements[1].integer) {
            continue;
        }
        const Reply& master = range.elements[2];
        if (master.elements.size() >= 3) {
            if (Node* n = m.node_by_name(master.elements[2].str)) {
                return n;
            }
        }
        if (master.elements.size() >= 2) {
            for (auto& n : m.nodes()) {
                if (n->host == master.elements[0].str && n->port == master.elements[1].integer) {
                    return n.get();
                }
            }
        }
    }
    return nullptr;
}

bool set_slot_owner(Manager& m, Node* owner, int slot, bool clear_status) {
    const std::string s = std::to_string(slot);
    Reply r;
    if (!m.call(owner, {"MULTI"}, &r)) {
        return false;
    }
    const bool transaction = !r.is_error();
    if (!transaction && !is_unknown_command(r)) {
        m.print_reply_error(*owner, r.str);
        return false;
    }
    // Inside MULTI every reply is QUEUED; outside, only ADDSLOTS may fail the step (the
    // DELSLOTS of a slot nobody has, a STABLE or BUMPEPOCH refusal change nothing).
    Reply add;
    if (!m.call(owner, {"CLUSTER", "DELSLOTS", s}, &r) ||
        !m.call(owner, {"CLUSTER", "ADDSLOTS", s}, &add) ||
        (clear_status && !m.call(owner, {"CLUSTER", "SETSLOT", s, "STABLE"}, &r)) ||
        !m.call(owner, {"CLUSTER", "BUMPEPOCH"}, &r)) {
        return false;
    }
    if (!transaction) {
        if (add.is_error()) {
            m.print_reply_error(*owner, add.str);
            return false;
        }
        return true;
    }
    if (!m.call_ok(owner, {"EXEC"}, &r) || r.type != ReplyType::Array) {
        return false;
    }
    if (r.elements.size() > 1 && r.elements[1].is_error()) {
        m.print_reply_error(*owner, r.elements[1].str);
        return false;
    }
    return true;
}

bool move_slot(Manager& m, Node* source, Node* target, int slot, const MoveOptions& opts,
               std::string* err) {
    if (!opts.quiet && opts.progress == nullptr) {
        std::printf("Moving slot %d from %s:%d to %s:%d: ", slot, source->host.c_str(),
                    source->port, target->host.c_str(), target->port);
        std::fflush(stdout);
    }
    if (err != nullptr) {
        err->clear();
    }
    if (!opts.cold && (!set_slot(m, target, *source, slot, "importing", err) ||
                       !set_slot(m, source, *target, slot, "migrating", err))) {
        return false;
    }
    const bool fixing = m.opt().command == "fix";
    const bool ok = migrate_keys_in_slot(m, source, target, slot, opts, fixing, err);
    if (!opts.quiet && opts.progress == nullptr) {
        std::printf("\n");
    }
    if (!ok) {
        return false;
    }
    if (!opts.cold && !assign_to_target(m, source, target, slot, err)) {
        return false;
    }
    if (opts.update) {
        const auto bit = static_cast<size_t>(slot);
        source->slots_count -= source->slots.test(bit) ? 1 : 0;
        target->slots_count += target->slots.test(bit) ? 0 : 1;
        source->slots.reset(bit);
        target->slots.set(bit);
    }
    if (opts.progress != nullptr) {
        opts.progress->add(1, 0);
        opts.progress->draw();
    }
    return true;
}

}  // namespace slotcache::cli::cluster
