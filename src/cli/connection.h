// A blocking client connection to one server (TCP or unix socket) for the interactive cli and,
// later, the --cluster manager: send a command, wait for its reply.
//
// Blocking I/O on purpose: a REPL does one thing at a time, and the cluster manager's steps are
// sequential; a libuv loop would add callbacks without adding concurrency. Error texts are
// hiredis' ("Connection refused", "Server closed the connection") because redis-cli prints them.
//
// Not thread-safe; one owner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/reply.h"

namespace slotcache::cli {

class Connection {
public:
    // Connects (TCP_NODELAY, keepalive). On failure returns null and sets *err to the reason
    // ("Connection refused", or the resolver's message).
    static std::unique_ptr<Connection> connect_tcp(const std::string& host, int port,
                                                   std::string* err);
    static std::unique_ptr<Connection> connect_unix(const std::string& path, std::string* err);

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Writes the whole command. False on an I/O error (error() says which).
    bool send(const std::vector<std::string>& argv);
    // Blocks until one complete reply. False on EOF ("Server closed the connection"), an I/O
    // error or a protocol error; the connection is then unusable.
    bool read_reply(Reply* out);
    // send + read_reply.
    bool call(const std::vector<std::string>& argv, Reply* out);

    const std::string& error() const { return error_; }
    // True when the last failure was the peer closing or resetting the connection: the REPL
    // reconnects and retries once in that case, as redis-cli does.
    bool lost() const { return lost_; }

private:
    explicit Connection(int fd) : fd_(fd) {}

    int fd_;
    ReplyReader reader_;
    std::string error_;
    bool lost_ = false;
};

}  // namespace slotcache::cli
