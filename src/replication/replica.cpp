#include "replication/replica.h"

#include <strings.h>

#include <algorithm>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "common/strutil.h"
#include "replication/backlog.h"
#include "replication/master.h"

namespace slotcache::replication {

namespace {

constexpr int64_t kMaxBackoffMs = 8000;
constexpr size_t kMaxLine = 64 * 1024;

// A connect request outlives the attempt that issued it when the link is closed first: it is
// matched to the attempt by the connection pointer.
struct ConnectReq {
    uv_connect_t req;
    Replica* owner;
    net::Connection* conn;
};

std::vector<std::string_view> split_ws(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') i++;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') j++;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

const char* link_state_name(LinkState s) {
    switch (s) {
        case LinkState::None: return "none";
        case LinkState::Connect: return "connect";
        case LinkState::Connecting: return "connecting";
        case LinkState::Handshake: return "handshake";
        case LinkState::Psync: return "handshake";
        case LinkState::Transfer: return "sync";
        case LinkState::Connected: return "connected";
    }
    return "none";
}

Replica::~Replica() {
    if (conn_) {
        conn_->set_handler(nullptr);
        conn_->close();
    }
}

void Replica::set_master(std::string host, int port, const ReplicaSettings& s) {
    unset_master();
    host_name_ = std::move(host);
    port_ = port;
    settings_ = s;
    state_ = LinkState::Connect;
    next_attempt_ms_ = 0;
    backoff_ms_ = 1000;
    down_since_ms_ = unix_ms();
    log::set_role('S');
}

void Replica::unset_master() {
    if (conn_) {
        net::Connection* c = conn_;
        conn_ = nullptr;
        c->set_handler(nullptr);
        c->close();
    }
    state_ = LinkState::None;
    payload_.clear();
    payload_.shrink_to_fit();
    log::set_role('M');
}

void Replica::on_master_lost(int64_t now_ms) {
    if (state_ == LinkState::None) return;
    state_ = LinkState::Connect;
    down_since_ms_ = now_ms;
    // Reconnect at once after a working link broke, as Redis does; back off only on failures.
    next_attempt_ms_ = now_ms;
}

void Replica::fail(const char* why) {
    LOG_WARNING("MASTER <-> REPLICA sync: %s", why);
    if (conn_) {
        net::Connection* c = conn_;
        conn_ = nullptr;
        c->set_handler(nullptr);
        c->close();
    }
    payload_.clear();
    payload_.shrink_to_fit();
    if (state_ == LinkState::None) return;
    state_ = LinkState::Connect;
    int64_t now = unix_ms();
    next_attempt_ms_ = now + backoff_ms_;
    backoff_ms_ = std::min(kMaxBackoffMs, backoff_ms_ * 2);
}

void Replica::cron(int64_t now_ms) {
    switch (state_) {
        case LinkState::None:
        case LinkState::Connected:
            return;
        case LinkState::Connect:
            if (now_ms >= next_attempt_ms_) connect(now_ms);
            return;
        default:
            if (now_ms - step_started_ms_ > settings_.timeout_s * 1000) {
                fail(state_ == LinkState::Transfer ? "Timeout receiving bulk data from MASTER"
                                                   : "Timeout connecting to the MASTER...");
            }
    }
}

void Replica::connect(int64_t now_ms) {
    LOG_NOTICE("Connecting to MASTER %s:%d", host_name_.c_str(), port_);
    sockaddr_storage ss{};
    bool v6 = host_name_.find(':') != std::string::npos;
    std::string host = host_name_ == "localhost" ? "127.0.0.1" : host_name_;
    int r = v6 ? uv_ip6_addr(host.c_str(), port_, reinterpret_cast<sockaddr_in6*>(&ss))
               : uv_ip4_addr(host.c_str(), port_, reinterpret_cast<sockaddr_in*>(&ss));
    step_started_ms_ = now_ms;
    if (r != 0) {
        fail("Unable to connect to MASTER: invalid address");
        return;
    }
    conn_ = net::Connection::create(loop_, net::Connection::Kind::Tcp);
    conn_->set_handler(this);
    auto* req = new ConnectReq{{}, this, conn_};
    req->req.data = req;
    state_ = LinkState::Connecting;
    r = uv_tcp_connect(&req->req, reinterpret_cast<uv_tcp_t*>(conn_->stream()),
                       reinterpret_cast<const sockaddr*>(&ss), on_connect);
    if (r != 0) {
        delete req;
        fail("Unable to connect to MASTER");
    }
}

void Replica::on_connect(uv_connect_t* raw, int status) {
    auto* req = static_cast<ConnectReq*>(raw->data);
    Replica* self = req->owner;
    net::Connection* conn = req->conn;
    delete req;
    if (self->conn_ != conn || self->state_ != LinkState::Connecting) return;
    if (status != 0) {
        LOG_WARNING("Error condition on socket for SYNC: %s", uv_strerror(status));
        self->fail("connection failed");
        return;
    }
    LOG_NOTICE("MASTER <-> REPLICA sync started");
    conn->resolve_addresses();
    if (!conn->start_reading()) return;
    self->state_ = LinkState::Handshake;
    self->step_started_ms_ = unix_ms();
    self->pinged_ = false;
    self->pending_replies_ = 1;
    self->send({"PING"});
}

void Replica::send(const std::vector<std::string_view>& args) {
    std::string buf;
    append_resp_command(&buf, args);
    conn_->out().append(buf);
    conn_->flush();
}

bool Replica::take_line(std::string* line) {
    const char* p = conn_->read_data();
    size_t n = conn_->read_size();
    const void* nl = memchr(p, '\n', n);
    if (!nl) {
        if (n > kMaxLine) fail("reply line too long");
        return false;
    }
    size_t len = static_cast<size_t>(static_cast<const char*>(nl) - p);
    line->assign(p, len);
    if (!line->empty() && line->back() == '\r') line->pop_back();
    conn_->consume_input(len + 1);
    return true;
}

void Replica::on_readable(net::Connection&) {
    std::string line;
    while (conn_ && state_ != LinkState::Connected) {
        if (state_ == LinkState::Transfer) {
            if (!read_payload()) return;
            finish_transfer();
            return;
        }
        if (!take_line(&line)) return;
        bool ok = state_ == LinkState::Handshake ? handle_handshake_line(line)
                                                 : handle_psync_line(line);
        if (!ok) return;
    }
}

bool Replica::handle_handshake_line(const std::string& line) {
    if (line.empty()) return true;  // keep-alive newline
    pending_replies_--;
    if (!pinged_) {
        pinged_ = true;
        if (line[0] == '-' && !starts_with_ci(line, "-NOAUTH") && !starts_with_ci(line, "-NOPERM") &&
            !starts_with_ci(line, "-ERR operation not permitted")) {
            LOG_WARNING("Error reply to PING from master: '%s'", line.c_str());
            fail("PING failed");
            return false;
        }
        LOG_NOTICE("Master replied to PING, replication can continue...");
        if (!settings_.masterauth.empty()) {
            if (settings_.masteruser.empty()) {
                send({"AUTH", settings_.masterauth});
            } else {
                send({"AUTH", settings_.masteruser, settings_.masterauth});
            }
            pending_replies_++;
        }
        std::string port = std::to_string(settings_.listening_port);
        send({"REPLCONF", "listening-port", port});
        pending_replies_++;
        if (!settings_.announce_ip.empty()) {
            send({"REPLCONF", "ip-address", settings_.announce_ip});
            pending_replies_++;
        }
        send({"REPLCONF", "capa", "eof", "capa", "psync2"});
        pending_replies_++;
        auth_pending_ = !settings_.masterauth.empty();
        return true;
    }
    if (auth_pending_) {
        auth_pending_ = false;
        if (line[0] == '-') {
            LOG_WARNING("Unable to AUTH to MASTER: %s", line.c_str());
            fail("AUTH failed");
            return false;
        }
    }
    if (pending_replies_ > 0) return true;
    std::string replid;
    long long offset = -1;
    host_.psync_offer(&replid, &offset);
    if (replid.empty()) {
        LOG_NOTICE("Partial resynchronization not possible (no cached master)");
        send({"PSYNC", "?", "-1"});
    } else {
        std::string off = std::to_string(offset + 1);
        LOG_NOTICE("Trying a partial resynchronization (request %s:%s).", replid.c_str(),
                   off.c_str());
        send({"PSYNC", replid, off});
    }
    state_ = LinkState::Psync;
    step_started_ms_ = unix_ms();
    return true;
}

bool Replica::handle_psync_line(const std::string& line) {
    if (line.empty()) return true;  // the master sends newlines while it prepares
    if (starts_with_ci(line, "+FULLRESYNC")) {
        auto parts = split_ws(line);
        if (parts.size() < 3 || parts[1].size() != kReplIdLen) {
            fail("bad +FULLRESYNC reply");
            return false;
        }
        fullsync_replid_ = std::string(parts[1]);
        long long off = 0;
        if (!parse_ll(parts[2], &off)) off = -1;
        fullsync_offset_ = off;
        LOG_NOTICE("Full resync from master: %s:%lld", fullsync_replid_.c_str(), off);
        state_ = LinkState::Transfer;
        step_started_ms_ = unix_ms();
        header_read_ = false;
        payload_.clear();
        transfer_size_ = 0;
        return true;
    }
    if (starts_with_ci(line, "+CONTINUE")) {
        auto parts = split_ws(line);
        std::string_view newid = parts.size() >= 2 ? parts[1] : std::string_view();
        LOG_NOTICE("Successful partial resynchronization with master.");
        host_.continue_history(newid);
        net::Connection* c = conn_;
        conn_ = nullptr;
        state_ = LinkState::Connected;
        backoff_ms_ = 1000;
        host_.attach_master(c);
        return false;
    }
    if (starts_with_ci(line, "-NOMASTERLINK") || starts_with_ci(line, "-LOADING")) {
        LOG_NOTICE("Master is currently unable to PSYNC but should be in the future: %s",
                   line.c_str());
    } else {
        LOG_WARNING("Unexpected reply to PSYNC from master: %s", line.c_str());
    }
    fail("PSYNC refused");
    return false;
}

bool Replica::read_payload() {
    if (!header_read_) {
        std::string line;
        for (;;) {
            if (!take_line(&line)) return false;
            if (!line.empty()) break;  // keep-alive newlines before the payload
        }
        if (line[0] == '-') {
            LOG_WARNING("MASTER aborted replication with an error: %s", line.c_str());
            fail("master error");
            return false;
        }
        if (line[0] != '$') {
            fail("Bad protocol from MASTER, the first byte is not '$'");
            return false;
        }
        if (line.size() == 5 + kReplIdLen && line.compare(0, 5, "$EOF:") == 0) {
            payload_eof_mark_ = true;
            eof_mark_ = line.substr(5);
        } else {
            long long len = 0;
            if (!parse_ll(std::string_view(line).substr(1), &len) || len < 0) {
                fail("Bad payload length from MASTER");
                return false;
            }
            payload_eof_mark_ = false;
            transfer_size_ = static_cast<uint64_t>(len);
            payload_.reserve(transfer_size_);
        }
        header_read_ = true;
        LOG_NOTICE("MASTER <-> REPLICA sync: receiving %s bytes from master",
                   payload_eof_mark_ ? "streamed" : std::to_string(transfer_size_).c_str());
    }
    size_t avail = conn_->read_size();
    step_started_ms_ = unix_ms();
    if (!payload_eof_mark_) {
        size_t want = static_cast<size_t>(transfer_size_ - payload_.size());
        size_t take = std::min(want, avail);
        payload_.append(conn_->read_data(), take);
        conn_->consume_input(take);
        return payload_.size() == transfer_size_;
    }
    // The stream may follow the mark in the same read: look for the mark across the tail of
    // what we have and the new bytes, and take nothing past it.
    size_t keep = std::min(payload_.size(), kReplIdLen - 1);
    std::string window = payload_.substr(payload_.size() - keep);
    window.append(conn_->read_data(), avail);
    size_t at = window.find(eof_mark_);
    if (at == std::string::npos) {
        payload_.append(conn_->read_data(), avail);
        conn_->consume_input(avail);
        return false;
    }
    size_t take = at + kReplIdLen - keep;
    payload_.append(conn_->read_data(), take);
    conn_->consume_input(take);
    payload_.resize(payload_.size() - kReplIdLen);
    return true;
}

void Replica::finish_transfer() {
    LOG_NOTICE("MASTER <-> REPLICA sync: Loading DB in memory");
    std::string err;
    if (!host_.load_snapshot(payload_, fullsync_replid_, fullsync_offset_, &err)) {
        LOG_WARNING("Failed trying to load the MASTER synchronization DB from socket: %s",
                    err.c_str());
        fail("load failed");
        return;
    }
    payload_.clear();
    payload_.shrink_to_fit();
    LOG_NOTICE("MASTER <-> REPLICA sync: Finished with success");
    net::Connection* c = conn_;
    conn_ = nullptr;
    state_ = LinkState::Connected;
    backoff_ms_ = 1000;
    host_.attach_master(c);
}

void Replica::on_closed(net::Connection& conn) {
    if (&conn != conn_) return;
    conn_ = nullptr;
    if (state_ == LinkState::None || state_ == LinkState::Connected) return;
    fail("connection lost during the handshake");
}

}  // namespace slotcache::replication
