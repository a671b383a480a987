// Listening sockets: TCP on each `bind` address and an optional unix socket. Accepted streams
// become Connections handed to an AcceptHandler (the server), which owns them from then on.
//
// Redis' bind rules: "*" is every IPv4 address, "::*" every IPv6 address, and a leading '-'
// marks an address that may be unavailable (skipped instead of failing start-up).
//
// Loop thread only. Listeners live as long as the server; close_all() on shutdown.
#pragma once

#include <uv.h>

#include <string>
#include <vector>

#include "net/connection.h"

namespace slotcache::net {

class AcceptHandler {
public:
    virtual ~AcceptHandler() = default;
    virtual void on_accept(Connection* conn) = 0;
};

class Listeners {
public:
    Listeners(uv_loop_t* loop, AcceptHandler* handler) : loop_(loop), handler_(handler) {}
    Listeners(const Listeners&) = delete;
    Listeners& operator=(const Listeners&) = delete;

    // Listens on every address; on failure returns false with a message like Redis' ("Could
    // not create server TCP listening socket 127.0.0.1:6379: bind: Address already in use").
    bool listen_tcp(const std::vector<std::string>& addrs, int port, int backlog,
                    std::string* err);
    // Removes a stale socket file first; applies perm (octal mode, 0 = leave default).
    bool listen_unix(const std::string& path, unsigned perm, int backlog, std::string* err);
    void close_all();
    size_t count() const { return handles_.size(); }

private:
    struct Handle {
        union {
            uv_tcp_t tcp;
            uv_pipe_t pipe;
        } h;
        Listeners* owner;
        bool is_unix;
    };
    static void on_connection(uv_stream_t* server, int status);
    bool listen_one(const std::string& addr, int port, int backlog, std::string* err);

    uv_loop_t* loop_;
    AcceptHandler* handler_;
    std::vector<Handle*> handles_;
    std::string unix_path_;
};

}  // namespace slotcache::net
