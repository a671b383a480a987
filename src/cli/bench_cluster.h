// slotcache-benchmark --cluster: redis-benchmark 7's cluster mode, the parts that are not the
// load loop. The masters and their slots come from the seed's CLUSTER NODES (in the order the
// server lists them, as redis-benchmark prints them); each client is bound to one master and
// puts a three-character {hash tag} of a slot that master serves into its keys
// ("key:{tag}:__rand_int__" -> "key:{a0X}:__rand_int__"), so that every request lands on the
// node it was sent to without any routing in the hot path.
//
// Approach: the tag of each slot is found once by search (the first string of three characters
// from [0-9A-Za-z] whose CRC16 maps to the slot), so a tag always has the length of the "tag"
// placeholder and the encoded request keeps its byte length. redis-benchmark ships a table
// generated the same way; ours is computed (its strings differ, the keys' shape does not).
// A client uses its master's first slot, as redis-benchmark does: one hot slot per master.
// After a MOVED or ASK the slots are re-read with CLUSTER SLOTS and the clients re-tagged.
//
// Rejected: routing each request by key (a cluster client in the load loop measures the
// client); random keys over all slots with per-request routing (same).
//
// Pure functions except fetch_bench_masters / reload_bench_slots (blocking Connection calls).
// Main thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/reply.h"

namespace slotcache::cli {

inline constexpr size_t kSlotTagLen = 3;

// The three-character hash tag whose slot is `slot` (0..16383); no '{' or '}' in it.
const std::string& slot_tag(int slot);

struct BenchMaster {
    std::string id;
    std::string host;
    int port = 0;
    std::vector<int> slots;  // ascending
    std::string save;        // CONFIG GET save / appendonly, for the report ("" if unknown)
    std::string appendonly;
    bool has_config = false;

    std::string addr() const { return host + ":" + std::to_string(port); }
};

// The masters that serve at least one slot, from a CLUSTER NODES text, in its order. A node
// without an address (the seed's own line on a node that does not know its ip yet) gets
// seed_host. False with *err on a malformed text or when no master serves a slot.
bool parse_bench_masters(std::string_view cluster_nodes, const std::string& seed_host,
                         std::vector<BenchMaster>* out, std::string* err);

// Replaces each master's slots with those a CLUSTER SLOTS reply gives it (matched by host and
// port; an empty ip is seed_host). Masters the reply does not name keep no slots; nodes the
// reply names that are not in *masters are ignored (clients are not moved to new nodes).
// False with *err when the reply is not a CLUSTER SLOTS reply.
bool apply_cluster_slots(const Reply& r, const std::string& seed_host,
                         std::vector<BenchMaster>* masters, std::string* err);

// "Cluster has N master nodes:\n\nMaster 0: <id> <host:port>\n...\n\n"
std::string cluster_banner(const std::vector<BenchMaster>& masters);

struct BenchConnectOptions {
    std::string user;
    std::string pass;
    bool has_pass = false;
};

// CLUSTER NODES from host:port and parse_bench_masters. False with *err (the text printed).
bool fetch_bench_masters(const std::string& host, int port, const BenchConnectOptions& auth,
                         std::vector<BenchMaster>* out, std::string* err);
// CONFIG GET save / appendonly on every master, for the non-quiet report.
void fetch_bench_configs(const BenchConnectOptions& auth, std::vector<BenchMaster>* masters);
// CLUSTER SLOTS from `from` (one of *masters) and apply_cluster_slots. False with *err.
bool reload_bench_slots(const BenchMaster& from, const BenchConnectOptions& auth,
                        const std::string& seed_host, std::vector<BenchMaster>* masters,
                        std::string* err);

}  // namespace slotcache::cli
