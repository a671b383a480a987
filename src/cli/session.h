// One redis-cli session: the current server address, the connection, the selected database and
// the state redis-cli keeps across commands (MULTI, pub/sub, -c redirections). The REPL and the
// one-shot mode (cli.cpp) drive it; the --cluster manager will use Connection directly.
//
// Mirrors redis-cli.c's cliConnect / cliSendCommand / cliReadReply / issueCommandRepeat, with
// one deliberate difference: a -c redirection chain is bounded (kMaxRedirects) instead of
// looping forever between two nodes that disagree.
//
// Main thread only. Prints to stdout/stderr as redis-cli does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/connection.h"
#include "cli/options.h"

namespace slotcache::cli {

// Outcome of sending a command. Exit means "terminate with exit_code" (redis-cli calls exit()
// there: -e with an error reply, or a broken connection outside the REPL).
struct IssueResult {
    enum class Kind : uint8_t { Ok, Failed, Exit } kind = Kind::Ok;
    int exit_code = 0;
};

class Session {
public:
    static constexpr int kMaxRedirects = 16;

    explicit Session(CliOptions opts);

    // cliConnect: (re)connects when there is no connection or force is set, then AUTH, SELECT
    // and HELLO 3 as the options ask. Prints "Could not connect to Redis at ..." unless quiet.
    bool connect(bool force, bool quiet = false);
    bool connected() const { return conn_ != nullptr; }
    // The connection, for --pipe (which then owns its protocol); null when not connected.
    Connection* connection() { return conn_.get(); }

    // issueCommandRepeat: sends argv repeat times (forever when negative), printing each reply,
    // reconnecting once on a lost connection and following MOVED/ASK with -c.
    IssueResult issue(const std::vector<std::string>& argv, long long repeat);

    // "127.0.0.1:6379[2](TX)> ", or "not connected> ".
    std::string prompt() const;

    void set_interactive(bool on) { interactive_ = on; }
    void set_address(const std::string& host, int port);
    const CliOptions& options() const { return opts_; }

private:
    IssueResult send_command(const std::vector<std::string>& argv, long long repeat);
    IssueResult read_and_print(bool verbatim);
    bool handle_redirect(const std::string& err);
    void after_reply(const std::vector<std::string>& argv);
    bool run_setup_command(const std::vector<std::string>& argv, Reply* reply);
    void print_push(const Reply& r);

    CliOptions opts_;
    std::unique_ptr<Connection> conn_;
    bool interactive_ = false;
    bool in_multi_ = false;
    int pre_multi_db_ = 0;
    bool reissue_ = false;     // a -c redirection asked to send the command again elsewhere
    bool send_asking_ = false; // ... after ASKING (an ASK redirection)
    bool shutdown_ = false;
    bool pubsub_mode_ = false;
    bool monitor_mode_ = false;
    ReplyType last_type_ = ReplyType::Nil;
};

}  // namespace slotcache::cli
