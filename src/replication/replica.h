// The replica side of replication: a state machine, driven by the loop, that connects to the
// master, runs the PSYNC handshake, receives the snapshot and hands the connection over to the
// server as the master client (Redis 7's connectWithMaster, syncWithMaster, readSyncBulkPayload).
//
// Steps (replication.c's REPL_STATE_*):
//   1. Connect: a non-blocking TCP connect to master host:port (libuv). Failure or a closed
//      link goes back to Connect after a back-off (1 s doubling to 8 s, reset by a sync).
//   2. Send PING; the reply must be +PONG or an error Redis accepts here (-NOAUTH, -NOPERM:
//      AUTH follows). Any other error aborts the attempt.
//   3. Pipelined: AUTH [masteruser] masterauth (when set), REPLCONF listening-port <port>,
//      REPLCONF capa eof capa psync2; replies read in order. An AUTH error aborts; REPLCONF
//      errors are ignored, as Redis does.
//   4. PSYNC <replid> <offset+1> with this node's own history (Redis 7's
//      replicationCacheMasterUsingMyself: a node that has data continues from it), or
//      "PSYNC ? -1" when it has none to offer.
//   5. +FULLRESYNC <replid> <offset>: read the payload, "$<len>\r\n<bytes>" or
//      "$EOF:<40 bytes mark>\r\n<bytes><mark>" (diskless); lone "\n" keep-alives before it are
//      skipped. The host flushes the keyspace and loads it. +CONTINUE [<replid>]: nothing to
//      load. -NOMASTERLINK / -LOADING: retry later. Other errors (an old master without PSYNC)
//      abort.
//   6. Connected: the host turns the connection into the master client and executes the
//      stream; when that client closes the state machine returns to step 1.
//
// Every step has repl-timeout seconds; cron() closes a stalled attempt.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/connection.h"

namespace slotcache::replication {

enum class LinkState : uint8_t {
    None,        // not a replica
    Connect,     // waiting to (re)connect
    Connecting,  // TCP connect in flight
    Handshake,   // PING / AUTH / REPLCONF replies pending
    Psync,       // PSYNC reply pending
    Transfer,    // receiving the snapshot
    Connected,   // the master client runs the stream
};

// What the replica needs from the server.
class ReplicaHost {
public:
    virtual ~ReplicaHost() = default;
    // The history this node can offer in PSYNC (replid, offset); replid empty: "PSYNC ? -1".
    virtual void psync_offer(std::string* replid, long long* offset) = 0;
    // +FULLRESYNC: replace the dataset with the snapshot. False with *err on a bad payload.
    virtual bool load_snapshot(std::string_view rdb, std::string_view replid, long long offset,
                               std::string* err) = 0;
    // +CONTINUE [replid]: the history goes on (replid empty: unchanged).
    virtual void continue_history(std::string_view new_replid) = 0;
    // The handshake succeeded: conn becomes the master client (ownership of the handler moves
    // to the host; the Replica no longer touches conn).
    virtual void attach_master(net::Connection* conn) = 0;
};

struct ReplicaSettings {
    std::string masteruser;
    std::string masterauth;
    int listening_port = 0;
    std::string announce_ip;  // replica-announce-ip: sent as REPLCONF ip-address
    long long timeout_s = 60;
};

class Replica final : public net::ConnectionHandler {
public:
    Replica(uv_loop_t* loop, ReplicaHost& host) : loop_(loop), host_(host) {}
    ~Replica() override;
    Replica(const Replica&) = delete;
    Replica& operator=(const Replica&) = delete;

    // REPLICAOF host port: starts (or restarts) replicating from there.
    void set_master(std::string host, int port, const ReplicaSettings& s);
    // REPLICAOF NO ONE: drops the link attempt (the host closes the master client itself).
    void unset_master();
    // The master client closed: reconnect after the back-off.
    void on_master_lost(int64_t now_ms);

    bool is_replica() const { return state_ != LinkState::None; }
    LinkState state() const { return state_; }
    const std::string& master_host() const { return host_name_; }
    int master_port() const { return port_; }
    bool is_link_up() const { return state_ == LinkState::Connected; }
    bool sync_in_progress() const { return state_ == LinkState::Transfer; }
    // Seconds since the last byte from the master (master_last_io_seconds_ago), from the host's
    // note_master_io() once connected.
    int64_t last_io_ms() const { return last_io_ms_; }
    void note_master_io(int64_t now_ms) { last_io_ms_ = now_ms; }
    int64_t link_down_since_ms() const { return down_since_ms_; }
    uint64_t transfer_size() const { return transfer_size_; }
    uint64_t transfer_read() const { return payload_.size(); }
    void update_settings(const ReplicaSettings& s) { settings_ = s; }

    // Once per cron: starts due connection attempts, times out stalled ones.
    void cron(int64_t now_ms);

    void on_readable(net::Connection& conn) override;
    void on_closed(net::Connection& conn) override;

private:
    void connect(int64_t now_ms);
    void fail(const char* why);
    void send(const std::vector<std::string_view>& args);
    // Takes one "\n"-terminated line from the input; false when none is complete yet.
    bool take_line(std::string* line);
    bool handle_handshake_line(const std::string& line);
    bool handle_psync_line(const std::string& line);
    bool read_payload();
    void finish_transfer();
    static void on_connect(uv_connect_t* req, int status);

    uv_loop_t* loop_;
    ReplicaHost& host_;
    ReplicaSettings settings_;
    std::string host_name_;
    int port_ = 0;
    LinkState state_ = LinkState::None;
    net::Connection* conn_ = nullptr;
    uv_connect_t* connect_req_ = nullptr;  // owned by the callback once issued
    int pending_replies_ = 0;              // handshake replies still expected
    bool pinged_ = false;
    bool auth_pending_ = false;            // the next handshake reply is AUTH's
    int64_t next_attempt_ms_ = 0;
    int64_t backoff_ms_ = 1000;
    int64_t step_started_ms_ = 0;
    int64_t last_io_ms_ = 0;
    int64_t down_since_ms_ = 0;
    // Transfer.
    std::string fullsync_replid_;
    long long fullsync_offset_ = 0;
    bool payload_eof_mark_ = false;  // "$EOF:<mark>" form
    std::string eof_mark_;
    uint64_t transfer_size_ = 0;     // "$<len>" form
    bool header_read_ = false;
    std::string payload_;
};

const char* link_state_name(LinkState s);

}  // namespace slotcache::replication
