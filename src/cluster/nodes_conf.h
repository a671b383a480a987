// nodes.conf (cluster-config-file): this node's persistent view of the cluster, in Redis 7.0's
// format so that a Redis node and a slotcache node read each other's files and operators' habits
// (grep, cat, editing a dead node out) keep working. One CLUSTER NODES line per node (handshake
// nodes left out), myself flagged "myself", then "vars currentEpoch N lastVoteEpoch M".
//
// Writing is atomic: a temp file in the same directory, write, fsync, rename over the old file,
// fsync the directory; a crash leaves the old or the new file, never a torn one. (Redis 7.0
// rewrote the file in place, padding it; a crash mid-write could corrupt it.) Loading follows
// clusterLoadConfig's rules, but reports a corrupt file as an error naming the line instead of
// exiting: the caller prints it and exits 1 before the loop starts.
//
// Loop thread (writes are synchronous: a few KB, called when a vote or a reply depends on it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/state.h"

namespace slotcache::cluster {

// The file's whole text: nodes_text(st, kNodeHandshake) + "vars currentEpoch N lastVoteEpoch M\n".
std::string nodes_conf_text(const ClusterState& st);

// Writes nodes_conf_text(st) to `path` atomically (see above). False with *err ("<path>: <what
// failed>: <strerror>") on any I/O error; the old file is then untouched.
// durable false: rewritten in place without fsync, as Redis' SAVE_CONFIG without FSYNC_CONFIG
// (safe across a process crash, not across a power loss; see write_in_place).
bool write_nodes_conf(const std::string& path, const ClusterState& st, std::string* err,
                      bool durable = true);

// Parses a nodes.conf text into `st`, which must be freshly constructed (its random myself is
// replaced by the node the file flags "myself", then deleted). Accepted, as Redis does: blank
// lines; "vars" lines with unknown variables (skipped); a missing "@cport" (port + 10000); an
// address field with ",hostname" and further ",key=value" fields (Redis 7.2 writes those);
// any link-state word. Timestamps: a non-zero ping_sent/pong_recv becomes now_ms (Redis does
// the same: the stored times are meaningless after a restart). currentEpoch is raised to the
// greatest config epoch if the file says less.
// Rejected with *err "corrupted cluster config file, line N: <reason>: <line>": fewer than 8
// fields, a bad node ID, address, flag, epoch, slot or slot range, a slot claimed twice, a node
// listed twice, a master ID or migrating/importing target that has no line of its own, an odd
// "vars" line; and a file with no node flagged myself. On failure `st` is left half-loaded and
// must be discarded.
bool parse_nodes_conf(std::string_view text, ClusterState& st, int64_t now_ms, std::string* err);

enum class LoadOutcome {
    Loaded,   // st holds the file's configuration
    Missing,  // no file, or an empty one: the caller starts a new identity and writes the file
    Failed,   // unreadable or corrupt: *err says why (and which line)
};

// Reads `path` and parses it into `st` (see parse_nodes_conf).
LoadOutcome load_nodes_conf(const std::string& path, ClusterState& st, int64_t now_ms,
                            std::string* err);

}  // namespace slotcache::cluster
