// A connected client: its connection, parser state, selected database, protocol version,
// authentication, name and the bookkeeping CLIENT LIST shows.
//
// The Client is the ConnectionHandler of its Connection: bytes arriving call back into the
// Server's dispatch, and the close callback is where the Client is unlinked and deleted (the
// Connection deletes itself right after). Nothing else deletes a Client.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/connection.h"
#include "resp/parser.h"
#include "server/watch.h"
#include "server/pubsub.h"

namespace slotcache::server {

class Server;
struct CommandDef;

enum ClientFlag : uint32_t {
    kClientCloseAfterReply = 1u << 0,  // QUIT, protocol error: close once output is written
    kClientPendingWrite = 1u << 1,     // in Server's list of clients to flush before sleeping
    kClientPausedOutput = 1u << 2,     // reading stopped: too much output pending
    kClientPausedByCommand = 1u << 3,  // held by CLIENT PAUSE until it ends
    kClientUnixSocket = 1u << 4,
    kClientNoEvict = 1u << 5,          // CLIENT NO-EVICT on (accepted; we never evict clients)
    kClientReadonly = 1u << 6,         // READONLY (cluster replicas serve reads)
    kClientAsking = 1u << 7,           // ASKING: next command may hit an importing slot
    kClientReplica = 1u << 8,          // a replica of this node (SYNC/PSYNC): gets the stream
    kClientMaster = 1u << 9,           // this node's master: its commands are the stream
    kClientBlocked = 1u << 10,         // waiting in WAIT; input stops until it is unblocked
};

class Client final : public net::ConnectionHandler {
public:
    Client(Server& server, net::Connection* conn, uint64_t id, int64_t now_ms);
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void on_readable(net::Connection& conn) override;
    void on_closed(net::Connection& conn) override;
    void on_drained(net::Connection& conn) override;

    net::Connection& conn() { return *conn_; }
    bool is_closing() const { return conn_ == nullptr || conn_->is_closing(); }
    // Closes at once (pending output dropped); the Client is deleted from the close callback.
    void close();

    uint64_t id() const { return id_; }
    bool has_flag(uint32_t f) const { return (flags_ & f) != 0; }
    void set_flag(uint32_t f) { flags_ |= f; }
    void clear_flag(uint32_t f) { flags_ &= ~f; }

    // One line of CLIENT LIST / CLIENT INFO, without the trailing newline.
    std::string describe(int64_t now_ms) const;

    resp::Parser parser;
    std::string name;
    int db = 0;
    int proto = 2;
    bool authenticated = false;
    int64_t ctime_ms;
    int64_t last_interaction_ms;
    const CommandDef* last_cmd = nullptr;
    uint64_t commands_processed = 0;
    int64_t obuf_soft_since_ms = 0;  // when the output first passed the soft limit (0: below)
    // MULTI: the commands queued for EXEC (copied: the read buffer moves on) and whether one
    // was refused while queueing (EXEC then aborts). Null outside a transaction.
    struct MultiState {
        std::vector<std::vector<std::string>> commands;
        bool dirty = false;
    };
    std::unique_ptr<MultiState> multi;
    // WATCH: the keys this client watches and whether one was touched (Server::watches_ holds
    // the reverse map; Server::on_client_closed unwatches before the Client is deleted).
    Watcher watch;
    // Pub/sub subscriptions (pubsub.h); null until the first SUBSCRIBE. A client with any is in
    // Redis' pubsub mode: RESP2 restricts its commands, its output limit class is pubsub.
    std::unique_ptr<ClientSubscriptions> subs;
    bool is_subscribed() const { return subs && subs->total() > 0; }
    // REPLCONF sent before SYNC/PSYNC (the replica link takes them over).
    int repl_listening_port = 0;
    uint32_t repl_capa = 0;
    std::string repl_ip;

private:
    Server& server_;
    net::Connection* conn_;
    uint64_t id_;
    uint32_t flags_ = 0;
};

}  // namespace slotcache::server
