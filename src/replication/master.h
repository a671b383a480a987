// The master side of replication: the replication IDs and offset, the backlog, the replicas
// attached to this node, and the encoding of the command stream (Redis 7's
// replicationFeedSlaves, syncCommand, replconfCommand bookkeeping, refreshGoodSlavesCount).
//
// Stream: every write that changed the dataset is encoded as a RESP array (the handler's
// rewritten form when it set one: SET ... PXAT, PEXPIREAT, DEL), preceded by SELECT when its db
// differs from the last one the stream selected, appended to the backlog and to the output of
// every online replica, or to the pending buffer of a replica whose snapshot is being produced
// (see ReplicaState). On a replica the same object holds the master's stream proxied verbatim
// (feed_raw), so chained replicas and a later promotion see one history with one offset.
//
// Allocation: nothing is encoded while there is neither a backlog nor a replica (Redis creates
// the backlog when the first replica connects), so a node without replication pays one branch
// per write. Once replicating, the encoding reuses one scratch string.
//
// Lifetimes: a ReplicaLink's conn and owner are borrowed from the server's Client; the server
// calls remove_replica() from the client's close path before the Client and Connection die.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/connection.h"
#include "replication/backlog.h"

namespace slotcache::replication {

// REPLCONF capa.
enum ReplicaCapa : uint32_t {
    kCapaEof = 1u << 0,
    kCapaPsync2 = 1u << 1,
};

// SLAVE_STATE_*. WaitBgsaveStart: waiting for a snapshot child (the diskless delay, or another
// child running); nothing is sent. WaitBgsaveEnd: +FULLRESYNC <offset at the fork> was sent and
// the child writes the snapshot; the stream from the fork on collects in `pending`. Online:
// the payload is queued, then `pending`, and from then on the stream goes to the output.
enum class ReplicaState : uint8_t { WaitBgsaveStart, WaitBgsaveEnd, Online };

struct ReplicaLink {
    uint64_t client_id = 0;
    net::Connection* conn = nullptr;  // borrowed, see the file comment
    void* owner = nullptr;            // the server's Client, opaque here
    ReplicaState state = ReplicaState::WaitBgsaveStart;
    bool old_sync = false;            // SYNC, not PSYNC: no +FULLRESYNC line
    int64_t sync_wait_since_ms = 0;   // when it started waiting for a snapshot child
    std::string pending;              // WaitBgsaveEnd: the stream written after the fork
    int listening_port = 0;           // REPLCONF listening-port
    std::string announced_ip;         // REPLCONF ip-address
    uint32_t capa = 0;
    long long ack_offset = 0;         // REPLCONF ACK
    int64_t ack_time_ms = 0;
    // The ip INFO and ROLE show: the announced one, else the peer's.
    std::string ip() const;
};

class Master {
public:
    Master();
    Master(const Master&) = delete;
    Master& operator=(const Master&) = delete;

    ReplIds& ids() { return ids_; }
    const ReplIds& ids() const { return ids_; }
    long long offset() const { return offset_; }
    // A replica adopting its master's history (full sync): replid and offset, replid2 cleared.
    void adopt(std::string_view replid, long long offset);
    // PSYNC2 "+CONTINUE <newid>" from a master whose replid changed: shift to it.
    void switch_replid(std::string_view new_replid);

    const Backlog* backlog() const { return backlog_.get(); }
    // Creates the backlog (no-op when it exists).
    void create_backlog(size_t size);
    void free_backlog() { backlog_.reset(); }
    void resize_backlog(size_t size);
    // True when writes must be encoded: a backlog or a replica exists.
    bool is_feeding() const { return backlog_ != nullptr || !replicas_.empty(); }

    // Encodes args (db selected first if needed) into the stream.
    void propagate(int db, const std::vector<std::string_view>& args);
    void propagate(int db, const std::vector<std::string>& args);
    // Appends bytes already in RESP (a replica proxying its master's stream; REPLCONF GETACK).
    void feed_raw(std::string_view bytes);
    // The next propagated command will be preceded by SELECT (new replica, new history).
    void reset_selected_db() { selected_db_ = -1; }
    // The stream's current db: a replica proxying its master's stream keeps it in sync.
    void set_selected_db(int db) { selected_db_ = db; }
    int selected_db() const { return selected_db_; }

    // ---- replicas --------------------------------------------------------------------------
    ReplicaLink* add_replica(uint64_t client_id, net::Connection* conn, void* owner);
    ReplicaLink* find_replica(uint64_t client_id);
    void remove_replica(uint64_t client_id);
    const std::vector<std::unique_ptr<ReplicaLink>>& replicas() const { return replicas_; }
    // Online replicas whose last ACK is at most max_lag_s seconds old (min-replicas-max-lag).
    int good_replicas(int64_t now_ms, long long max_lag_s) const;
    // Online replicas that acknowledged at least `offset` (WAIT).
    int replicas_acked(long long offset) const;
    // When the backlog was last needed: the last replica left at this time (repl-backlog-ttl).
    int64_t no_replicas_since_ms() const { return no_replicas_since_ms_; }

    // The bytes a +CONTINUE sends: the backlog from psync_offset on. Precondition: covered.
    void backlog_from(long long psync_offset, std::string* out) const;

private:
    void feed(std::string_view bytes);
    void encode_select(int db);
    template <class S>
    void encode_command(int db, const std::vector<S>& args);

    ReplIds ids_;
    long long offset_ = 0;  // master_repl_offset
    std::unique_ptr<Backlog> backlog_;
    std::vector<std::unique_ptr<ReplicaLink>> replicas_;
    int selected_db_ = -1;
    std::string scratch_;
    int64_t no_replicas_since_ms_ = 0;
};

// RESP encoding of one command line into out (appended).
void append_resp_command(std::string* out, const std::vector<std::string_view>& args);

}  // namespace slotcache::replication
