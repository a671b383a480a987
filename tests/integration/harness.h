// Integration test harness: real server processes, hiredis connections, raw sockets.
//
// What: every integration test starts its own server (the binary named by $SLOTCACHE_SERVER, by
// default src/slotcache-server found from the working directory or the test binary upwards) on a
// fresh port of the suite's range (11000-11999) in a fresh temp dir, talks to it through `Conn`
// (hiredis, RESP2) or `RawConn` (bytes on a plain socket, with a small RESP2/RESP3 reader: hiredis
// 0.14 in Debian 12 cannot parse RESP3), and stops it in the destructor.
// Approach: the expected replies are written as `Reply` values (`bulk("v")`, `integer(1)`, ...)
// compared with `==`, so that a failing CHECK prints both trees. The same tests run unchanged
// against Debian's redis-server 7.0 (SLOTCACHE_SERVER=/usr/bin/redis-server), the reference.
// Rejected: one shared server per suite (tests would leak state into each other and a crash would
// fail every later test); fixed sleeps to wait for readiness (slow and flaky: we poll a deadline).
// Invariants: a started server is always killed — by stop(), the destructor, the exit handler,
// a fatal-signal handler, or PR_SET_PDEATHSIG if the test binary itself is SIGKILLed.
// Thread: single-threaded test code.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace slotcache::itest {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// Replies

// An owned reply tree. RESP2 replies use Str/Status/Error/Int/Nil/Array; the raw reader also
// produces the RESP3 types. `Closed` means no reply: the connection was closed or timed out
// (str holds the I/O error text).
struct Reply {
    enum class Type {
        Str, Status, Error, Int, Nil, Array, Map, Set, Push, Double, Bool, BigNum, Verbatim, Closed
    };
    Type type = Type::Nil;
    std::string str;        // Str, Status, Error, Double/BigNum/Verbatim text, Closed reason
    long long integer = 0;  // Int, Bool (0/1)
    std::vector<Reply> elements;  // Array, Set, Push; Map as k1, v1, k2, v2, ...

    bool is_error() const { return type == Type::Error; }
    bool is_nil() const { return type == Type::Nil; }
    bool is_closed() const { return type == Type::Closed; }
    bool is_aggregate() const;
    // The value of a Map (or a flat RESP2 key/value array) for `key`; nullptr when absent.
    const Reply* field(std::string_view key) const;
    std::string to_string() const;  // a readable one-line form, used by CHECK failures
};
bool operator==(const Reply& a, const Reply& b);
std::ostream& operator<<(std::ostream& os, const Reply& r);

Reply bulk(std::string s);
Reply status(std::string s);
Reply error(std::string s);
Reply integer(long long v);
Reply nil();
Reply closed_reply(std::string why);
Reply array(std::vector<Reply> elements);
// An array of bulk strings.
Reply bulks(std::vector<std::string> items);
inline Reply ok() { return status("OK"); }

using Args = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Connections

// A hiredis synchronous connection (RESP2) with a 10 s I/O timeout, so a hung server fails the
// test instead of hanging it.
class Conn {
public:
    Conn(std::string_view host, int port);
    explicit Conn(const std::string& unix_path);
    ~Conn();
    Conn(Conn&& other) noexcept;
    Conn& operator=(Conn&&) = delete;
    Conn(const Conn&) = delete;

    bool connected() const;  // false if the connect failed
    std::string error_text() const;
    Reply cmd(const Args& args);
    // Pipelining: queue commands, then read their replies in order.
    void append(const Args& args);
    Reply read();
    std::vector<Reply> pipeline(const std::vector<Args>& commands);
    int fd() const;

private:
    redisContext* ctx_ = nullptr;
};

// A plain socket for protocol tests: exact bytes out, exact bytes (or a parsed reply) in.
class RawConn {
public:
    explicit RawConn(int port);                      // 127.0.0.1:port
    explicit RawConn(const std::string& unix_path);  // unix socket
    ~RawConn();
    RawConn(RawConn&& other) noexcept;
    RawConn(const RawConn&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool send(std::string_view bytes);
    // The exact bytes of the next complete reply; "" if closed or timed out first.
    std::string read_raw(Millis timeout = 5000ms);
    // The next reply parsed (RESP2 or RESP3); Type::Closed if closed or timed out first.
    Reply read(Millis timeout = 5000ms);
    // send + read_raw.
    std::string raw(std::string_view bytes, Millis timeout = 5000ms);
    // send + read: the parsed reply.
    Reply call(std::string_view bytes, Millis timeout = 5000ms);
    // Reads (and discards) until the peer closes; false on timeout.
    bool wait_closed(Millis timeout = 5000ms);
    // Whatever arrives within `timeout` (may be empty); sets *closed when EOF was seen.
    std::string read_some(Millis timeout, bool* closed = nullptr);
    // Number of recv() calls that returned data so far (to check that replies are batched).
    int recv_calls() const { return recv_calls_; }
    int fd() const { return fd_; }

private:
    bool fill(Millis timeout);  // one recv into buf_; false on EOF, error or timeout
    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;
    int recv_calls_ = 0;
};

// Parses one RESP2/RESP3 value at the start of `in`. Returns the bytes consumed, 0 if `in` does
// not hold a complete value yet; throws std::runtime_error on bytes that are not RESP.
size_t parse_resp(std::string_view in, Reply* out);

// ---------------------------------------------------------------------------------------------
// Server processes

struct ServerOptions {
    Args extra;               // more "--directive value" arguments
    std::string config_text;  // if not empty: written to <dir>/server.conf, passed as argv[1]
    bool wait_ready = true;   // wait (up to 10 s) until PING answers
    std::string requirepass;  // the password the readiness PING authenticates with
};

class ServerProcess {
public:
    explicit ServerProcess(ServerOptions options = {});
    explicit ServerProcess(Args extra);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::string& dir() const { return dir_; }
    std::string log() const;  // the server's log file plus its stdout/stderr
    bool running();           // false once it exited (reaps it)
    // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status as the shell shows it:
    // the exit code, or 128 + signal; -1 if it was not running.
    int stop(Millis grace = 5000ms);
    // Waits for the process to exit by itself (after SHUTDOWN); exit status as stop(), -2 on timeout.
    int wait_exit(Millis timeout = 5000ms);
    void pause_process();   // SIGSTOP
    void resume_process();  // SIGCONT

    Conn connect() const { return Conn("127.0.0.1", port_); }
    RawConn raw() const { return RawConn(port_); }

private:
    void start(const ServerOptions& options);
    void cleanup();  // stop, then remove the temp dir (kept if $SLOTCACHE_KEEP_TMP is set)
    int port_ = 0;
    pid_t pid_ = -1;
    int exit_status_ = -1;
    std::string dir_;
};

// The binary under test: $SLOTCACHE_SERVER or src/slotcache-server found upwards.
std::string server_binary();
// `relative` (e.g. "conf/cluster.conf") found from the working directory or the test binary's
// directory, up to 6 levels up; "" if absent.
std::string find_in_repo(const std::string& relative);
// Forks and execs argv[0] with stdout and stderr going to out_path (appended when `append`);
// the child dies with the test binary (PR_SET_PDEATHSIG) and its pid is registered so that
// exit and fatal signals kill it. Throws on fork failure.
pid_t spawn_process(Args argv, const std::string& out_path, bool append);
// A registered process that was reaped by its owner.
void unregister_pid(pid_t pid);
// A fresh free port of the suite's range (11000 + counter).
int next_port();
// True when nothing listens on 127.0.0.1:port (a bind succeeds).
bool port_is_free(int port);

// ---------------------------------------------------------------------------------------------
// Helpers

// Polls `predicate` every `interval` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& predicate, Millis timeout = 5000ms,
                Millis interval = 10ms);

// INFO [section] as a field -> value map (comment and empty lines dropped).
std::map<std::string, std::string> info(Conn& c, const std::string& section = "");
long long info_int(Conn& c, const std::string& section, const std::string& field);
// COMMAND INFO name: false if the server does not know the command (to skip checks that need
// commands slotcache does not have yet, such as lists).
bool has_command(Conn& c, const std::string& name);
long long now_ms();

}  // namespace slotcache::itest
