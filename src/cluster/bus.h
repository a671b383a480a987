// The cluster bus transport: the listener on the bus port, and one BusLink per TCP connection
// to or from another node, carrying bus_codec frames. Message semantics live in gossip.cpp;
// this file only moves frames.
//
// Each node has at most one outbound link (Node::link, created by the cron) and one identified
// inbound link (Node::inbound_link); inbound links from nodes not yet known stay anonymous until
// a MEET or PING identifies the sender. A malformed frame (bad prefix, failed decode) closes
// that link only (DESIGN §5); the cron reconnects outbound links.
//
// Lifetime: a BusLink is heap-allocated and deletes itself after its connection closed
// (net::Connection's close callback); Bus::on_link_closed clears every pointer to it first.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cluster/bus_codec.h"
#include "net/connection.h"
#include "net/listener.h"

namespace slotcache::cluster {

class Cluster;
class Bus;
struct Node;

class BusLink final : public net::ConnectionHandler {
public:
    BusLink(Bus& bus, net::Connection* conn, Node* node, bool inbound, int64_t now_ms);

    void on_readable(net::Connection& conn) override;
    void on_closed(net::Connection& conn) override;

    // Encodes and queues m; written before the loop sleeps (or at once when the queue is big).
    void send(const Message& m);
    // Queues an already encoded frame (a light PUBLISH encoded once for every link).
    void send_frame(std::string_view frame);
    void close();
    bool is_closing() const { return conn_ == nullptr || conn_->is_closing(); }
    // Outbound: the TCP connect finished.
    bool is_connected() const { return connected_; }

    Node* node = nullptr;  // outbound: the peer; inbound: the identified sender (or nullptr)
    bool inbound;
    int64_t ctime_ms;
    uint64_t bytes_queued = 0;
    net::Connection* connection() { return conn_; }
    std::string peer_ip() const;
    std::string local_ip() const;

private:
    friend class Bus;
    static void on_connect(uv_connect_t* req, int status);
    Bus& bus_;
    net::Connection* conn_;
    uv_connect_t connect_req_;
    bool connected_ = false;
    std::string frame_;  // encode scratch, reused
};

class Bus final : public net::AcceptHandler {
public:
    Bus(Cluster& cluster, uv_loop_t* loop);
    ~Bus() override;

    bool listen(const std::vector<std::string>& bind, int cport, std::string* err);
    // Starts an outbound connection to n (ip:cport); sets n->link. Returns nullptr on an
    // immediate failure (bad address).
    BusLink* connect(Node* n, int64_t now_ms);
    void on_accept(net::Connection* conn) override;
    void close_all();

    // Called by BusLink.
    void on_link_closed(BusLink* link);
    void on_link_connected(BusLink* link);
    void on_message(BusLink* link, const Message& m, size_t bytes);
    void flush_all();
    void note_queued(BusLink* link);
    void note_queued(BusLink* link, size_t bytes);

    const std::unordered_set<BusLink*>& links() const { return links_; }

private:
    Cluster& cluster_;
    uv_loop_t* loop_;
    net::Listeners listeners_;
    std::unordered_set<BusLink*> links_;
    std::vector<BusLink*> to_flush_;
};

}  // namespace slotcache::cluster
