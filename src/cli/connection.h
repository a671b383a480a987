// A blocking client connection to one server (TCP or unix socket) for the interactive cli and,
// later, the --cluster manager: send a command, wait for its reply.
//
// Blocking I/O on purpose: a REPL does one thing at a time, and the cluster manager's steps are
// sequential; a libuv loop would add callbacks without adding concurrency. Error texts are
// hiredis' ("Connection refused", "Server closed the connection") because redis-cli prints them.
// An optional timeout (the consistency checker's: a dead or stopped node must cost at most about
// one timeout) bounds the connect and every wait for the socket; a timed-out connection is
// unusable, as after any other error, because a late reply would answer the next command.
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
    // ("Connection refused", "Connection timed out", or the resolver's message). timeout_ms > 0
    // bounds the connect and, afterwards, each blocking send and recv (SO_SNDTIMEO/SO_RCVTIMEO);
    // 0 blocks as long as the kernel lets it.
    static std::unique_ptr<Connection> connect_tcp(const std::string& host, int port,
                                                   std::string* err, int timeout_ms = 0);
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

    // The socket, for a reply that is not RESP: the payload after SYNC (the cluster manager's
    // backup). Only between commands (nothing buffered by the reader); the connection is not
    // usable for commands afterwards.
    int native_handle() const { return fd_; }

    const std::string& error() const { return error_; }
    // True when the last failure was the peer closing or resetting the connection: the REPL
    // reconnects and retries once in that case, as redis-cli does.
    bool lost() const { return lost_; }
    // True when the last send or recv failed because the timeout given to connect_tcp expired.
    bool timed_out() const { return timed_out_; }

private:
    explicit Connection(int fd) : fd_(fd) {}

    int fd_;
    ReplyReader reader_;
    std::string error_;
    bool lost_ = false;
    bool timed_out_ = false;
};

}  // namespace slotcache::cli
