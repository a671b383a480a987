// Implementation of the integration harness (see harness.h for the design); RawConn and the
// RESP reader are in harness_raw.cpp.
// The pid registry is a fixed array of volatile pid slots so that the fatal-signal handler
// can walk it without allocating or locking (only async-signal-safe calls there: kill, signal,
// raise). Thread: single-threaded test code.
#include "integration/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace slotcache::itest {

namespace {

// ---- process registry ----------------------------------------------------------------------

constexpr int kMaxPids = 256;
volatile pid_t g_pids[kMaxPids];

void kill_registered() {
    for (int i = 0; i < kMaxPids; i++) {
        pid_t p = g_pids[i];
        if (p > 0) {
            kill(p, SIGKILL);
        }
    }
}

void on_fatal_signal(int sig) {
    kill_registered();
    signal(sig, SIG_DFL);
    raise(sig);
}

// Installed before doctest's own handlers, which restore these before re-raising a crash.
struct RegistryInit {
    RegistryInit() {
        std::atexit(kill_registered);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) {
            signal(sig, on_fatal_signal);
        }
        // A server that dies under us must not kill the test binary on write().
        signal(SIGPIPE, SIG_IGN);
    }
};
RegistryInit g_registry_init;

void register_pid_impl(pid_t pid) {
    for (int i = 0; i < kMaxPids; i++) {
        if (g_pids[i] == 0) {
            g_pids[i] = pid;
            return;
        }
    }
    throw std::runtime_error("harness: too many live server processes");
}

void unregister_pid_impl(pid_t pid) {
    for (int i = 0; i < kMaxPids; i++) {
        if (g_pids[i] == pid) {
            g_pids[i] = 0;
        }
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool port_is_free_impl(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
}

int status_to_code(int st) {
    if (WIFEXITED(st)) {
        return WEXITSTATUS(st);
    }
    if (WIFSIGNALED(st)) {
        return 128 + WTERMSIG(st);
    }
    return -1;
}

// ---- hiredis reply conversion --------------------------------------------------------------

Reply from_hiredis(const redisReply* r) {
    Reply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = Reply::Type::Str;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = Reply::Type::Status;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = Reply::Type::Error;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::Int;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_NIL:
        out.type = Reply::Type::Nil;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::Array;
        for (size_t i = 0; i < r->elements; i++) {
            out.elements.push_back(from_hiredis(r->element[i]));
        }
        break;
    default:
        out.type = Reply::Type::Closed;
        out.str = "unknown hiredis reply type";
    }
    return out;
}

const char* type_name(Reply::Type t) {
    switch (t) {
    case Reply::Type::Str: return "bulk";
    case Reply::Type::Status: return "status";
    case Reply::Type::Error: return "error";
    case Reply::Type::Int: return "int";
    case Reply::Type::Nil: return "nil";
    case Reply::Type::Array: return "array";
    case Reply::Type::Map: return "map";
    case Reply::Type::Set: return "set";
    case Reply::Type::Push: return "push";
    case Reply::Type::Double: return "double";
    case Reply::Type::Bool: return "bool";
    case Reply::Type::BigNum: return "bignum";
    case Reply::Type::Verbatim: return "verbatim";
    case Reply::Type::Closed: return "CLOSED";
    }
    return "?";
}

}  // namespace

// ---- Reply ---------------------------------------------------------------------------------

bool Reply::is_aggregate() const {
    return type == Type::Array || type == Type::Map || type == Type::Set || type == Type::Push;
}

const Reply* Reply::field(std::string_view key) const {
    if (!is_aggregate()) {
        return nullptr;
    }
    for (size_t i = 0; i + 1 < elements.size(); i += 2) {
        if (elements[i].str == key) {
            return &elements[i + 1];
        }
    }
    return nullptr;
}

std::string Reply::to_string() const {
    std::ostringstream os;
    switch (type) {
    case Type::Int:
    case Type::Bool:
        os << type_name(type) << ":" << integer;
        break;
    case Type::Nil:
        os << "nil";
        break;
    case Type::Array:
    case Type::Map:
    case Type::Set:
    case Type::Push:
        os << type_name(type) << "[";
        for (size_t i = 0; i < elements.size(); i++) {
            os << (i ? ", " : "") << elements[i].to_string();
        }
        os << "]";
        break;
    default:
        os << type_name(type) << ":\"";
        for (char ch : str.substr(0, 300)) {
            if (ch == '\r') {
                os << "\\r";
            } else if (ch == '\n') {
                os << "\\n";
            } else {
                os << ch;
            }
        }
        os << (str.size() > 300 ? "...\"" : "\"");
    }
    return os.str();
}

bool operator==(const Reply& a, const Reply& b) {
    return a.type == b.type && a.str == b.str && a.integer == b.integer &&
           a.elements == b.elements;
}

std::ostream& operator<<(std::ostream& os, const Reply& r) { return os << r.to_string(); }

Reply bulk(std::string s) {
    Reply r;
    r.type = Reply::Type::Str;
    r.str = std::move(s);
    return r;
}
Reply status(std::string s) {
    Reply r;
    r.type = Reply::Type::Status;
    r.str = std::move(s);
    return r;
}
Reply error(std::string s) {
    Reply r;
    r.type = Reply::Type::Error;
    r.str = std::move(s);
    return r;
}
Reply integer(long long v) {
    Reply r;
    r.type = Reply::Type::Int;
    r.integer = v;
    return r;
}
Reply nil() { return Reply{}; }
Reply closed_reply(std::string why) {
    Reply r;
    r.type = Reply::Type::Closed;
    r.str = std::move(why);
    return r;
}
Reply array(std::vector<Reply> elements) {
    Reply r;
    r.type = Reply::Type::Array;
    r.elements = std::move(elements);
    return r;
}
Reply bulks(std::vector<std::string> items) {
    std::vector<Reply> v;
    for (auto& s : items) {
        v.push_back(bulk(std::move(s)));
    }
    return array(std::move(v));
}

// ---- Conn ----------------------------------------------------------------------------------

Conn::Conn(std::string_view host, int port) {
    timeval tv{10, 0};
    ctx_ = redisConnectWithTimeout(std::string(host).c_str(), port, tv);
    if (ctx_ != nullptr && ctx_->err == 0) {
        redisSetTimeout(ctx_, tv);
    }
}

Conn::Conn(const std::string& unix_path) {
    timeval tv{10, 0};
    ctx_ = redisConnectUnixWithTimeout(unix_path.c_str(), tv);
    if (ctx_ != nullptr && ctx_->err == 0) {
        redisSetTimeout(ctx_, tv);
    }
}

Conn::~Conn() {
    if (ctx_ != nullptr) {
        redisFree(ctx_);
    }
}

Conn::Conn(Conn&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }

bool Conn::connected() const { return ctx_ != nullptr && ctx_->err == 0; }

std::string Conn::error_text() const {
    return ctx_ == nullptr ? "no context" : std::string(ctx_->errstr);
}

int Conn::fd() const { return ctx_ == nullptr ? -1 : ctx_->fd; }

Reply Conn::cmd(const Args& args) {
    append(args);
    return read();
}

void Conn::append(const Args& args) {
    if (ctx_ == nullptr) {
        return;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data());
}

Reply Conn::read() {
    if (ctx_ == nullptr || ctx_->err != 0) {
        return closed_reply(error_text());
    }
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
        return closed_reply(error_text());
    }
    Reply r = from_hiredis(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    return r;
}

std::vector<Reply> Conn::pipeline(const std::vector<Args>& commands) {
    for (const auto& c : commands) {
        append(c);
    }
    std::vector<Reply> out;
    for (size_t i = 0; i < commands.size(); i++) {
        out.push_back(read());
    }
    return out;
}

// ---- ServerProcess -------------------------------------------------------------------------

std::string find_in_repo(const std::string& relative) {
    namespace fs = std::filesystem;
    std::vector<fs::path> starts{fs::current_path()};
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        starts.push_back(exe.parent_path());
    }
    for (fs::path dir : starts) {
        for (int depth = 0; depth < 6 && !dir.empty(); depth++) {
            fs::path candidate = dir / relative;
            if (fs::exists(candidate)) {
                return candidate.string();
            }
            if (dir == dir.parent_path()) {
                break;
            }
            dir = dir.parent_path();
        }
    }
    return "";
}

std::string server_binary() {
    if (const char* env = std::getenv("SLOTCACHE_SERVER"); env != nullptr && *env != '\0') {
        return std::filesystem::absolute(env).string();
    }
    std::string found = find_in_repo("src/slotcache-server");
    return found.empty() ? "src/slotcache-server" : found;
}

int next_port() {
    static int counter = 0;
    for (int tries = 0; tries < 1000; tries++) {
        int port = 11000 + (counter++ % 1000);
        if (port_is_free_impl(port)) {
            return port;
        }
    }
    throw std::runtime_error("harness: no free port in 11000-11999");
}

ServerProcess::ServerProcess(Args extra) : ServerProcess(ServerOptions{std::move(extra)}) {}

ServerProcess::ServerProcess(ServerOptions options) {
    // A throwing constructor runs no destructor: clean up here.
    try {
        start(options);
    } catch (...) {
        cleanup();
        throw;
    }
}

ServerProcess::~ServerProcess() { cleanup(); }

void ServerProcess::cleanup() {
    stop(3000ms);
    if (!dir_.empty() && std::getenv("SLOTCACHE_KEEP_TMP") == nullptr) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

void ServerProcess::start(const ServerOptions& options) {
    char tmpl[] = "/tmp/slotcache-itest-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        throw std::runtime_error("harness: mkdtemp failed");
    }
    dir_ = tmpl;
    port_ = next_port();
    std::string binary = server_binary();
    Args argv{binary};
    if (!options.config_text.empty()) {
        std::string conf = dir_ + "/server.conf";
        std::ofstream(conf) << options.config_text;
        argv.push_back(conf);
    }
    Args base{"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--daemonize", "no", "--dir", dir_,
              "--logfile", dir_ + "/server.log", "--enable-debug-command", "yes"};
    argv.insert(argv.end(), base.begin(), base.end());
    argv.insert(argv.end(), options.extra.begin(), options.extra.end());

    pid_t pid = spawn_process(argv, dir_ + "/stdout.log", false);
    pid_ = pid;
    if (!options.wait_ready) {
        return;
    }
    bool ready = wait_until(
        [&] {
            if (!running()) {
                return true;
            }
            Conn c("127.0.0.1", port_);
            if (!c.connected()) {
                return false;
            }
            if (!options.requirepass.empty()) {
                c.cmd({"AUTH", options.requirepass});
            }
            return c.cmd({"PING"}) == status("PONG");
        },
        10000ms, 10ms);
    if (!ready || !running()) {
        bool exited = !running();
        std::string why = "harness: server " + binary + " did not answer PING on port " +
                          std::to_string(port_) +
                          (exited ? " (exited with status " + std::to_string(exit_status_) + ")"
                                  : "") +
                          "; log:\n" + log();
        stop(1000ms);
        throw std::runtime_error(why);
    }
}

std::string ServerProcess::log() const {
    return read_file(dir_ + "/server.log") + read_file(dir_ + "/stdout.log");
}

bool ServerProcess::running() {
    if (pid_ <= 0) {
        return false;
    }
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        exit_status_ = status_to_code(st);
        unregister_pid_impl(pid_);
        pid_ = -1;
        return false;
    }
    return true;
}

int ServerProcess::wait_exit(Millis timeout) {
    if (pid_ <= 0) {
        return exit_status_;
    }
    if (!wait_until([&] { return !running(); }, timeout, 5ms)) {
        return -2;
    }
    return exit_status_;
}

int ServerProcess::stop(Millis grace) {
    if (!running()) {
        return exit_status_;
    }
    kill(pid_, SIGCONT);  // a SIGSTOPped server could not handle SIGTERM
    kill(pid_, SIGTERM);
    if (wait_until([&] { return !running(); }, grace, 5ms)) {
        return exit_status_;
    }
    pid_t pid = pid_;
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    unregister_pid_impl(pid);
    pid_ = -1;
    exit_status_ = status_to_code(st);
    return exit_status_;
}

void ServerProcess::pause_process() {
    if (pid_ > 0) {
        kill(pid_, SIGSTOP);
    }
}

void ServerProcess::resume_process() {
    if (pid_ > 0) {
        kill(pid_, SIGCONT);
    }
}

// ---- helpers -------------------------------------------------------------------------------

bool wait_until(const std::function<bool()>& predicate, Millis timeout, Millis interval) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(interval);
    }
}

std::map<std::string, std::string> info(Conn& c, const std::string& section) {
    Reply r = section.empty() ? c.cmd({"INFO"}) : c.cmd({"INFO", section});
    std::map<std::string, std::string> out;
    std::istringstream in(r.str);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
            out[line.substr(0, colon)] = line.substr(colon + 1);
        }
    }
    return out;
}

long long info_int(Conn& c, const std::string& section, const std::string& field) {
    auto m = info(c, section);
    auto it = m.find(field);
    if (it == m.end()) {
        return -1;
    }
    return std::strtoll(it->second.c_str(), nullptr, 10);
}

bool has_command(Conn& c, const std::string& name) {
    Reply r = c.cmd({"COMMAND", "INFO", name});
    return r.type == Reply::Type::Array && r.elements.size() == 1 &&
           r.elements[0].type == Reply::Type::Array;
}

long long now_ms() {
    return std::chrono::duration_cast<Millis>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}


void unregister_pid(pid_t pid) { unregister_pid_impl(pid); }

pid_t spawn_process(Args argv, const std::string& out_path, bool append) {
    std::vector<char*> cargv;
    for (auto& a : argv) {
        cargv.push_back(a.data());
    }
    cargv.push_back(nullptr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("harness: fork failed");
    }
    if (pid == 0) {
        // The server must not outlive the test binary, even if that is SIGKILLed.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(126);
        }
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
                        SIGILL, SIGPIPE}) {
            signal(sig, SIG_DFL);
        }
        int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(cargv[0], cargv.data());
        std::fprintf(stderr, "exec %s: %s\n", cargv[0], std::strerror(errno));
        _exit(127);
    }
    register_pid_impl(pid);
    return pid;
}

bool port_is_free(int port) { return port_is_free_impl(port); }

}  // namespace slotcache::itest
