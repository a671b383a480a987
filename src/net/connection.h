// One accepted or outgoing stream (TCP or unix socket) on the loop: a contiguous read buffer
// the RESP parser reads in place, the output buffer replies are appended to, and the writev
// that drains it.
//
// Approach: libuv's alloc callback hands out the free tail of our own read buffer, so bytes
// land where the parser will read them (no copy). Output is flushed by the owner once per loop
// iteration (Server's prepare hook) with uv_try_write over an iovec of the OutBuffer blocks;
// whatever the kernel does not take is queued with one uv_write whose buffers stay put until
// its callback (appends only add blocks at the tail, and nothing is consumed while a write is
// in flight).
//
// Back-pressure: the owner calls pause_reading() when a peer's pending output is too large
// and resume_reading() when it drained; while paused libuv does not read, so the peer's
// kernel buffers fill and the peer blocks. Rejected: reading on and buffering (memory grows
// with a peer that does not read).
//
// Lifetime: heap-allocated, never moved (libuv holds pointers to the handle). close() is the
// only way to end it; the object is deleted in libuv's close callback, after
// ConnectionHandler::on_closed. The handler must not touch the connection after on_closed.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "resp/reply.h"

namespace slotcache::net {

class Connection;

class ConnectionHandler {
public:
    virtual ~ConnectionHandler() = default;
    // New bytes are in conn.read_data(); the handler consumes what it parsed.
    virtual void on_readable(Connection& conn) = 0;
    // The peer closed, an I/O error happened, or close() was called. Last callback.
    virtual void on_closed(Connection& conn) = 0;
    // Output fully written after having been queued (used to resume paused readers).
    virtual void on_drained(Connection&) {}
};

class Connection {
public:
    enum class Kind : uint8_t { Tcp, Unix };

    // Initialises the handle on loop; the caller then accepts into stream() or connects.
    static Connection* create(uv_loop_t* loop, Kind kind);

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle_); }
    Kind kind() const { return kind_; }
    void set_handler(ConnectionHandler* h) { handler_ = h; }

    // Starts reading; returns false (and closes) on error.
    bool start_reading();
    void pause_reading();
    void resume_reading();
    bool is_reading_paused() const { return paused_; }

    // Unconsumed input. Pointers stay valid until the next read callback or consume_input().
    const char* read_data() const { return rbuf_ + rstart_; }
    size_t read_size() const { return rend_ - rstart_; }
    void consume_input(size_t n);
    // The parser knows the next command needs this many bytes in total: grow once.
    void reserve_input(size_t total);
    size_t input_capacity() const { return rcap_; }

    resp::OutBuffer& out() { return out_; }
    // Writes what is pending; false if the connection was closed by an error.
    bool flush();
    bool is_write_pending() const { return writing_; }

    // Closes now (pending output is dropped). Idempotent.
    void close();
    bool is_closing() const { return closing_; }

    // "ip:port" of the peer ("" for unix sockets until set), and of our side.
    const std::string& peer_addr() const { return peer_; }
    const std::string& local_addr() const { return local_; }
    bool is_loopback() const { return loopback_; }
    void resolve_addresses();
    int fd() const;

    uint64_t bytes_read() const { return bytes_read_; }
    uint64_t bytes_written() const { return bytes_written_; }

private:
    explicit Connection(Kind kind) : kind_(kind) {}
    ~Connection();
    static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void on_write(uv_write_t* req, int status);
    static void on_close(uv_handle_t* h);

    union {
        uv_tcp_t tcp;
        uv_pipe_t pipe;
    } handle_;
    Kind kind_;
    ConnectionHandler* handler_ = nullptr;

    char* rbuf_ = nullptr;
    size_t rcap_ = 0;
    size_t rstart_ = 0;
    size_t rend_ = 0;

    resp::OutBuffer out_;
    uv_write_t wreq_;
    size_t inflight_ = 0;
    bool writing_ = false;

    bool paused_ = false;
    bool reading_ = false;
    bool closing_ = false;
    bool loopback_ = false;
    std::string peer_;
    std::string local_;
    uint64_t bytes_read_ = 0;
    uint64_t bytes_written_ = 0;
};

}  // namespace slotcache::net
