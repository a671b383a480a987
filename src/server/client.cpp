#include "server/client.h"

#include "server/command.h"
#include "server/server.h"

namespace slotcache::server {

Client::Client(Server& server, net::Connection* conn, uint64_t id, int64_t now_ms)
    : ctime_ms(now_ms), last_interaction_ms(now_ms), server_(server), conn_(conn), id_(id) {}

void Client::on_readable(net::Connection&) { server_.process_input(*this); }

void Client::on_closed(net::Connection&) {
    server_.on_client_closed(this);
    conn_ = nullptr;
    delete this;
}

void Client::on_drained(net::Connection&) { server_.on_client_drained(*this); }

void Client::close() {
    if (conn_ && !conn_->is_closing()) conn_->close();
}

std::string Client::describe(int64_t now_ms) const {
    // CLIENT LIST's fields in Redis 7.0's order; the ones slotcache has no notion of (ACL user,
    // RESP3 tracking, ...) carry the value Redis shows for a plain client. The master link
    // has no ACL user: Redis shows it as "(superuser)".
    std::string flags;
    // Redis' order (catClientInfoString).
    if (has_flag(kClientReplica)) flags += 'S';
    if (has_flag(kClientMaster)) flags += 'M';
    if (is_subscribed()) flags += 'P';
    if (multi) flags += 'x';
    if (has_flag(kClientPausedByCommand | kClientBlocked)) flags += 'b';
    if (watch.dirty) flags += 'd';
    if (has_flag(kClientCloseAfterReply)) flags += 'c';
    if (has_flag(kClientUnixSocket)) flags += 'U';
    if (has_flag(kClientReadonly)) flags += 'r';
    if (has_flag(kClientNoEvict)) flags += 'e';
    if (flags.empty()) flags = "N";
    std::string cmd = last_cmd ? last_cmd->name : "NULL";
    size_t qbuf = conn_ ? conn_->read_size() : 0;
    size_t qbuf_free = conn_ ? conn_->input_capacity() - qbuf : 0;
    size_t omem = conn_ ? conn_->out().size() : 0;
    size_t obl = omem < resp::OutBuffer::kInlineSize ? omem : resp::OutBuffer::kInlineSize;
    size_t oll = conn_ ? (omem > obl ? 1 : 0) : 0;
    std::string laddr = conn_ ? conn_->local_addr() : "";
    std::string addr = conn_ ? conn_->peer_addr() : "";
    int fd = conn_ ? conn_->fd() : -1;
    char buf[1024];
    snprintf(buf, sizeof(buf),
             "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%zu "
             "psub=%zu ssub=%zu multi=%d qbuf=%zu qbuf-free=%zu argv-mem=0 multi-mem=0 rbs=%zu "
             "rbp=%zu obl=%zu oll=%zu omem=%zu tot-mem=%zu events=r cmd=%s user=%s "
             "redir=-1 resp=%d",
             static_cast<unsigned long long>(id_), addr.c_str(), laddr.c_str(), fd, name.c_str(),
             static_cast<long long>((now_ms - ctime_ms) / 1000),
             static_cast<long long>((now_ms - last_interaction_ms) / 1000), flags.c_str(), db,
             subs ? subs->count(SubKind::Channel) : 0, subs ? subs->count(SubKind::Pattern) : 0,
             subs ? subs->count(SubKind::Shard) : 0,
             multi ? static_cast<int>(multi->commands.size()) : -1, qbuf, qbuf_free,
             conn_ ? conn_->input_capacity() : 0, conn_ ? conn_->input_capacity() : 0, obl, oll,
             omem,
             (conn_ ? conn_->input_capacity() + conn_->out().allocated() : 0) +
                 sizeof(Client) + sizeof(net::Connection),
             cmd.c_str(), has_flag(kClientMaster) ? "(superuser)" : "default", proto);
    return buf;
}

}  // namespace slotcache::server
