// slotcache-cli's command line, parsed with redis-cli's names, defaults and rules (redis-cli.c
// parseOptions): options come first, the first word that does not start with '-' starts the
// command; an option missing its value is "Unrecognized option or bad number of args".
//
// Parsing is pure (no printing, no exit) so that it can be unit-tested; cli.cpp acts on the
// outcome. `--cluster <subcommand> [args...]` and the --cluster-* options fill
// CliOptions::manager (cluster/manager_options.h); a non-empty manager.command selects the
// cluster manager mode.
//
// Any thread.
#pragma once

#include <string>
#include <vector>

#include "cli/cluster/manager_options.h"
#include "cli/format.h"

namespace slotcache::cli {

inline constexpr const char* kCliVersion = "0.1.0";

struct CliOptions {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string socket;  // -s: a unix socket path, overrides host and port
    std::string user;    // --user
    std::string pass;    // -a / --pass (or REDISCLI_AUTH)
    bool has_pass = false;
    bool no_auth_warning = false;
    int dbnum = 0;
    long long repeat = 1;       // -r: negative repeats forever
    long long interval_us = 0;  // -i seconds, as microseconds
    bool stdin_arg = false;     // -x
    bool resp3 = false;         // -3
    bool cluster_mode = false;  // -c
    bool set_errcode = false;   // -e
    OutputMode output = OutputMode::Standard;
    bool output_forced = false;    // --raw, --no-raw or --csv given: isatty(stdout) does not decide
    bool push_output = false;      // print RESP3 pushes (redis-cli: when stdout is a tty)
    std::string mb_delim = "\n";   // -d
    std::string cmd_delim = "\n";  // -D
    bool verbose = false;          // --verbose
    bool pipe = false;             // --pipe: mass insertion from stdin (pipe.h)
    int pipe_timeout_s = 30;       // --pipe-timeout: redis-cli's default; 0 waits forever
    std::vector<std::string> command;  // the command words after the options
    cluster::ManagerOptions manager;   // --cluster and --cluster-* options
};

enum class CliAction : uint8_t {
    Run,      // connect and run options.command, or the REPL when it is empty
    Help,     // print usage to stderr, exit 1 (as redis-cli does)
    Version,  // print "slotcache-cli <version>", exit 0
    Error,    // print error to stderr, exit 1
};

struct CliParse {
    CliAction action = CliAction::Run;
    CliOptions options;
    std::string error;  // for Error: the message without a trailing newline
};

// args excludes argv[0]. Does not look at the environment or the terminal.
CliParse parse_cli_options(const std::vector<std::string>& args);

// The usage text redis-cli prints for --help, with this tool's name and supported options.
std::string cli_usage();

}  // namespace slotcache::cli
