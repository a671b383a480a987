// slotcache-cli --cluster: redis-cli 7.0's cluster manager (create, check, info, fix, reshard,
// rebalance, add-node, del-node, call, set-timeout, import, backup, help) for slotcache and
// redis-server clusters alike. It is a client: everything it does goes through the commands
// every node serves (CLUSTER NODES/ADDSLOTS/SETSLOT/MEET/REPLICATE/FORGET, MIGRATE, ...).
//
// Approach: redis-cli's model, one subcommand per file around a shared Manager. The Manager
// loads the cluster from one node (its CLUSTER NODES gives the other nodes; each of them is
// asked for its own line, which is the authority on its slots and open slots), keeps one
// blocking Connection per node, and collects the check's errors. Output, exit codes and
// prompts are redis-cli's (scripts and operators read them); additions are listed in
// src/cli/cluster/README.md.
// Rejected: a libuv client (the steps are sequential; concurrency would buy nothing but
// ordering bugs); the ClusterClient of the consistency checker for the admin commands (it
// routes keys; the manager must address one node at a time, even one that is not the owner).
//
// Invariants: nodes_ are the reachable nodes of the last load, the one loaded from first;
// Node pointers stay valid until the next load. Every prompt has an end-of-input exit.
//
// Main thread; blocking I/O; writes to stdout/stderr.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/cluster/manager_options.h"
#include "cli/cluster/nodes_text.h"
#include "cli/connection.h"
#include "cli/options.h"
#include "cli/reply.h"

namespace slotcache::cli::cluster {

struct Node {
    std::string name;  // node ID ("" until loaded)
    std::string host;
    int port = 0;
    std::unique_ptr<Connection> conn;
    std::vector<std::string> flags;  // as CLUSTER NODES lists them
    bool replica = false;            // "slave" flag
    std::string replicate;           // master ID of a replica (or of a planned one, in create)
    SlotSet slots;
    int slots_count = 0;
    std::vector<OpenSlot> migrating;
    std::vector<OpenSlot> importing;
    long long config_epoch = 0;
    bool failing = false;  // fail / noaddr / disconnected in its peer's view
    bool dirty = false;    // create: slots or a master to flush
    int replicas_count = 0;
    float weight = 1.0f;
    int balance = 0;

    std::string addr() const { return host + ":" + std::to_string(port); }
    bool is_master() const { return !replica && replicate.empty(); }
};

class Manager {
public:
    explicit Manager(const CliOptions& cli);

    const ManagerOptions& opt() const { return cli_.manager; }
    const CliOptions& cli() const { return cli_; }

    // Connects and authenticates. On failure prints redis-cli's "Could not connect to Redis at
    // host:port: <why>" (or the AUTH error) and returns false.
    bool connect(Node* n);
    // Sends argv and reads the reply. False when no reply came (the connection is dropped).
    bool call(Node* n, const std::vector<std::string>& argv, Reply* r);
    // call() that also treats an error reply as a failure: *err gets its text when err is
    // given, otherwise "Node host:port replied with error:\n<text>" is printed.
    bool call_ok(Node* n, const std::vector<std::string>& argv, Reply* r,
                 std::string* err = nullptr);
    void print_reply_error(const Node& n, const std::string& err);

    // INFO's cluster_enabled (false with *err on an error reply).
    bool node_is_cluster(Node* n, std::string* err);
    // No key in db0 and no other known node (redis-cli's "empty").
    bool node_is_empty(Node* n, std::string* err);
    // Reads n's own line of its CLUSTER NODES (slots, flags, epoch); with friends, the other
    // lines are returned too.
    bool node_load_info(Node* n, std::vector<NodeLine>* friends, std::string* err);
    // Loads the whole cluster as seen from seed: nodes_ becomes seed then every reachable node
    // it knows. Prints redis-cli's errors and returns false when seed cannot be used.
    bool load_cluster(std::unique_ptr<Node> seed);
    // Prints "[ERR] Node host:port <msg>" for a node that is not a cluster node.
    void print_not_cluster_node(const Node& n, const std::string& err);
    void print_not_empty_node(const Node& n, const std::string& err);

    std::vector<std::unique_ptr<Node>>& nodes() { return nodes_; }
    void add_node(std::unique_ptr<Node> n) { nodes_.push_back(std::move(n)); }
    Node* node_by_name(const std::string& name);
    // A unique prefix of a node ID is enough.
    Node* node_by_abbreviated_name(const std::string& prefix);
    Node* master_with_least_replicas();
    Node* random_master();
    int unreachable_masters() const { return unreachable_masters_; }
    // The other nodes as the seed of the last load listed them, reachable or not.
    const std::vector<NodeLine>& seed_view() const { return seed_view_; }

    // "M: <id> host:port\n   slots:[...] (N slots) master\n   1 additional replica(s)".
    std::string node_info(const Node& n, int indent) const;
    void show_nodes() const;
    // `info`: one line per master (keys, slots, replicas) and the totals.
    void show_cluster_info();
    // Every node's config signature is the same.
    bool is_config_consistent();
    // How many of the nodes share the first node's signature (the create wait's progress).
    int nodes_agreeing();
    // The nodes some other node's link to is down or handshaking: "addr" -> the nodes that
    // cannot reach it.
    std::vector<std::pair<std::string, std::vector<std::string>>> unreachable_links();

    // check_cluster's error list: printed in red as added.
    void on_error(const std::string& err);
    const std::vector<std::string>& errors() const { return errors_; }

private:
    // A node the seed listed: connected and loaded from its own line; null when it is
    // unreachable or failing (redis-cli leaves those out of the check).
    std::unique_ptr<Node> load_friend(const NodeLine& line);

    const CliOptions& cli_;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::vector<std::string> errors_;
    std::vector<NodeLine> seed_view_;
    int unreachable_masters_ = 0;
};

// "host:port" (a "@busport" suffix is ignored) or the two words "host" "port": redis-cli's
// getClusterHostFromCmdArgs. False when no host or port can be read.
bool host_from_args(const std::vector<std::string>& args, size_t count, std::string* host,
                    int* port);

// The entry point: runs cli.manager.command and returns the exit status (0 when the subcommand
// succeeded, 1 otherwise, as redis-cli's clusterManagerMode).
int cluster_manager_main(const CliOptions& cli);

}  // namespace slotcache::cli::cluster
