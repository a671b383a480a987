// The cluster manager's shared state and entry point (see manager.h): connections, loading
// the cluster from one node, node lookups, and the subcommand table.
#include "cli/cluster/manager.h"

#include <cstdio>
#include <cstdlib>
#include <random>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "common/strutil.h"

namespace slotcache::cli::cluster {

namespace {

bool is_failing(const NodeLine& l) {
    return l.has_flag("noaddr") || l.has_flag("disconnected") || l.has_flag("fail");
}

// Copies a node's own CLUSTER NODES line into the manager's model.
void apply_own_line(Node* n, const NodeLine& l) {
    n->name = l.id;
    n->flags = l.flags;
    n->replica = l.has_flag("slave");
    if (n->replica && !l.master_id.empty()) {
        n->replicate = l.master_id;
    }
    n->slots = l.slots;
    n->slots_count = l.slot_count;
    n->migrating = l.migrating;
    n->importing = l.importing;
    n->config_epoch = l.config_epoch;
    n->failing = n->failing || is_failing(l);
    n->dirty = false;
}

}  // namespace

Manager::Manager(const CliOptions& cli) : cli_(cli) {}

bool Manager::connect(Node* n) {
    std::string err;
    n->conn = Connection::connect_tcp(n->host, n->port, &err);
    if (!n->conn) {
        std::fprintf(stderr, "Could not connect to Redis at %s:%d: %s\n", n->host.c_str(), n->port,
                     err.c_str());
        return false;
    }
    if (cli_.has_pass) {
        std::vector<std::string> auth = {"AUTH"};
        if (!cli_.user.empty()) {
            auth.push_back(cli_.user);
        }
        auth.push_back(cli_.pass);
        Reply r;
        if (!call_ok(n, auth, &r)) {
            n->conn.reset();
            return false;
        }
    }
    return true;
}

bool Manager::call(Node* n, const std::vector<std::string>& argv, Reply* r) {
    if (!n->conn) {
        return false;
    }
    if (!n->conn->call(argv, r)) {
        // redis-cli says nothing here and the command just stops; name the node and the cause.
        std::fprintf(stderr, "Node %s:%d: %s\n", n->host.c_str(), n->port,
                     n->conn->error().c_str());
        n->conn.reset();
        return false;
    }
    return true;
}

bool Manager::call_ok(Node* n, const std::vector<std::string>& argv, Reply* r, std::string* err) {
    if (!call(n, argv, r)) {
        return false;
    }
    if (r->is_error()) {
        if (err != nullptr) {
            *err = r->str;
        } else {
            print_reply_error(*n, r->str);
        }
        return false;
    }
    return true;
}

void Manager::print_reply_error(const Node& n, const std::string& err) {
    log_err("Node %s:%d replied with error:\n%s\n", n.host.c_str(), n.port, err.c_str());
}

bool Manager::node_is_cluster(Node* n, std::string* err) {
    Reply r;
    if (!call_ok(n, {"INFO"}, &r, err)) {
        return false;
    }
    return std::atoi(info_field(r.str, "cluster_enabled").c_str()) != 0;
}

bool Manager::node_is_empty(Node* n, std::string* err) {
    Reply r;
    if (!call_ok(n, {"INFO"}, &r, err)) {
        return false;
    }
    if (r.str.find("db0:") != std::string::npos) {
        return false;
    }
    if (!call_ok(n, {"CLUSTER", "INFO"}, &r, err)) {
        return false;
    }
    return std::atol(info_field(r.str, "cluster_known_nodes").c_str()) == 1;
}

bool Manager::node_load_info(Node* n, std::vector<NodeLine>* friends, std::string* err) {
    Reply r;
    if (!call_ok(n, {"CLUSTER", "NODES"}, &r, err)) {
        return false;
    }
    std::vector<NodeLine> lines;
    if (!parse_cluster_nodes(r.str, &lines, err)) {
        return false;
    }
    for (NodeLine& l : lines) {
        if (l.has_flag("myself")) {
            apply_own_line(n, l);
        } else if (friends != nullptr) {
            friends->push_back(std::move(l));
        }
    }
    return true;
}

void Manager::print_not_cluster_node(const Node& n, const std::string& err) {
    const std::string msg = err.empty() ? "is not configured as a cluster node." : err;
    log_err("[ERR] Node %s:%d %s\n", n.host.c_str(), n.port, msg.c_str());
}

void Manager::print_not_empty_node(const Node& n, const std::string& err) {
    const std::string msg = err.empty()
                                ? "is not empty. Either the node already knows other nodes (check "
                                  "with CLUSTER NODES) or contains some key in database 0."
                                : err;
    log_err("[ERR] Node %s:%d %s\n", n.host.c_str(), n.port, msg.c_str());
}

std::unique_ptr<Node> Manager::load_friend(const NodeLine& f) {
    auto n = std::make_unique<Node>();
    n->host = f.host;
    n->port = f.port;
    n->replica = f.has_flag("slave");
    n->failing = is_failing(f);
    if (n->host.empty() || n->port == 0 || !connect(n.get())) {
        return nullptr;
    }
    std::string err;
    if (!node_load_info(n.get(), nullptr, &err)) {
        log_err("[ERR] Unable to load info for node %s:%d\n", n->host.c_str(), n->port);
        return nullptr;
    }
    return n->failing ? nullptr : std::move(n);
}

bool Manager::load_cluster(std::unique_ptr<Node> seed) {
    if (!seed->conn && !connect(seed.get())) {
        return false;
    }
    std::string err;
    if (!node_is_cluster(seed.get(), &err)) {
        print_not_cluster_node(*seed, err);
        return false;
    }
    std::vector<NodeLine> friends;
    err.clear();
    if (!node_load_info(seed.get(), &friends, &err)) {
        if (!err.empty()) {
            print_reply_error(*seed, err);
        }
        return false;
    }
    nodes_.clear();
    nodes_.push_back(std::move(seed));
    seed_view_ = friends;
    unreachable_masters_ = 0;
    for (const NodeLine& f : friends) {
        std::unique_ptr<Node> n = load_friend(f);
        if (n) {
            nodes_.push_back(std::move(n));
        } else if (!f.has_flag("slave")) {
            unreachable_masters_++;
        }
    }
    for (auto& n : nodes_) {
        if (n->replicate.empty()) {
            continue;
        }
        Node* master = node_by_name(n->replicate);
        if (master == nullptr) {
            log_warn("*** WARNING: %s:%d claims to be slave of unknown node ID %s.\n",
                     n->host.c_str(), n->port, n->replicate.c_str());
        } else {
            master->replicas_count++;
        }
    }
    return true;
}

Node* Manager::node_by_name(const std::string& name) {
    const std::string lc = to_lower(name);
    for (auto& n : nodes_) {
        if (!n->name.empty() && n->name == lc) {
            return n.get();
        }
    }
    return nullptr;
}

Node* Manager::node_by_abbreviated_name(const std::string& prefix) {
    const std::string lc = to_lower(prefix);
    for (auto& n : nodes_) {
        if (!n->name.empty() && n->name.rfind(lc, 0) == 0) {
            return n.get();
        }
    }
    return nullptr;
}

Node* Manager::master_with_least_replicas() {
    Node* best = nullptr;
    for (auto& n : nodes_) {
        if (n->replica) {
            continue;
        }
        if (best == nullptr || n->replicas_count < best->replicas_count) {
            best = n.get();
        }
    }
    return best;
}

Node* Manager::random_master() {
    std::vector<Node*> masters;
    for (auto& n : nodes_) {
        if (!n->replica) {
            masters.push_back(n.get());
        }
    }
    if (masters.empty()) {
        return nullptr;
    }
    static std::mt19937 rng(std::random_device{}());
    return masters[rng() % masters.size()];
}

void Manager::on_error(const std::string& err) {
    errors_.push_back(err);
    log_err("%s\n", err.c_str());
}

bool host_from_args(const std::vector<std::string>& args, size_t count, std::string* host,
                    int* port) {
    if (count == 0 || args.size() < count) {
        return false;
    }
    if (count == 1) {
        std::string addr = args[0];
        if (const size_t at = addr.rfind('@'); at != std::string::npos) {
            addr.resize(at);
        }
        const size_t colon = addr.rfind(':');
        if (colon == std::string::npos) {
            return false;
        }
        *host = addr.substr(0, colon);
        *port = std::atoi(addr.c_str() + colon + 1);
    } else {
        *host = args[0];
        *port = std::atoi(args[1].c_str());
    }
    return *port != 0;
}

namespace {

struct CommandDef {
    const char* name;
    bool (*proc)(Manager&, const Args&);
    int arity;  // > 0: exactly; < 0: at least -arity arguments
    const char* args;
    const char* options;  // comma-separated, each printed as --cluster-<option>
};

bool cmd_help(Manager&, const Args&);

const CommandDef kCommands[] = {
    {"create", cmd_create, -2, "host1:port1 ... hostN:portN", "replicas <arg>"},
    {"check", cmd_check, -1, "<host:port> or <host> <port> - separated by either colon or space",
     "search-multiple-owners"},
    {"info", cmd_info, -1, "<host:port> or <host> <port> - separated by either colon or space",
     nullptr},
    {"fix", cmd_fix, -1, "<host:port> or <host> <port> - separated by either colon or space",
     "search-multiple-owners,fix-with-unreachable-masters"},
    {"reshard", cmd_reshard, -1,
     "<host:port> or <host> <port> - separated by either colon or space",
     "from <arg>,to <arg>,slots <arg>,yes,timeout <arg>,pipeline <arg>,replace"},
    {"rebalance", cmd_rebalance, -1,
     "<host:port> or <host> <port> - separated by either colon or space",
     "weight <node1=w1...nodeN=wN>,use-empty-masters,timeout <arg>,simulate,pipeline <arg>,"
     "threshold <arg>,replace"},
    {"add-node", cmd_add_node, 2, "new_host:new_port existing_host:existing_port",
     "slave,master-id <arg>"},
    {"del-node", cmd_del_node, 2, "host:port node_id", nullptr},
    {"call", cmd_call, -2, "host:port command arg arg .. arg", "only-masters,only-replicas"},
    {"set-timeout", cmd_set_timeout, 2, "host:port milliseconds", nullptr},
    {"import", cmd_import, 1, "host:port",
     "from <arg>,from-user <arg>,from-pass <arg>,from-askpass,copy,replace"},
    {"backup", cmd_backup, 2, "host:port backup_directory", nullptr},
    {"help", cmd_help, 0, nullptr, nullptr},
};

constexpr int kHelpPadding = 15;

bool cmd_help(Manager&, const Args&) {
    std::fprintf(stderr, "Cluster Manager Commands:\n");
    for (const CommandDef& d : kCommands) {
        std::fprintf(stderr, "  %-*s%s\n", kHelpPadding, d.name, d.args != nullptr ? d.args : "");
        if (d.options == nullptr) {
            continue;
        }
        std::string opts = d.options;
        size_t start = 0;
        while (start < opts.size()) {
            size_t comma = opts.find(',', start);
            if (comma == std::string::npos) {
                comma = opts.size();
            }
            std::fprintf(stderr, "%*s  --cluster-%s\n", kHelpPadding, "",
                         opts.substr(start, comma - start).c_str());
            start = comma + 1;
        }
    }
    std::fprintf(stderr,
                 "\nFor check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, "
                 "backup you can specify the host and port of any working node in the cluster.\n"
                 "\nCluster Manager Options:\n"
                 "  %-*sAutomatic yes to cluster commands prompts\n"
                 "\nslotcache-cli also accepts --cluster-replica for --cluster-slave, and a "
                 "percentage of the 16384 slots for --cluster-slots (e.g. 5%%).\n\n",
                 kHelpPadding, "--cluster-yes");
    return false;  // redis-cli exits 1 after the help
}

}  // namespace

int cluster_manager_main(const CliOptions& cli) {
    const ManagerOptions& mo = cli.manager;
    const CommandDef* def = nullptr;
    for (const CommandDef& d : kCommands) {
        if (mo.command == d.name) {
            def = &d;
        }
    }
    if (def == nullptr) {
        std::fprintf(stderr, "Unknown --cluster subcommand\n");
        return 1;
    }
    const int argc = static_cast<int>(mo.args.size());
    if ((def->arity > 0 && argc != def->arity) || (def->arity < 0 && argc < -def->arity)) {
        std::fprintf(stderr,
                     "[ERR] Wrong number of arguments for specified --cluster sub command\n");
        return 1;
    }
    Manager m(cli);
    const bool ok = def->proc(m, mo.args);
    std::fflush(stdout);
    return ok ? 0 : 1;
}

}  // namespace slotcache::cli::cluster
