#include "replication/master.h"

#include <algorithm>
#include <charconv>

#include "common/clock.h"

namespace slotcache::replication {

namespace {

void append_header(std::string* out, char type, size_t n) {
    char buf[24];
    buf[0] = type;
    auto r = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
    *r.ptr++ = '\r';
    *r.ptr++ = '\n';
    out->append(buf, static_cast<size_t>(r.ptr - buf));
}

template <class S>
void append_command(std::string* out, const std::vector<S>& args) {
    append_header(out, '*', args.size());
    for (const auto& a : args) {
        append_header(out, '$', a.size());
        out->append(a.data(), a.size());
        out->append("\r\n", 2);
    }
}

}  // namespace

void append_resp_command(std::string* out, const std::vector<std::string_view>& args) {
    append_command(out, args);
}

std::string ReplicaLink::ip() const {
    if (!announced_ip.empty()) return announced_ip;
    const std::string& peer = conn ? conn->peer_addr() : std::string();
    size_t colon = peer.rfind(':');
    std::string ip = colon == std::string::npos ? peer : peer.substr(0, colon);
    if (ip.size() >= 2 && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
    return ip;
}

Master::Master() {
    ids_.reset();
    no_replicas_since_ms_ = unix_ms();
}

void Master::adopt(std::string_view replid, long long offset) {
    ids_.replid = std::string(replid);
    ids_.replid2 = kNullReplId;
    ids_.second_repl_offset = -1;
    offset_ = offset;
    // The old history is gone: the backlog restarts at the adopted offset.
    if (backlog_) backlog_ = std::make_unique<Backlog>(backlog_->capacity(), offset_);
}

void Master::switch_replid(std::string_view new_replid) {
    ids_.replid2 = ids_.replid;
    ids_.second_repl_offset = offset_ + 1;
    ids_.replid = std::string(new_replid);
}

void Master::create_backlog(size_t size) {
    if (!backlog_) backlog_ = std::make_unique<Backlog>(size, offset_);
}

void Master::resize_backlog(size_t size) {
    if (backlog_) backlog_->resize(size);
}

void Master::feed(std::string_view bytes) {
    offset_ += static_cast<long long>(bytes.size());
    if (backlog_) backlog_->append(bytes);
    for (auto& r : replicas_) {
        if (r->conn == nullptr || r->conn->is_closing()) continue;
        if (r->state == ReplicaState::Online) {
            r->conn->out().append(bytes);
        } else if (r->state == ReplicaState::WaitBgsaveEnd) {
            r->pending.append(bytes);
        }
    }
}

void Master::feed_raw(std::string_view bytes) {
    if (!is_feeding()) {
        offset_ += static_cast<long long>(bytes.size());
        return;
    }
    feed(bytes);
}

void Master::encode_select(int db) {
    if (db == selected_db_) return;
    char num[16];
    auto r = std::to_chars(num, num + sizeof(num), db);
    std::vector<std::string_view> sel{"SELECT", std::string_view(num, static_cast<size_t>(r.ptr - num))};
    append_command(&scratch_, sel);
    selected_db_ = db;
}

template <class S>
void Master::encode_command(int db, const std::vector<S>& args) {
    scratch_.clear();
    encode_select(db);
    append_command(&scratch_, args);
    feed(scratch_);
}

void Master::propagate(int db, const std::vector<std::string_view>& args) {
    if (!is_feeding()) return;
    encode_command(db, args);
}

void Master::propagate(int db, const std::vector<std::string>& args) {
    if (!is_feeding()) return;
    encode_command(db, args);
}

ReplicaLink* Master::add_replica(uint64_t client_id, net::Connection* conn, void* owner) {
    if (ReplicaLink* r = find_replica(client_id)) return r;
    auto link = std::make_unique<ReplicaLink>();
    link->client_id = client_id;
    link->conn = conn;
    link->owner = owner;
    link->ack_time_ms = unix_ms();
    replicas_.push_back(std::move(link));
    return replicas_.back().get();
}

ReplicaLink* Master::find_replica(uint64_t client_id) {
    for (auto& r : replicas_) {
        if (r->client_id == client_id) return r.get();
    }
    return nullptr;
}

void Master::remove_replica(uint64_t client_id) {
    auto it = std::find_if(replicas_.begin(), replicas_.end(),
                           [&](const auto& r) { return r->client_id == client_id; });
    if (it == replicas_.end()) return;
    replicas_.erase(it);
    if (replicas_.empty()) no_replicas_since_ms_ = unix_ms();
}

int Master::good_replicas(int64_t now_ms, long long max_lag_s) const {
    int n = 0;
    for (const auto& r : replicas_) {
        if (r->state == ReplicaState::Online && (now_ms - r->ack_time_ms) / 1000 <= max_lag_s) n++;
    }
    return n;
}

int Master::replicas_acked(long long offset) const {
    int n = 0;
    for (const auto& r : replicas_) {
        if (r->state == ReplicaState::Online && r->ack_offset >= offset) n++;
    }
    return n;
}

void Master::backlog_from(long long psync_offset, std::string* out) const {
    if (backlog_) backlog_->copy_from(psync_offset, out);
}

}  // namespace slotcache::replication
