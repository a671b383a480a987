// The replication backlog, the replication IDs, and the master's PSYNC decision (Redis 7's
// replication.c: feedReplicationBacklog, addReplyReplicationBacklog,
// masterTryPartialResynchronization, shiftReplicationId).
//
// Offsets are Redis': master_repl_offset counts every byte ever fed to the replication stream;
// the backlog holds the last histlen bytes of it in a ring of repl-backlog-size bytes, the first
// of which has offset first_byte_offset (= master_repl_offset - histlen + 1). A replica asks to
// continue from psync_offset, the offset of the next byte it needs (its own offset + 1).
//
// PSYNC2 (the decision, numbered as in masterTryPartialResynchronization):
//   1. The replica's replid must be our replid, or our replid2 with psync_offset no later than
//      second_repl_offset (the replica followed our previous master and did not go past the
//      point where we took over its history). Else: full sync.
//   2. A backlog must exist and hold every byte from psync_offset on:
//      first_byte_offset <= psync_offset <= first_byte_offset + histlen. Else: full sync.
//   3. Otherwise +CONTINUE, sending the backlog from psync_offset.
// "PSYNC ? -1" (a replica with nothing cached) always takes a full sync and is not counted as a
// failed partial sync.
//
// Rejected: Redis 7's shared replication buffer (one refcounted block list for the backlog and
// every replica): with one loop thread and few replicas, copying each write into the backlog
// ring and each replica's output is simpler and costs one memcpy per replica per write.
//
// Pure, no I/O. Loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace slotcache::replication {

constexpr size_t kReplIdLen = 40;
// replid2 when there is no previous history (Redis prints forty zeros).
constexpr const char* kNullReplId = "0000000000000000000000000000000000000000";

// The two histories this node can continue (PSYNC2).
struct ReplIds {
    std::string replid;                    // current history, 40 hex characters
    std::string replid2 = kNullReplId;     // the previous master's, after a promotion
    long long second_repl_offset = -1;     // replid2 is valid up to (and including) this offset

    // A fresh random replid; replid2 cleared. (changeReplicationId + clearReplicationId2.)
    void reset();
    // Promotion (REPLICAOF NO ONE, failover): the current history becomes replid2, valid up to
    // master_repl_offset + 1, and a new replid starts. (shiftReplicationId.)
    void shift(long long master_repl_offset);
};

class Backlog {
public:
    // An empty backlog of `capacity` bytes whose next byte will have offset
    // master_repl_offset + 1. capacity > 0.
    Backlog(size_t capacity, long long master_repl_offset);
    Backlog(const Backlog&) = delete;
    Backlog& operator=(const Backlog&) = delete;

    // Appends n bytes of the stream (the caller advances master_repl_offset by n too).
    void append(const char* p, size_t n);
    void append(std::string_view s) { append(s.data(), s.size()); }

    size_t capacity() const { return cap_; }
    size_t histlen() const { return histlen_; }
    long long first_byte_offset() const { return end_offset_ - static_cast<long long>(histlen_) + 1; }
    // Offset of the last byte appended (= master_repl_offset).
    long long end_offset() const { return end_offset_; }
    // True when every byte from `offset` to end_offset() is held (offset == end_offset() + 1
    // means "nothing missing").
    bool covers(long long offset) const {
        return offset >= first_byte_offset() && offset <= end_offset_ + 1;
    }
    // Appends to *out the bytes from `offset` to the end. Precondition: covers(offset).
    void copy_from(long long offset, std::string* out) const;
    // repl-backlog-size changed: keeps the newest min(histlen, capacity) bytes.
    void resize(size_t capacity);

private:
    std::unique_ptr<char[]> buf_;
    size_t cap_;
    size_t idx_ = 0;      // where the next byte goes
    size_t histlen_ = 0;  // valid bytes, <= cap_
    long long end_offset_;
};

enum class PsyncOutcome : uint8_t { Continue, FullResync };

struct PsyncDecision {
    PsyncOutcome outcome;
    // Full sync after a real attempt at a partial one (counted in sync_partial_err).
    bool partial_failed = false;
    // Why, for the log line ("Replication ID mismatch", "backlog doesn't cover offset", ...).
    const char* reason = "";
};

// masterTryPartialResynchronization's decision. backlog may be null (none created yet).
PsyncDecision decide_psync(const ReplIds& ids, const Backlog* backlog, std::string_view replid,
                           long long psync_offset);

}  // namespace slotcache::replication
