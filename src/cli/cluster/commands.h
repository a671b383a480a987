// The cluster manager's subcommands, one function each (redis-cli's clusterManagerCommand*),
// and the check that several of them run first. Each returns true on success; the caller
// turns that into the exit status. args are the words after the subcommand name.
//
// Main thread; blocking I/O; prints as redis-cli does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/cluster/manager.h"

namespace slotcache::cli::cluster {

using Args = std::vector<std::string>;

bool cmd_create(Manager& m, const Args& args);       // create.cpp
bool cmd_check(Manager& m, const Args& args);        // check.cpp
bool cmd_info(Manager& m, const Args& args);         // check.cpp
bool cmd_fix(Manager& m, const Args& args);          // check.cpp
bool cmd_reshard(Manager& m, const Args& args);      // reshard.cpp
bool cmd_rebalance(Manager& m, const Args& args);    // rebalance.cpp
bool cmd_add_node(Manager& m, const Args& args);     // add_node.cpp
bool cmd_del_node(Manager& m, const Args& args);     // admin.cpp
bool cmd_call(Manager& m, const Args& args);         // admin.cpp
bool cmd_set_timeout(Manager& m, const Args& args);  // admin.cpp
bool cmd_import(Manager& m, const Args& args);       // import.cpp
bool cmd_backup(Manager& m, const Args& args);       // backup.cpp

// redis-cli's clusterManagerCheckCluster: agreement about the slots, open slots, coverage and
// (with --cluster-search-multiple-owners) slots with several owners; with fix, repairs what it
// finds (fix.cpp). quiet leaves out the node list. True when nothing was wrong or all was fixed.
bool check_cluster(Manager& m, bool quiet, bool fix);

// The seed node of a subcommand from its first count arguments ("host:port" or "host" "port");
// prints the usage error and returns null when they cannot be read.
std::unique_ptr<Node> seed_from_args(const Args& args, size_t count);

// create.cpp: waits until every node shows the same slots ("Waiting for the cluster to join",
// a dot per second, or a progress line on a terminal). False after 300 s.
bool wait_for_cluster_join(Manager& m);

// fix.cpp: the repairs check_cluster runs for `fix`. With masters unreachable and no
// --cluster-fix-with-unreachable-masters, a repair exits the process with status 1 (redis-cli
// does the same: repairing from a partial view could give away slots that still have owners).
void stop_if_masters_unreachable(Manager& m, const char* what);
bool fix_open_slot(Manager& m, int slot);
// Returns how many slots were covered, or -1 on an error.
int fix_slots_coverage(Manager& m, const SlotSet& covered);
bool fix_multiple_owners(Manager& m, int slot, const std::vector<Node*>& owners);

// The usage message of a host argument that cannot be read.
inline constexpr const char* kInvalidHostArg =
    "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or "
    "space separated IP and port (ie. 120.0.0.1 7000)\n";

}  // namespace slotcache::cli::cluster
