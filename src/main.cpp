// Role dispatch only: one binary, three names. slotcache-cli and slotcache-benchmark are
// symlinks made by `make`; any other name (or `--cli` / `--benchmark` as the first argument)
// picks the role. The server's start-up sequence is here because it is the process's own:
// parse the command line, load the configuration, daemonize, open the log, start.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/benchmark.h"
#include "cli/cli.h"
#include "common/log.h"
#include "config/config.h"
#include "server/server.h"

namespace {

using namespace slotcache;

void usage() {
    fprintf(stderr,
            "Usage: ./slotcache-server [/path/to/slotcache.conf] [options] [-]\n"
            "       ./slotcache-server - (read config from stdin)\n"
            "       ./slotcache-server -v or --version\n"
            "       ./slotcache-server -h or --help\n\n"
            "Examples:\n"
            "       ./slotcache-server (run the server with default conf)\n"
            "       ./slotcache-server /etc/slotcache/6379.conf\n"
            "       ./slotcache-server --port 7777\n"
            "       ./slotcache-server --port 7777 --replicaof 127.0.0.1 8888\n"
            "       ./slotcache-server /etc/myslotcache.conf --loglevel verbose -\n"
            "       ./slotcache-server /etc/myslotcache.conf --loglevel verbose\n\n"
            "Other roles of the same binary: slotcache-cli, slotcache-benchmark\n"
            "(or slotcache-server --cli ..., slotcache-server --benchmark ...).\n");
}

void daemonize() {
    if (fork() != 0) exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR, 0);
    if (fd != -1) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) close(fd);
    }
}

int server_main(int argc, char** argv) {
    if (argc >= 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("slotcache server v=%s redis-compat=%s bits=64\n", server::kVersion,
               server::kRedisCompatVersion);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage();
        return 0;
    }
    config::Config cfg;
    cfg.set_version(server::kVersion);
    config::CommandLine cl = config::parse_command_line(argc, argv);
    std::string err = cfg.load(cl);
    if (!err.empty()) {
        fprintf(stderr, "%s", err.c_str());
        return 1;
    }
    const auto& v = cfg.values();
    if (v.daemonize) daemonize();
    if (!log::open(v.logfile)) {
        fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
        return 1;
    }
    log::set_level(v.loglevel);
    LOG_NOTICE("oO0OoO0OoO0Oo slotcache is starting oO0OoO0OoO0Oo");
    LOG_NOTICE("slotcache version=%s, bits=64, pid=%d, just started", server::kVersion,
               static_cast<int>(getpid()));
    if (cl.config_file.empty() && !cl.config_from_stdin) {
        LOG_WARNING("Warning: no config file specified, using the default config. In order to "
                    "specify a config file use %s /path/to/slotcache.conf", argv[0]);
    } else {
        LOG_NOTICE("Configuration loaded");
    }
    if (chdir(v.dir.c_str()) != 0) {
        LOG_WARNING("Can't chdir to '%s': %s", v.dir.c_str(), strerror(errno));
        return 1;
    }
    // CONFIG GET dir shows the absolute directory, as Redis does (getcwd after chdir).
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd))) cfg.mutable_values().dir = cwd;
    server::Server srv(cfg);
    LOG_NOTICE("Running mode=%s, port=%lld.", v.cluster_enabled ? "cluster" : "standalone",
               v.port);
    if (!srv.start()) return 1;
    return srv.run();
}

bool ends_with(const char* s, const char* suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    const char* name = argv[0];
    if (ends_with(name, "slotcache-cli")) return cli::cli_main(argc, argv);
    if (ends_with(name, "slotcache-benchmark")) return cli::benchmark_main(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "--cli") == 0) return cli::cli_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "--benchmark") == 0) {
        return cli::benchmark_main(argc - 1, argv + 1);
    }
    return server_main(argc, argv);
}
