#include "net/connection.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

namespace slotcache::net {

namespace {
// A read hands libuv at least this much room; 16 KiB like Redis' PROTO_IOBUF_LEN.
constexpr size_t kReadChunk = 16 * 1024;
// After a large argument the buffer is given back once empty, so an idle client keeps 16 KiB.
constexpr size_t kShrinkAbove = 64 * 1024;
constexpr size_t kMaxIov = 64;

std::string format_addr(const sockaddr_storage& ss, bool* loopback) {
    char ip[INET6_ADDRSTRLEN] = {0};
    int port = 0;
    if (ss.ss_family == AF_INET) {
        auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        port = ntohs(a->sin_port);
        if (loopback) *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
        return std::string(ip) + ":" + std::to_string(port);
    }
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
        port = ntohs(a->sin6_port);
        if (loopback) {
            *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
                        (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127);
        }
        return "[" + std::string(ip) + "]:" + std::to_string(port);
    }
    return "?:0";
}
}  // namespace

Connection* Connection::create(uv_loop_t* loop, Kind kind) {
    auto* c = new Connection(kind);
    if (kind == Kind::Tcp) {
        uv_tcp_init(loop, &c->handle_.tcp);
    } else {
        uv_pipe_init(loop, &c->handle_.pipe, 0);
    }
    c->handle_.tcp.data = c;  // the data field is at the same place in every handle type
    c->rbuf_ = static_cast<char*>(malloc(kReadChunk));
    c->rcap_ = kReadChunk;
    return c;
}

Connection::~Connection() { free(rbuf_); }

int Connection::fd() const {
    uv_os_fd_t fd = -1;
    uv_fileno(reinterpret_cast<const uv_handle_t*>(&handle_), &fd);
    return fd;
}

void Connection::resolve_addresses() {
    if (kind_ == Kind::Unix) {
        char path[512];
        size_t len = sizeof(path);
        if (uv_pipe_getsockname(&handle_.pipe, path, &len) == 0) {
            local_ = std::string(path, len) + ":0";
        }
        peer_ = local_;
        loopback_ = true;
        return;
    }
    sockaddr_storage ss{};
    int len = sizeof(ss);
    if (uv_tcp_getpeername(&handle_.tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        peer_ = format_addr(ss, &loopback_);
    }
    len = sizeof(ss);
    if (uv_tcp_getsockname(&handle_.tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        local_ = format_addr(ss, nullptr);
    }
}

bool Connection::start_reading() {
    if (kind_ == Kind::Tcp) uv_tcp_nodelay(&handle_.tcp, 1);
    int r = uv_read_start(stream(), on_alloc, on_read);
    if (r != 0) {
        close();
        return false;
    }
    reading_ = true;
    paused_ = false;
    return true;
}

void Connection::pause_reading() {
    if (paused_ || closing_) return;
    paused_ = true;
    if (reading_) uv_read_stop(stream());
}

void Connection::resume_reading() {
    if (!paused_ || closing_) return;
    paused_ = false;
    if (reading_) uv_read_start(stream(), on_alloc, on_read);
}

void Connection::consume_input(size_t n) {
    rstart_ += n;
    if (rstart_ == rend_) {
        rstart_ = rend_ = 0;
        if (rcap_ > kShrinkAbove) {
            free(rbuf_);
            rbuf_ = static_cast<char*>(malloc(kReadChunk));
            rcap_ = kReadChunk;
        }
    }
}

void Connection::reserve_input(size_t total) {
    size_t have = rend_ - rstart_;
    if (total <= rcap_ - rstart_) return;
    if (rstart_ > 0) {
        memmove(rbuf_, rbuf_ + rstart_, have);
        rend_ = have;
        rstart_ = 0;
    }
    if (total > rcap_) {
        rbuf_ = static_cast<char*>(realloc(rbuf_, total));
        rcap_ = total;
    }
}

void Connection::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* c = static_cast<Connection*>(h->data);
    if (c->rcap_ - c->rend_ < kReadChunk) {
        size_t have = c->rend_ - c->rstart_;
        if (c->rstart_ > 0) {
            memmove(c->rbuf_, c->rbuf_ + c->rstart_, have);
            c->rstart_ = 0;
            c->rend_ = have;
        }
        if (c->rcap_ - c->rend_ < kReadChunk) {
            size_t ncap = c->rcap_ * 2;
            if (ncap < have + kReadChunk) ncap = have + kReadChunk;
            c->rbuf_ = static_cast<char*>(realloc(c->rbuf_, ncap));
            c->rcap_ = ncap;
        }
    }
    buf->base = c->rbuf_ + c->rend_;
    buf->len = c->rcap_ - c->rend_;
}

void Connection::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
    auto* c = static_cast<Connection*>(s->data);
    if (nread == 0 || c->closing_) return;
    if (nread < 0) {
        c->close();
        return;
    }
    c->rend_ += static_cast<size_t>(nread);
    c->bytes_read_ += static_cast<uint64_t>(nread);
    if (c->handler_) c->handler_->on_readable(*c);
}

bool Connection::flush() {
    if (writing_ || closing_ || out_.empty()) return !closing_;
    iovec iov[kMaxIov];
    uv_buf_t bufs[kMaxIov];
    size_t n = out_.iov(iov, kMaxIov);
    for (size_t i = 0; i < n; i++) bufs[i] = uv_buf_init(static_cast<char*>(iov[i].iov_base),
                                                         static_cast<unsigned>(iov[i].iov_len));
    int r = uv_try_write(stream(), bufs, static_cast<unsigned>(n));
    if (r > 0) {
        out_.consume(static_cast<size_t>(r));
        bytes_written_ += static_cast<uint64_t>(r);
    } else if (r < 0 && r != UV_EAGAIN) {
        close();
        return false;
    }
    if (out_.empty()) return true;

    n = out_.iov(iov, kMaxIov);
    inflight_ = 0;
    for (size_t i = 0; i < n; i++) {
        bufs[i] = uv_buf_init(static_cast<char*>(iov[i].iov_base),
                              static_cast<unsigned>(iov[i].iov_len));
        inflight_ += iov[i].iov_len;
    }
    wreq_.data = this;
    if (uv_write(&wreq_, stream(), bufs, static_cast<unsigned>(n), on_write) != 0) {
        close();
        return false;
    }
    writing_ = true;
    return true;
}

void Connection::on_write(uv_write_t* req, int status) {
    auto* c = static_cast<Connection*>(req->data);
    c->writing_ = false;
    if (status < 0 || c->closing_) {
        c->close();
        return;
    }
    c->out_.consume(c->inflight_);
    c->bytes_written_ += c->inflight_;
    c->inflight_ = 0;
    if (!c->out_.empty()) {
        c->flush();
    } else if (c->handler_) {
        c->handler_->on_drained(*c);
    }
}

void Connection::close() {
    if (closing_) return;
    closing_ = true;
    // A shutdown's uv_walk may have closed the handle already (closing it twice is a libuv
    // assertion): e.g. the replica's link to its master, closed again by ~Replica after the
    // loop ended.
    if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&handle_))) return;
    if (reading_ && !paused_) uv_read_stop(stream());
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_), on_close);
}

void Connection::on_close(uv_handle_t* h) {
    auto* c = static_cast<Connection*>(h->data);
    if (c->handler_) c->handler_->on_closed(*c);
    delete c;
}

}  // namespace slotcache::net
