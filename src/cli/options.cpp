// redis-cli's option parsing (see options.h). Numbers are read the way redis-cli reads them
// (atoi/strtoll/atof: leading digits, 0 when none) so that scripts passing odd values see the
// same behaviour.
#include "cli/options.h"

#include <cstdint>
#include <cstdlib>

namespace slotcache::cli {

namespace {

// Handles an option that takes a value. Returns false when opt is not one of them.
bool parse_valued(const std::string& opt, const std::string& value, CliOptions* o) {
    if (opt == "-h") {
        o->host = value;
    } else if (opt == "-p") {
        o->port = std::atoi(value.c_str());
    } else if (opt == "-s") {
        o->socket = value;
    } else if (opt == "-r") {
        o->repeat = std::strtoll(value.c_str(), nullptr, 10);
    } else if (opt == "-i") {
        o->interval_us = static_cast<long long>(std::atof(value.c_str()) * 1000000);
    } else if (opt == "-n") {
        o->dbnum = std::atoi(value.c_str());
    } else if (opt == "-a" || opt == "--pass") {
        o->pass = value;
        o->has_pass = true;
    } else if (opt == "--user") {
        o->user = value;
    } else if (opt == "-d") {
        o->mb_delim = value;
    } else if (opt == "-D") {
        o->cmd_delim = value;
    } else if (opt == "--pipe-timeout") {
        o->pipe_timeout_s = std::atoi(value.c_str());
    } else {
        return false;
    }
    return true;
}

// Handles a flag. Returns false when opt is not one of them.
bool parse_flag(const std::string& opt, CliOptions* o) {
    if (opt == "-x") {
        o->stdin_arg = true;
    } else if (opt == "--no-auth-warning") {
        o->no_auth_warning = true;
    } else if (opt == "--raw") {
        o->output = OutputMode::Raw;
        o->output_forced = true;
    } else if (opt == "--no-raw") {
        o->output = OutputMode::Standard;
        o->output_forced = true;
    } else if (opt == "--csv") {
        o->output = OutputMode::Csv;
        o->output_forced = true;
    } else if (opt == "-c") {
        o->cluster_mode = true;
    } else if (opt == "-e") {
        o->set_errcode = true;
    } else if (opt == "-3") {
        o->resp3 = true;
    } else if (opt == "--verbose") {
        o->verbose = true;
    } else if (opt == "--pipe") {
        o->pipe = true;
    } else {
        return false;
    }
    return true;
}

enum class Taken : uint8_t { No, Yes, Error };

bool starts_with_dash(const std::string& s) {
    return !s.empty() && s[0] == '-';
}

// "--cluster <subcommand> [args...]": the arguments are the words up to the next one that
// starts with '-' (redis-cli's rule, so options may follow the arguments).
Taken parse_cluster_subcommand(const std::vector<std::string>& args, size_t* i, CliParse* out) {
    cluster::ManagerOptions& m = out->options.manager;
    if (!m.command.empty()) {
        out->action = CliAction::Help;  // redis-cli: usage() when --cluster is given twice
        return Taken::Error;
    }
    m.command = args[++*i];
    while (*i + 1 < args.size() && !starts_with_dash(args[*i + 1])) {
        m.args.push_back(args[++*i]);
    }
    return Taken::Yes;
}

// --cluster-weight n1=w1 n2=w2 ...: every following word that holds a '=' and does not start
// with "--".
Taken parse_cluster_weights(const std::vector<std::string>& args, size_t* i, CliParse* out) {
    cluster::ManagerOptions& m = out->options.manager;
    if (!m.weights.empty()) {
        out->action = CliAction::Error;
        out->error =
            "WARNING: you cannot use --cluster-weight more than once.\n"
            "You can set more weights by adding them as a space-separated list, ie:\n"
            "--cluster-weight n1=w n2=w";
        return Taken::Error;
    }
    while (*i + 1 < args.size() && args[*i + 1].rfind("--", 0) != 0 &&
           args[*i + 1].find('=') != std::string::npos) {
        m.weights.push_back(args[++*i]);
    }
    return Taken::Yes;
}

// A --cluster-* option that takes a value; *i is on the option and the value exists.
bool parse_cluster_valued(const std::string& opt, const std::string& value,
                          cluster::ManagerOptions* m) {
    if (opt == "--cluster-replicas") {
        m->replicas = std::atoi(value.c_str());
    } else if (opt == "--cluster-master-id") {
        m->master_id = value;
    } else if (opt == "--cluster-from") {
        m->from = value;
    } else if (opt == "--cluster-to") {
        m->to = value;
    } else if (opt == "--cluster-from-user") {
        m->from_user = value;
    } else if (opt == "--cluster-from-pass") {
        m->from_pass = value;
    } else if (opt == "--cluster-slots") {
        m->slots = value;
    } else if (opt == "--cluster-timeout") {
        m->timeout_ms = std::atoi(value.c_str());
    } else if (opt == "--cluster-pipeline") {
        m->pipeline = std::atoi(value.c_str());
    } else if (opt == "--cluster-threshold") {
        m->threshold = std::atof(value.c_str());
    } else {
        return false;
    }
    return true;
}

bool parse_cluster_flag(const std::string& opt, cluster::ManagerOptions* m) {
    if (opt == "--cluster-yes") {
        m->yes = true;
    } else if (opt == "--cluster-slave" || opt == "--cluster-replica") {
        m->replica = true;
    } else if (opt == "--cluster-simulate") {
        m->simulate = true;
    } else if (opt == "--cluster-replace") {
        m->replace = true;
    } else if (opt == "--cluster-copy") {
        m->copy = true;
    } else if (opt == "--cluster-use-empty-masters") {
        m->use_empty_masters = true;
    } else if (opt == "--cluster-search-multiple-owners") {
        m->search_multiple_owners = true;
    } else if (opt == "--cluster-fix-with-unreachable-masters") {
        m->fix_with_unreachable_masters = true;
    } else if (opt == "--cluster-only-masters") {
        m->only_masters = true;
    } else if (opt == "--cluster-only-replicas") {
        m->only_replicas = true;
    } else if (opt == "--cluster-from-askpass") {
        m->from_askpass = true;
    } else {
        return false;
    }
    return true;
}

// The --cluster mode's options. *i is advanced past what was consumed.
Taken parse_cluster_option(const std::vector<std::string>& args, size_t* i, CliParse* out) {
    const std::string& a = args[*i];
    if (a.rfind("--cluster", 0) != 0) {
        return Taken::No;
    }
    const bool last = *i + 1 == args.size();
    if (a == "--cluster") {
        if (last) {
            out->action = CliAction::Help;
            return Taken::Error;
        }
        return parse_cluster_subcommand(args, i, out);
    }
    if (a == "--cluster-weight" && !last) {
        return parse_cluster_weights(args, i, out);
    }
    if (!last && parse_cluster_valued(a, args[*i + 1], &out->options.manager)) {
        ++*i;
        return Taken::Yes;
    }
    return parse_cluster_flag(a, &out->options.manager) ? Taken::Yes : Taken::No;
}

}  // namespace

CliParse parse_cli_options(const std::vector<std::string>& args) {
    CliParse out;
    CliOptions& o = out.options;
    size_t i = 0;
    for (; i < args.size(); i++) {
        const std::string& a = args[i];
        const bool last = i + 1 == args.size();
        if (a == "--help" || (a == "-h" && last)) {
            out.action = CliAction::Help;
            return out;
        }
        if (a == "-v" || a == "--version") {
            out.action = CliAction::Version;
            return out;
        }
        const Taken cluster_opt = parse_cluster_option(args, &i, &out);
        if (cluster_opt == Taken::Error) {
            return out;
        }
        if (cluster_opt == Taken::Yes) {
            continue;
        }
        if (!last && parse_valued(a, args[i + 1], &o)) {
            i++;
            continue;
        }
        if (parse_flag(a, &o)) {
            continue;
        }
        if (!a.empty() && a[0] == '-') {
            out.action = CliAction::Error;
            out.error = "Unrecognized option or bad number of args for: '" + a + "'";
            return out;
        }
        break;  // the command name
    }
    o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    return out;
}

std::string cli_usage() {
    std::string v = kCliVersion;
    return "slotcache-cli " + v +
           "\n"
           "\n"
           "Usage: slotcache-cli [OPTIONS] [cmd [arg [arg ...]]]\n"
           "  -h <hostname>      Server hostname (default: 127.0.0.1).\n"
           "  -p <port>          Server port (default: 6379).\n"
           "  -s <socket>        Server socket (overrides hostname and port).\n"
           "  -a <password>      Password to use when connecting to the server.\n"
           "                     You can also use the REDISCLI_AUTH environment\n"
           "                     variable to pass this password more safely\n"
           "                     (if both are used, this argument takes precedence).\n"
           "  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
           "  --pass <password>  Alias of -a for consistency with the new --user option.\n"
           "  -r <repeat>        Execute specified command N times.\n"
           "  -i <interval>      When -r is used, waits <interval> seconds per command.\n"
           "                     It is possible to specify sub-second times like -i 0.1.\n"
           "  -n <db>            Database number.\n"
           "  -3                 Start session in RESP3 protocol mode.\n"
           "  -x                 Read last argument from STDIN.\n"
           "  -d <delimiter>     Delimiter between response bulks for raw formatting (default: "
           "\\n).\n"
           "  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).\n"
           "  -c                 Enable cluster mode (follow -ASK and -MOVED redirections).\n"
           "  -e                 Return exit error code when command execution fails.\n"
           "  --raw              Use raw formatting for replies (default when STDOUT is\n"
           "                     not a tty).\n"
           "  --no-raw           Force formatted output even when STDOUT is not a tty.\n"
           "  --csv              Output in CSV format.\n"
           "  --no-auth-warning  Don't show warning message when using password on command\n"
           "                     line interface.\n"
           "  --cluster <command> [args...] [opts...]\n"
           "                     Cluster Manager command and arguments (see below).\n"
           "  --verbose          Verbose mode.\n"
           "  --pipe             Transfer raw Redis protocol from stdin to server.\n"
           "  --pipe-timeout <n> In --pipe mode, abort with error if after sending all data.\n"
           "                     no reply is received within <n> seconds.\n"
           "                     Default timeout: 30. Use 0 to wait forever.\n"
           "  --help             Output this help and exit.\n"
           "  --version          Output version and exit.\n"
           "\n"
           "Cluster Manager Commands:\n"
           "  Use --cluster help to list all available cluster manager commands.\n"
           "\n"
           "Examples:\n"
           "  cat /etc/passwd | slotcache-cli -x set mypasswd\n"
           "  slotcache-cli get mypasswd\n"
           "  slotcache-cli -r 100 lpush mylist x\n"
           "  slotcache-cli -r 100 -i 1 info | grep used_memory_human:\n"
           "\n"
           "When no command is given, slotcache-cli starts in interactive mode.\n"
           "\n";
}

}  // namespace slotcache::cli
