// redis-cli's command path (see session.h). The order of checks in read_and_print is
// redis-cli's: a -c redirection is handled (and not printed) before -e looks at error replies,
// and a reply is printed only after both.
#include "cli/session.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/strutil.h"

namespace slotcache::cli {

namespace {

IssueResult ok() {
    return IssueResult{};
}

IssueResult failed() {
    return IssueResult{IssueResult::Kind::Failed, 0};
}

IssueResult exit_with(int code) {
    return IssueResult{IssueResult::Kind::Exit, code};
}

bool is_cmd(const std::vector<std::string>& argv, const char* name, size_t argc = 0) {
    return !argv.empty() && iequals(argv[0], name) && (argc == 0 || argv.size() == argc);
}

void write_out(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
}

}  // namespace

Session::Session(CliOptions opts) : opts_(std::move(opts)) {}

void Session::set_address(const std::string& host, int port) {
    opts_.host = host;
    opts_.port = port;
}

std::string Session::prompt() const {
    if (!conn_) {
        return "not connected> ";
    }
    std::string p;
    if (!opts_.socket.empty()) {
        p = "redis " + opts_.socket;
    } else if (opts_.host.find(':') != std::string::npos) {
        p = "[" + opts_.host + "]:" + std::to_string(opts_.port);  // anetFormatAddr for IPv6
    } else {
        p = opts_.host + ":" + std::to_string(opts_.port);
    }
    if (opts_.dbnum != 0) {
        p += "[" + std::to_string(opts_.dbnum) + "]";
    }
    if (in_multi_) {
        p += "(TX)";
    }
    return p + "> ";
}

// Sends a command of the connection set-up. False when the connection broke (no reply).
bool Session::run_setup_command(const std::vector<std::string>& argv, Reply* reply) {
    return conn_->call(argv, reply);
}

bool Session::connect(bool force, bool quiet) {
    if (conn_ && !force) {
        return true;
    }
    if (conn_) {
        conn_.reset();
        opts_.dbnum = 0;
        in_multi_ = false;
    }
    std::string err;
    // A -c redirection names a TCP address: the unix socket is for the first node only.
    if (opts_.socket.empty() || (opts_.cluster_mode && reissue_)) {
        conn_ = Connection::connect_tcp(opts_.host, opts_.port, &err);
    } else {
        conn_ = Connection::connect_unix(opts_.socket, &err);
    }
    if (!conn_) {
        if (!quiet) {
            if (opts_.socket.empty()) {
                std::fprintf(stderr, "Could not connect to Redis at %s:%d: %s\n",
                             opts_.host.c_str(), opts_.port, err.c_str());
            } else {
                std::fprintf(stderr, "Could not connect to Redis at %s: %s\n",
                             opts_.socket.c_str(), err.c_str());
            }
        }
        return false;
    }
    Reply r;
    if (opts_.has_pass) {
        std::vector<std::string> auth = {"AUTH"};
        if (!opts_.user.empty()) {
            auth.push_back(opts_.user);
        }
        auth.push_back(opts_.pass);
        if (!run_setup_command(auth, &r)) {
            return false;
        }
        if (r.is_error()) {
            std::fprintf(stderr, "AUTH failed: %s\n", r.str.c_str());
        }
    }
    if (opts_.dbnum != 0 &&
        (!run_setup_command({"SELECT", std::to_string(opts_.dbnum)}, &r) || r.is_error())) {
        return false;
    }
    if (opts_.resp3 && (!run_setup_command({"HELLO", "3"}, &r) || r.is_error())) {
        return false;
    }
    return true;
}

void Session::print_push(const Reply& r) {
    std::string out;
    if (opts_.output != OutputMode::Standard || !format_invalidate(r, &out)) {
        out = format_reply(r, opts_.output, false, opts_.mb_delim, opts_.cmd_delim);
    }
    write_out(out);
}

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381": switch the address to the target.
bool Session::handle_redirect(const std::string& err) {
    const bool ask = err.rfind("ASK ", 0) == 0;
    if (!ask && err.rfind("MOVED ", 0) != 0) {
        return false;
    }
    const size_t s = err.find(' ');
    const size_t p = err.find(' ', s + 1);
    const size_t colon = err.rfind(':');
    if (p == std::string::npos || colon == std::string::npos || colon < p) {
        return false;
    }
    const int slot = std::atoi(err.c_str() + s + 1);
    opts_.host = err.substr(p + 1, colon - p - 1);
    opts_.port = std::atoi(err.c_str() + colon + 1);
    if (interactive_) {
        std::printf("-> Redirected to slot [%d] located at %s:%d\n", slot, opts_.host.c_str(),
                    opts_.port);
    }
    reissue_ = true;
    send_asking_ = ask;
    return true;
}

IssueResult Session::read_and_print(bool verbatim) {
    Reply r;
    for (;;) {
        if (!conn_->read_reply(&r)) {
            if (shutdown_) {
                conn_.reset();
                return ok();
            }
            if (interactive_ && conn_->lost()) {
                return failed();
            }
            std::fprintf(stderr, "Error: %s\n", conn_->error().c_str());
            return exit_with(1);
        }
        // Out-of-band RESP3 pushes are shown (tty) or dropped, and the reply is still ahead;
        // in pub/sub mode the pushes are the replies.
        if (r.type != ReplyType::Push || pubsub_mode_) {
            break;
        }
        if (opts_.push_output) {
            print_push(r);
        }
    }
    last_type_ = r.type;
    if (opts_.cluster_mode && r.is_error() && handle_redirect(r.str)) {
        return ok();
    }
    if (!interactive_ && opts_.set_errcode && r.is_error()) {
        std::fprintf(stderr, "%s\n", r.str.c_str());
        return exit_with(1);
    }
    write_out(format_reply(r, opts_.output, verbatim, opts_.mb_delim, opts_.cmd_delim));
    return ok();
}

// The state redis-cli tracks from successful commands: the database and MULTI in the prompt.
void Session::after_reply(const std::vector<std::string>& argv) {
    const bool error = last_type_ == ReplyType::Error;
    if (is_cmd(argv, "select", 2) && !error) {
        opts_.dbnum = std::atoi(argv[1].c_str());
    } else if (is_cmd(argv, "auth") && (argv.size() == 2 || argv.size() == 3)) {
        Reply r;
        if (opts_.dbnum != 0) {
            (void)run_setup_command({"SELECT", std::to_string(opts_.dbnum)}, &r);
        }
    } else if (is_cmd(argv, "multi", 1) && !error) {
        in_multi_ = true;
        pre_multi_db_ = opts_.dbnum;
    } else if (is_cmd(argv, "exec", 1) && in_multi_) {
        in_multi_ = false;
        if (error) {
            opts_.dbnum = pre_multi_db_;
        }
    } else if (is_cmd(argv, "discard", 1) && !error) {
        in_multi_ = false;
        opts_.dbnum = pre_multi_db_;
    }
}

IssueResult Session::send_command(const std::vector<std::string>& argv, long long repeat) {
    if (!conn_) {
        return failed();
    }
    const bool verbatim = is_verbatim_command(argv);
    shutdown_ = is_cmd(argv, "shutdown");
    monitor_mode_ = is_cmd(argv, "monitor");
    pubsub_mode_ = is_cmd(argv, "subscribe") || is_cmd(argv, "psubscribe") ||
                   is_cmd(argv, "ssubscribe");
    while (repeat < 0 || repeat-- > 0) {
        if (send_asking_) {
            send_asking_ = false;
            Reply r;
            if (!run_setup_command({"ASKING"}, &r)) {
                return failed();
            }
        }
        if (!conn_->send(argv)) {
            return failed();
        }
        // MONITOR and SUBSCRIBE stream replies until the connection ends (the user's Ctrl-C),
        // as in redis-cli; an error reply ends pub/sub mode.
        while (monitor_mode_) {
            IssueResult r = read_and_print(verbatim);
            if (r.kind != IssueResult::Kind::Ok) {
                return exit_with(1);
            }
            std::fflush(stdout);
        }
        if (pubsub_mode_) {
            if (opts_.output != OutputMode::Raw) {
                std::printf("Reading messages... (press Ctrl-C to quit)\n");
            }
            while (pubsub_mode_) {
                IssueResult r = read_and_print(verbatim);
                if (r.kind != IssueResult::Kind::Ok) {
                    return exit_with(1);
                }
                std::fflush(stdout);
                if (last_type_ == ReplyType::Error) {
                    pubsub_mode_ = false;
                }
            }
            continue;
        }
        IssueResult r = read_and_print(verbatim);
        if (r.kind != IssueResult::Kind::Ok || !conn_) {
            return r;
        }
        after_reply(argv);
        if (reissue_) {
            break;  // the command goes to the new node once, not `repeat` more times here
        }
        if (opts_.interval_us > 0) {
            usleep(static_cast<useconds_t>(opts_.interval_us));
        }
        std::fflush(stdout);
    }
    return ok();
}

IssueResult Session::issue(const std::vector<std::string>& argv, long long repeat) {
    for (int redirects = 0;; redirects++) {
        reissue_ = false;
        IssueResult r = send_command(argv, repeat);
        if (r.kind == IssueResult::Kind::Failed) {
            connect(true);
            r = send_command(argv, repeat);
            if (r.kind == IssueResult::Kind::Failed) {
                if (conn_) {
                    std::fprintf(stderr, "Error: %s\n", conn_->error().c_str());
                }
                return r;
            }
        }
        if (r.kind == IssueResult::Kind::Exit) {
            return r;
        }
        if (!(opts_.cluster_mode && reissue_)) {
            return r;
        }
        if (redirects + 1 >= kMaxRedirects) {
            std::fprintf(stderr, "Error: Too many Cluster redirections?\n");
            return failed();
        }
        connect(true);
    }
}

}  // namespace slotcache::cli
