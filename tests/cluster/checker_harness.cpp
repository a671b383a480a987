// The consistency checker as a background process of a cluster test (see checker_harness.h).
#include "cluster/checker_harness.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace slotcache::ctest {

namespace fs = std::filesystem;

std::string checker_binary() {
    if (const char* env = std::getenv("SLOTCACHE_CHECKER"); env != nullptr && *env != '\0') {
        return fs::absolute(env).string();
    }
    std::string found = itest::find_in_repo("src/slotcache-server");
    if (!found.empty()) {
        return found;
    }
    return "src/slotcache-server";
}

CheckerProcess::CheckerProcess(int port, const itest::Args& args) {
    char path[] = "/tmp/slotcache-ctest-checker.XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        throw std::runtime_error("checker harness: mkstemp failed");
    }
    close(fd);
    out_path_ = path;
    itest::Args argv{checker_binary(), "--benchmark", "--consistency", "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = itest::spawn_process(argv, out_path_, false);
}

CheckerProcess::~CheckerProcess() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        reap(2000ms);
    }
    if (std::getenv("SLOTCACHE_KEEP_TMP") == nullptr) {
        std::remove(out_path_.c_str());
    }
}

std::string CheckerProcess::output() const {
    std::ifstream in(out_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool CheckerProcess::wait_output(const std::string& needle, itest::Millis timeout) {
    return itest::wait_until([&] { return output().find(needle) != std::string::npos; }, timeout,
                             20ms);
}

long long CheckerProcess::last_tick(const std::string& field) const {
    std::istringstream in(output());
    std::string line;
    long long v[8];
    bool found = false;
    long long last[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    while (std::getline(in, line)) {
        if (std::sscanf(line.c_str(),
                        "%llds: %lld R (%lld err) | %lld W (%lld err) | %lld lost | %lld noack | "
                        "%lld slots failing",
                        &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
            std::copy(v, v + 8, last);
            found = true;
        }
    }
    if (!found) {
        return -1;
    }
    const char* names[8] = {"s", "R", "R err", "W", "W err", "lost", "noack", "slots failing"};
    for (int i = 0; i < 8; i++) {
        if (field == names[i]) {
            return last[i];
        }
    }
    throw std::runtime_error("checker harness: no tick field '" + field + "'");
}

bool CheckerProcess::wait_tick(const std::string& field, long long at_least,
                               itest::Millis timeout) {
    return itest::wait_until([&] { return last_tick(field) >= at_least; }, timeout, 20ms);
}

int CheckerProcess::reap(itest::Millis timeout) {
    int st = 0;
    const pid_t pid = pid_;
    const bool exited =
        itest::wait_until([&] { return waitpid(pid, &st, WNOHANG) == pid; }, timeout, 5ms);
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    itest::unregister_pid(pid);
    pid_ = -1;
    if (!exited) {
        return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int CheckerProcess::interrupt(itest::Millis timeout) {
    if (pid_ <= 0) {
        return -1;
    }
    kill(pid_, SIGINT);
    return reap(timeout);
}

int CheckerProcess::wait_exit(itest::Millis timeout) {
    return pid_ > 0 ? reap(timeout) : -1;
}

std::map<std::string, long long> CheckerProcess::summary() const {
    std::map<std::string, long long> out;
    const std::string text = output();
    const size_t p = text.rfind("\nsummary ");
    if (p == std::string::npos) {
        return out;
    }
    std::istringstream in(text.substr(p + 9, text.find('\n', p + 1) - p - 9));
    std::string kv;
    while (in >> kv) {
        const size_t eq = kv.find('=');
        if (eq != std::string::npos) {
            out[kv.substr(0, eq)] = std::atoll(kv.c_str() + eq + 1);
        }
    }
    return out;
}

}  // namespace slotcache::ctest
