#include "cluster/bus.h"

#include <arpa/inet.h>

#include <algorithm>

#include "cluster/cluster.h"
#include "common/log.h"

namespace slotcache::cluster {

namespace {
// CLUSTER INFO counts messages by Redis' type numbers (ping 0 ... module 9, publishshard 10);
// ours differ from 9 on, and the light publish variants count as their full forms.
size_t stats_index(MsgType t) {
    switch (t) {
        case MsgType::PublishShard:
        case MsgType::PublishShardLight: return 10;
        case MsgType::PublishLight: return 4;
        default: return static_cast<size_t>(t);
    }
}

// Past this much queued output a link is written at once instead of before sleeping.
constexpr size_t kFlushNowBytes = 64 * 1024;

std::string strip_port(const std::string& addr) {
    // "1.2.3.4:5" or "[::1]:5" -> the address part.
    size_t colon = addr.rfind(':');
    std::string ip = colon == std::string::npos ? addr : addr.substr(0, colon);
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    return ip;
}
}  // namespace

BusLink::BusLink(Bus& bus, net::Connection* conn, Node* n, bool in, int64_t now_ms)
    : node(n), inbound(in), ctime_ms(now_ms), bus_(bus), conn_(conn) {
    conn_->set_handler(this);
}

std::string BusLink::peer_ip() const { return conn_ ? strip_port(conn_->peer_addr()) : ""; }
std::string BusLink::local_ip() const { return conn_ ? strip_port(conn_->local_addr()) : ""; }

void BusLink::send(const Message& m) {
    if (is_closing() || (!inbound && !connected_)) return;
    frame_.clear();
    encode(m, &frame_);
    conn_->out().append(frame_);
    bytes_queued += frame_.size();
    bus_.note_queued(this);
    if (conn_->out().size() >= kFlushNowBytes) conn_->flush();
}

void BusLink::send_frame(std::string_view frame) {
    if (is_closing() || (!inbound && !connected_)) return;
    conn_->out().append(frame);
    bytes_queued += frame.size();
    bus_.note_queued(this, frame.size());
    if (conn_->out().size() >= kFlushNowBytes) conn_->flush();
}

void BusLink::close() {
    if (conn_ && !conn_->is_closing()) conn_->close();
}

void BusLink::on_readable(net::Connection& c) {
    while (c.read_size() > 0 && !c.is_closing()) {
        Result<size_t> need = frame_length(c.read_data(), c.read_size());
        if (!need.ok()) {
            LOG_VERBOSE("Cluster bus: bad frame prefix from %s, closing the link",
                        c.peer_addr().c_str());
            close();
            return;
        }
        if (*need == 0 || c.read_size() < *need) {
            // Grow towards the announced size in steps: a peer announcing a huge frame must
            // send the bytes before it costs us the memory.
            if (*need > c.input_capacity()) {
                c.reserve_input(std::min(*need, c.input_capacity() * 2));
            }
            return;
        }
        Result<Message> m = decode(c.read_data(), *need);
        if (!m.ok()) {
            LOG_VERBOSE("Cluster bus: malformed message from %s, closing the link",
                        c.peer_addr().c_str());
            close();
            return;
        }
        size_t n = *need;
        c.consume_input(n);
        if (m->h.type != MsgType::Unknown) bus_.on_message(this, *m, n);
    }
}

void BusLink::on_closed(net::Connection&) {
    bus_.on_link_closed(this);
    conn_ = nullptr;
    delete this;
}

void BusLink::on_connect(uv_connect_t* req, int status) {
    auto* link = static_cast<BusLink*>(req->data);
    if (status != 0) {
        link->close();
        return;
    }
    if (link->is_closing()) return;
    link->connected_ = true;
    link->conn_->resolve_addresses();
    if (!link->conn_->start_reading()) return;
    link->bus_.on_link_connected(link);
}

Bus::Bus(Cluster& cluster, uv_loop_t* loop)
    : cluster_(cluster), loop_(loop), listeners_(loop, this) {}

Bus::~Bus() = default;

bool Bus::listen(const std::vector<std::string>& bind, int cport, std::string* err) {
    if (!listeners_.listen_tcp(bind, cport, 511, err)) return false;
    return true;
}

BusLink* Bus::connect(Node* n, int64_t now_ms) {
    sockaddr_storage ss{};
    bool v6 = n->ip.find(':') != std::string::npos;
    int r = v6 ? uv_ip6_addr(n->ip.c_str(), n->cport, reinterpret_cast<sockaddr_in6*>(&ss))
               : uv_ip4_addr(n->ip.c_str(), n->cport, reinterpret_cast<sockaddr_in*>(&ss));
    if (r != 0) return nullptr;
    net::Connection* conn = net::Connection::create(loop_, net::Connection::Kind::Tcp);
    auto* link = new BusLink(*this, conn, n, false, now_ms);
    links_.insert(link);
    n->link = link;
    link->connect_req_.data = link;
    r = uv_tcp_connect(&link->connect_req_, reinterpret_cast<uv_tcp_t*>(conn->stream()),
                       reinterpret_cast<const sockaddr*>(&ss), BusLink::on_connect);
    if (r != 0) {
        link->close();
        return nullptr;
    }
    return link;
}

void Bus::on_accept(net::Connection* conn) {
    auto* link = new BusLink(*this, conn, nullptr, true, cluster_.now_ms());
    links_.insert(link);
    conn->start_reading();
}

void Bus::close_all() {
    listeners_.close_all();
    std::vector<BusLink*> all(links_.begin(), links_.end());
    for (BusLink* l : all) {
        if (l->connection()) l->connection()->flush();
        l->close();
    }
}

void Bus::on_link_closed(BusLink* link) {
    links_.erase(link);
    for (auto& p : to_flush_) {
        if (p == link) p = nullptr;
    }
    for (auto& [id, n] : cluster_.state().nodes()) {
        if (n->link == link) n->link = nullptr;
        if (n->inbound_link == link) n->inbound_link = nullptr;
    }
}

void Bus::on_link_connected(BusLink* link) { cluster_.on_link_connected(link); }

void Bus::on_message(BusLink* link, const Message& m, size_t bytes) {
    auto& st = cluster_.mutable_bus_stats();
    size_t t = stats_index(m.h.type);
    if (t < std::size(st.received)) st.received[t]++;
    st.bytes_received += bytes;
    cluster_.on_message(link, m);
}

void Bus::note_queued(BusLink* link) { note_queued(link, link->frame_.size()); }

void Bus::note_queued(BusLink* link, size_t bytes) {
    cluster_.mutable_bus_stats().bytes_sent += bytes;
    to_flush_.push_back(link);
}

void Bus::flush_all() {
    std::vector<BusLink*> batch;
    batch.swap(to_flush_);
    for (BusLink* l : batch) {
        if (l && !l->is_closing()) l->connection()->flush();
    }
}

}  // namespace slotcache::cluster
