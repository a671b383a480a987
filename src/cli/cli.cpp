// slotcache-cli's main: options, then one of the modes redis-cli has — a command given as
// arguments (one-shot), or the REPL (interactive on a tty; reading lines from a pipe
// otherwise, with no prompt, as linenoise does when stdin is not a terminal).
//
// Line input on a terminal goes through line_edit.h (editing, the session's history); from a
// pipe, or a terminal linenoise would not drive (TERM=dumb), it is a plain getline. `--pipe` is
// mass insertion (pipe.h); `--cluster` hands over to the cluster manager (cluster/manager.h).
//
// Main thread; blocking.
#include "cli/cli.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/cluster/manager.h"
#include "cli/line_edit.h"
#include "cli/options.h"
#include "cli/pipe.h"
#include "cli/session.h"
#include "cli/text.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

void print_generic_help() {
    std::printf(
        "slotcache-cli %s\n"
        "To get help about Redis commands type:\n"
        "      \"help @<group>\" to get a list of commands in <group>\n"
        "      \"help <command>\" for help on <command>\n"
        "      \"help <tab>\" to get a list of possible help topics\n"
        "      \"quit\" to exit\n"
        "\n"
        "To set redis-cli preferences:\n"
        "      \":set hints\" enable online hints\n"
        "      \":set nohints\" disable online hints\n"
        "Set your preferences in ~/.redisclirc\n",
        kCliVersion);
}

bool is_help(const std::vector<std::string>& argv) {
    return !argv.empty() && (iequals(argv[0], "help") || argv[0] == "?");
}

std::string read_all_stdin() {
    std::string arg;
    char buf[4096];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            std::perror("Reading from standard input");
            std::exit(1);
        }
        arg.append(buf, static_cast<size_t>(n));
    }
    return arg;
}

int result_code(const IssueResult& r) {
    switch (r.kind) {
        case IssueResult::Kind::Ok: return 0;
        case IssueResult::Kind::Exit: return r.exit_code;
        case IssueResult::Kind::Failed: return 255;  // redis-cli returns REDIS_ERR (-1)
    }
    return 255;
}

// A leading number repeats the command ("3 ping"). Returns false (after printing redis-cli's
// message) when the number is not a valid repeat count.
bool take_repeat(const std::vector<std::string>& argv, long long* repeat, size_t* skip) {
    *repeat = 1;
    *skip = 0;
    if (argv.size() < 2) {
        return true;
    }
    errno = 0;
    char* end = nullptr;
    long n = std::strtol(argv[0].c_str(), &end, 10);
    if (*end != '\0') {
        return true;
    }
    if (errno == ERANGE || errno == EINVAL || n <= 0) {
        std::fputs("Invalid redis-cli repeat command option value.\n", stdout);
        return false;
    }
    *repeat = n;
    *skip = 1;
    return true;
}

// One REPL line. Returns false when the session should end (quit / exit).
bool repl_line(Session* s, const std::string& line) {
    std::optional<std::vector<std::string>> split = split_args(line);
    if (!split) {
        std::printf("Invalid argument(s)\n");
        std::fflush(stdout);
        return true;
    }
    std::vector<std::string>& argv = *split;
    long long repeat = 1;
    size_t skip = 0;
    if (argv.empty() || !take_repeat(argv, &repeat, &skip)) {
        return true;
    }
    if (iequals(argv[0], "quit") || iequals(argv[0], "exit")) {
        return false;
    }
    if (argv[0][0] == ':') {
        if (!(iequals(argv[0], ":set") && argv.size() >= 2)) {
            std::printf("unknown redis-cli internal command '%s'\n", argv[0].c_str());
        } else if (!iequals(argv[1], "hints") && !iequals(argv[1], "nohints")) {
            std::printf("unknown redis-cli preference '%s'\n", argv[1].c_str());
        }
        return true;
    }
    if (iequals(argv[0], "restart")) {
        std::printf("Use 'restart' only in Lua debugging mode.");
    } else if (argv.size() == 3 && iequals(argv[0], "connect")) {
        s->set_address(argv[1], std::atoi(argv[2].c_str()));
        s->connect(true);
    } else if (argv.size() == 1 && iequals(argv[0], "clear")) {
        std::printf("\x1b[H\x1b[2J");
    } else {
        std::vector<std::string> cmd(argv.begin() + static_cast<std::ptrdiff_t>(skip), argv.end());
        const auto start = std::chrono::steady_clock::now();
        if (is_help(cmd)) {
            print_generic_help();
        } else {
            IssueResult r = s->issue(cmd, repeat);
            if (r.kind == IssueResult::Kind::Exit) {
                std::fflush(stdout);
                std::exit(r.exit_code);
            }
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        if (ms >= 500 && s->options().output == OutputMode::Standard) {
            std::printf("(%.2fs)\n", static_cast<double>(ms) / 1000);
        }
    }
    std::fflush(stdout);
    return true;
}

// The prompt on a terminal linenoise would drive: line editing and the session's history.
int repl_edited(Session* s) {
    LineEditor editor;
    for (;;) {
        std::optional<std::string> line = editor.read_line(s->prompt());
        if (!line) {
            return 0;
        }
        if (!line->empty()) {
            editor.add_history(*line);
            if (!repl_line(s, *line)) {
                return 0;
            }
        }
    }
}

int repl(Session* s) {
    s->set_interactive(true);
    if (line_edit_supported()) {
        return repl_edited(s);
    }
    const bool tty = isatty(STDIN_FILENO) != 0;
    std::string line;
    for (;;) {
        if (tty) {
            std::fputs(s->prompt().c_str(), stdout);
            std::fflush(stdout);
        }
        if (!std::getline(std::cin, line)) {
            if (tty) {
                std::fputs("\n", stdout);
            }
            return 0;
        }
        if (!line.empty() && !repl_line(s, line)) {
            return 0;
        }
    }
}

int one_shot(Session* s, std::vector<std::string> argv) {
    if (s->options().stdin_arg) {
        argv.push_back(read_all_stdin());
    }
    if (is_help(argv)) {
        print_generic_help();
        return 0;
    }
    return result_code(s->issue(argv, s->options().repeat));
}

// --cluster: REDISCLI_CLUSTER_YES=1 (redis-cli's variable) or SLOTCACHE_CLI_CLUSTER_YES=1
// answers the prompts that --cluster-yes answers.
int run_cluster_manager(CliOptions* o) {
    for (const char* var : {"REDISCLI_CLUSTER_YES", "SLOTCACHE_CLI_CLUSTER_YES"}) {
        const char* v = std::getenv(var);
        if (v != nullptr && std::string(v) == "1") {
            o->manager.yes = true;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    return cluster::cluster_manager_main(*o);
}

}  // namespace

int cli_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    CliParse parsed = parse_cli_options(args);
    switch (parsed.action) {
        case CliAction::Help:
            std::fputs(cli_usage().c_str(), stderr);
            return 1;
        case CliAction::Version:
            std::printf("slotcache-cli %s\n", kCliVersion);
            return 0;
        case CliAction::Error:
            std::fprintf(stderr, "%s\n", parsed.error.c_str());
            return 1;
        case CliAction::Run: break;
    }
    CliOptions& o = parsed.options;
    if (o.has_pass && !o.no_auth_warning) {
        std::fputs("Warning: Using a password with '-a' or '-u' option on the command line "
                   "interface may not be safe.\n",
                   stderr);
    }
    if (const char* env = std::getenv("REDISCLI_AUTH"); env != nullptr && !o.has_pass) {
        o.pass = env;
        o.has_pass = true;
    }
    if (!o.manager.command.empty()) {
        return run_cluster_manager(&o);
    }
    const bool stdout_tty = isatty(STDOUT_FILENO) != 0 || std::getenv("FAKETTY") != nullptr;
    if (!o.output_forced) {
        o.output = stdout_tty ? OutputMode::Standard : OutputMode::Raw;
    }
    o.push_output = stdout_tty;
    std::vector<std::string> command = std::move(o.command);
    Session session(std::move(o));
    if (session.options().pipe) {
        if (!session.connect(false)) {
            return 1;
        }
        std::signal(SIGPIPE, SIG_IGN);
        return pipe_main(session.connection(), session.options().pipe_timeout_s);
    }
    if (command.empty()) {
        // In the REPL a failed connection is not fatal: every command tries again.
        std::signal(SIGPIPE, SIG_IGN);
        session.connect(false);
        return repl(&session);
    }
    if (!session.connect(false)) {
        return 1;
    }
    return one_shot(&session, std::move(command));
}

}  // namespace slotcache::cli
