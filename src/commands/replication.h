// The replication command family: REPLICAOF, SLAVEOF, REPLCONF, PSYNC, SYNC, ROLE, WAIT, and
// CLUSTER REPLICATE / REPLICAS / SLAVES (added to the CLUSTER container registered by
// cluster.cpp, so registry.cpp must call this after register_cluster_commands).
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace slotcache::cluster {
class ClusterState;
}

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

void register_replication_commands(server::CommandTable& t);

// CLUSTER REPLICATE <id>'s refusals, in Redis 7.0's order (cluster.c):
//   - unknown id                            -> "ERR Unknown node <id>"
//   - id is myself                          -> "ERR Can't replicate myself"
//   - id is a replica                       -> "ERR I can only replicate a master, not a replica."
//   - myself is a master with slots or keys -> "ERR To set a master the node must be empty and
//                                              without assigned slots."
// Returns "" when myself may become a replica of id (a replica may switch masters freely).
std::string check_cluster_replicate(const cluster::ClusterState& st, std::string_view id,
                                    size_t db0_keys);

}  // namespace slotcache::commands
