// `--cluster import host:port --cluster-from src_host:src_port [--cluster-copy]
// [--cluster-replace]` (redis-cli's clusterManagerCommandImport): copies every key of db 0 of a
// standalone server into the cluster. The cluster is checked first; then the source is walked
// with SCAN (1000 keys a call) and each key is sent to the master serving its slot with
// MIGRATE (run on the source, so keys never pass through this client). Without --cluster-copy
// the keys leave the source; without --cluster-replace a key that exists in the cluster stops
// the import with the server's BUSYKEY error.
// Needs MIGRATE on the source server.
#include <termios.h>
#include <unistd.h>

#include <cstdio>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/progress.h"
#include "common/crc16.h"

namespace slotcache::cli::cluster {

namespace {

constexpr const char* kScanCount = "1000";

struct Source {
    Node node;  // not part of the cluster: only its connection and address are used
    std::string reply_err;
};

// redis-cli's askPassword: the prompt, then a line read with the terminal's echo off.
std::string ask_password(const char* prompt) {
    std::printf("%s", prompt);
    std::fflush(stdout);
    termios saved{};
    const bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string pass;
    char c;
    while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {
        pass.push_back(c);
    }
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::printf("\n");
    }
    return pass;
}

bool connect_source(Manager& m, Source* src) {
    std::string err;
    src->node.conn = Connection::connect_tcp(src->node.host, src->node.port, &err);
    if (!src->node.conn) {
        std::fprintf(stderr, "Could not connect to Redis at %s:%d: %s.\n", src->node.host.c_str(),
                     src->node.port, err.c_str());
        return false;
    }
    const ManagerOptions& o = m.opt();
    const std::string pass =
        o.from_askpass ? ask_password("Please input import source node password: ") : o.from_pass;
    if (pass.empty()) {
        return true;
    }
    std::vector<std::string> auth = {"AUTH"};
    if (!o.from_user.empty()) {
        auth.push_back(o.from_user);
    }
    auth.push_back(pass);
    Reply r;
    if (!m.call(&src->node, auth, &r)) {
        std::fprintf(stderr, "\nI/O error\n");
        return false;
    }
    if (r.is_error()) {
        std::fprintf(stderr, "AUTH failed: %s\n", r.str.c_str());
        return false;
    }
    return true;
}

std::vector<std::string> migrate_argv(const Manager& m, const Node& target,
                                      const std::string& key) {
    std::vector<std::string> argv = {"MIGRATE", target.host, std::to_string(target.port),
                                     key,       "0",         std::to_string(m.opt().timeout_ms)};
    const CliOptions& c = m.cli();
    if (c.has_pass) {
        if (!c.user.empty()) {
            argv.insert(argv.end(), {"AUTH2", c.user, c.pass});
        } else {
            argv.insert(argv.end(), {"AUTH", c.pass});
        }
    }
    if (m.opt().copy) {
        argv.emplace_back("COPY");
    }
    if (m.opt().replace) {
        argv.emplace_back("REPLACE");
    }
    return argv;
}

// The master serving each slot.
std::vector<Node*> slot_owners(Manager& m) {
    std::vector<Node*> owners(kSlots, nullptr);
    for (int s = 0; s < kSlots; s++) {
        for (auto& n : m.nodes()) {
            if (!n->replica && n->slots_count > 0 && n->slots.test(static_cast<size_t>(s))) {
                owners[static_cast<size_t>(s)] = n.get();
                break;
            }
        }
    }
    return owners;
}

// The SCAN walk. False (after printing why) on the first key that cannot be moved.
bool migrate_all(Manager& m, Source* src, long long total) {
    const std::vector<Node*> owners = slot_owners(m);
    Progress progress(progress_enabled(), "Importing", total, "keys");
    progress.draw(true);
    std::string cursor = "0";
    do {
        Reply r;
        if (!m.call(&src->node, {"SCAN", cursor, "COUNT", kScanCount}, &r)) {
            return false;
        }
        if (r.is_error() || r.elements.size() < 2) {
            src->reply_err = r.str;
            return false;
        }
        cursor = r.elements[0].type == ReplyType::Integer ? std::to_string(r.elements[0].integer)
                                                          : r.elements[0].str;
        for (const Reply& k : r.elements[1].elements) {
            Node* target = owners[key_slot(k.str)];
            if (!progress.enabled()) {
                std::printf("Migrating %s to %s:%d: ", k.str.c_str(), target->host.c_str(),
                            target->port);
            }
            Reply mr;
            const bool sent = m.call(&src->node, migrate_argv(m, *target, k.str), &mr);
            if (!sent || mr.is_error()) {
                if (progress.enabled()) {
                    progress.clear();
                    std::printf("Migrating %s to %s:%d: ", k.str.c_str(), target->host.c_str(),
                                target->port);
                }
                if (sent) {
                    log_err("Source %s:%d replied with error:\n%s\n", src->node.host.c_str(),
                            src->node.port, mr.str.c_str());
                }
                return false;
            }
            if (progress.enabled()) {
                progress.add(1, 1);
                progress.draw();
            } else {
                log_ok("OK\n");
            }
        }
    } while (cursor != "0");
    progress.finish();
    return true;
}

}  // namespace

bool cmd_import(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, args.size());
    if (!seed) {
        return false;
    }
    const ManagerOptions& o = m.opt();
    if (o.from.empty()) {
        std::fprintf(stderr,
                     "[ERR] Option '--cluster-from' is required for subcommand "
                     "'import'.\n");
        return false;
    }
    Source src;
    if (!host_from_args({o.from}, 1, &src.node.host, &src.node.port)) {
        std::fprintf(stderr,
                     "[ERR] Invalid --cluster-from host. You need to pass a valid "
                     "address (ie. 120.0.0.1:7000).\n");
        return false;
    }
    log_info(">>> Importing data from %s:%d to cluster %s:%d\n", src.node.host.c_str(),
             src.node.port, seed->host.c_str(), seed->port);
    if (!m.load_cluster(std::move(seed)) || !check_cluster(m, false, false) ||
        !connect_source(m, &src)) {
        return false;
    }
    Reply r;
    bool ok = m.call(&src.node, {"INFO"}, &r);
    if (ok && r.is_error()) {
        src.reply_err = r.str;
        ok = false;
    } else if (ok && std::atoi(info_field(r.str, "cluster_enabled").c_str()) != 0) {
        log_err("[ERR] The source node should not be a cluster node.\n");
        return false;
    }
    ok = ok && m.call(&src.node, {"DBSIZE"}, &r);
    if (ok && r.is_error()) {
        src.reply_err = r.str;
        ok = false;
    }
    if (ok) {
        log_warn("*** Importing %lld keys from DB 0\n", r.integer);
        ok = migrate_all(m, &src, r.integer);
    }
    if (!src.reply_err.empty()) {
        log_err("Source %s:%d replied with error:\n%s\n", src.node.host.c_str(), src.node.port,
                src.reply_err.c_str());
    }
    return ok;
}

}  // namespace slotcache::cli::cluster
