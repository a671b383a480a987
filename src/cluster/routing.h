// Which node serves a command: Redis' getNodeByQuery as a pure function.
//
// Outcomes, in the order they are decided (each maps to one error reply):
//   1. a key's slot is not assigned                      -> CLUSTERDOWN Hash slot not served
//   2. keys of different slots                            -> CROSSSLOT Keys in request don't hash ...
//   3. the command has no keys                            -> served here
//   4. the cluster is fail: unless reads are allowed when down -> CLUSTERDOWN The cluster is down;
//      a write when they are                              -> CLUSTERDOWN ... only accepts read commands
//      (sharded pub/sub: CLUSTERDOWN The cluster is down unless
//      cluster-allow-pubsubshard-when-down, whatever the reads setting)
//   5. MIGRATE in a slot migrating or importing here       -> served here (it moves keys
//      between the two nodes whatever the owner)
//   6. slot migrating here, some keys missing: all missing -> ASK slot target; some -> TRYAGAIN
//   7. slot importing here, client sent ASKING (or the command is ASKING-flagged): served here,
//      unless several keys and some missing                -> TRYAGAIN
//   6-7 do not apply to sharded pub/sub (channels are not keys of the keyspace)
//   8. a READONLY client reading, or sharded pub/sub, on a replica of the slot's master
//                                                         -> served here
//   9. the slot's owner is another node                  -> MOVED slot owner
//  10. otherwise                                           -> served here
//
// Loop thread only (reads ClusterState).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/state.h"

namespace slotcache::cluster {

enum class Route : uint8_t {
    Here,
    Moved,
    Ask,
    CrossSlot,
    TryAgain,
    DownUnbound,
    DownState,
    DownReadOnlyState,
};

struct RouteQuery {
    const std::vector<std::string_view>* args;
    const std::vector<int>* key_indexes;
    bool is_write;               // CMD_WRITE
    bool asking_flag_command;    // CMD_ASKING (RESTORE-ASKING)
    bool migrate_command = false;  // MIGRATE
    bool client_asking;          // the client sent ASKING just before
    bool client_readonly;        // READONLY
    bool allow_reads_when_down;  // cluster-allow-reads-when-down
    // SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH (the keys are shard channels), and
    // cluster-allow-pubsubshard-when-down.
    bool pubsubshard = false;
    bool allow_pubsubshard_when_down = true;
    // Whether key exists here (only asked for slots migrating or importing).
    std::function<bool(std::string_view key, int slot)> key_exists;
};

struct RouteResult {
    Route route = Route::Here;
    int slot = -1;
    Node* node = nullptr;  // Moved / Ask target
};

RouteResult route_command(const ClusterState& state, const RouteQuery& q);

// The reply text for a redirect or refusal (without '-' and CRLF); `address` is the target's
// "ip:port" for Moved/Ask.
std::string route_error(const RouteResult& r, const std::string& address);

}  // namespace slotcache::cluster
