// The options of `slotcache-cli --cluster <subcommand> [args...] [--cluster-* options]`, as
// redis-cli 7.0 names them (clusterManagerCommand in redis-cli.c), plus this tool's additions:
// `--cluster-replica` (an alias of `--cluster-slave`) and `--cluster-slots N%` (a percentage of
// the 16384 slots). Parsed with the rest of the command line in options.cpp; the manager
// (manager.h) only reads them.
//
// Pure data, any thread.
#pragma once

#include <string>
#include <vector>

namespace slotcache::cli::cluster {

// redis-cli's CLUSTER_MANAGER_MIGRATE_TIMEOUT, CLUSTER_MANAGER_MIGRATE_PIPELINE and
// CLUSTER_MANAGER_REBALANCE_THRESHOLD.
inline constexpr int kDefaultMigrateTimeoutMs = 60000;
inline constexpr int kDefaultPipeline = 10;
inline constexpr double kDefaultThreshold = 2.0;

struct ManagerOptions {
    std::string command;               // "create", "check", ... (empty: not in --cluster mode)
    std::vector<std::string> args;     // the words after the subcommand, up to the first "-..."
    int replicas = 0;                  // --cluster-replicas
    std::string master_id;             // --cluster-master-id
    std::string from;                  // --cluster-from (node IDs, "all", or host:port for import)
    std::string to;                    // --cluster-to
    std::string from_user;             // --cluster-from-user (import source)
    std::string from_pass;             // --cluster-from-pass
    bool from_askpass = false;         // --cluster-from-askpass: from_pass read from the terminal
    std::string slots;                 // --cluster-slots as given: "100" or "5%" ("" = ask)
    std::vector<std::string> weights;  // --cluster-weight name=w ...
    int timeout_ms = kDefaultMigrateTimeoutMs;  // --cluster-timeout: MIGRATE's timeout
    int pipeline = kDefaultPipeline;            // --cluster-pipeline: keys per MIGRATE
    double threshold = kDefaultThreshold;       // --cluster-threshold (percent)
    bool yes = false;                           // --cluster-yes, REDISCLI_CLUSTER_YES=1
    bool replica = false;                       // --cluster-slave / --cluster-replica
    bool simulate = false;                      // --cluster-simulate
    bool replace = false;                       // --cluster-replace
    bool copy = false;                          // --cluster-copy
    bool use_empty_masters = false;             // --cluster-use-empty-masters
    bool search_multiple_owners = false;        // --cluster-search-multiple-owners
    bool fix_with_unreachable_masters = false;  // --cluster-fix-with-unreachable-masters
    bool only_masters = false;                  // --cluster-only-masters
    bool only_replicas = false;                 // --cluster-only-replicas
};

}  // namespace slotcache::cli::cluster
