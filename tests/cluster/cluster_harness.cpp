// Implementation of the cluster test harness (see cluster_harness.h for the design).
// The pid registry is a fixed array walked by an atexit hook; PR_SET_PDEATHSIG covers a test
// binary killed by a signal (the integration harness' own signal handlers only know its pids).
// Thread: single-threaded test code.
#include "cluster/cluster_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace slotcache::ctest {

namespace {

constexpr int kFirstPort = 16400;
constexpr int kPortCount = 400;
constexpr int kSlots = 16384;

int status_to_code(int st) {
    if (WIFEXITED(st)) {
        return WEXITSTATUS(st);
    }
    if (WIFSIGNALED(st)) {
        return 128 + WTERMSIG(st);
    }
    return -1;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string tail_lines(const std::string& text, int n) {
    size_t pos = text.size();
    for (int i = 0; i <= n && pos != std::string::npos && pos > 0; i++) {
        pos = text.rfind('\n', pos - 1);
    }
    return pos == std::string::npos ? text : text.substr(pos + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) {
        out.push_back(cur);
    }
    return out;
}

}  // namespace

// ---- keys and slots ------------------------------------------------------------------------

int key_slot(std::string_view key) {
    size_t open = key.find('{');
    if (open != std::string_view::npos) {
        size_t close = key.find('}', open + 1);
        if (close != std::string_view::npos && close > open + 1) {
            key = key.substr(open + 1, close - open - 1);
        }
    }
    uint16_t crc = 0;
    for (char ch : key) {
        crc ^= static_cast<uint16_t>(static_cast<uint8_t>(ch)) << 8;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
        }
    }
    return crc & (kSlots - 1);
}

std::pair<int, int> even_range(size_t i, size_t n) {
    return {static_cast<int>(i * kSlots / n), static_cast<int>((i + 1) * kSlots / n - 1)};
}

std::string key_in_slots(int lo, int hi, const std::string& prefix) {
    for (int n = 0; n < 10000000; n++) {
        std::string k = prefix + std::to_string(n);
        int s = key_slot(k);
        if (s >= lo && s <= hi) {
            return k;
        }
    }
    throw std::runtime_error("cluster harness: no key found for the slot range");
}

// ---- CLUSTER NODES / INFO ------------------------------------------------------------------

bool NodeLine::has_flag(std::string_view f) const {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}

std::vector<NodeLine> parse_cluster_nodes(const std::string& text) {
    std::vector<NodeLine> out;
    for (std::string line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        std::vector<std::string> f = split(line, ' ');
        if (f.size() < 8) {
            continue;
        }
        NodeLine n;
        n.raw = line;
        n.id = f[0];
        n.address = f[1];
        size_t colon = f[1].rfind(':', f[1].find('@'));
        size_t at = f[1].find('@');
        if (colon != std::string::npos) {
            n.port = std::atoi(f[1].c_str() + colon + 1);
        }
        if (at != std::string::npos) {
            n.cport = std::atoi(f[1].c_str() + at + 1);
        }
        n.flags = split(f[2], ',');
        n.master = f[3];
        n.config_epoch = std::atoll(f[6].c_str());
        n.link = f[7];
        n.slots.assign(f.begin() + 8, f.end());
        out.push_back(std::move(n));
    }
    return out;
}

std::map<std::string, std::string> parse_fields(const std::string& text) {
    std::map<std::string, std::string> out;
    for (std::string line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        size_t colon = line.find(':');
        if (line.empty() || line[0] == '#' || colon == std::string::npos) {
            continue;
        }
        out[line.substr(0, colon)] = line.substr(colon + 1);
    }
    return out;
}

// ---- ports ---------------------------------------------------------------------------------

// $SLOTCACHE_CLUSTER_PORT_FIRST (within the range) narrows it to [first, 16799], so that two
// groups of tests run side by side (-tc filters) do not race for the same ports.
int cluster_port_first() {
    const char* env = std::getenv("SLOTCACHE_CLUSTER_PORT_FIRST");
    int first = env ? std::atoi(env) : kFirstPort;
    return first >= kFirstPort && first < kFirstPort + kPortCount ? first : kFirstPort;
}

int next_cluster_port() {
    static int counter = 0;
    static const int first = cluster_port_first();
    static const int count = kFirstPort + kPortCount - first;
    for (int tries = 0; tries < count; tries++) {
        int port = first + (counter++ % count);
        if (itest::port_is_free(port) && itest::port_is_free(port + 10000)) {
            return port;
        }
    }
    throw std::runtime_error("cluster harness: no free port in 16400-16799");
}

// ---- ClusterNode ---------------------------------------------------------------------------

ClusterNode::ClusterNode(int port, std::string dir, ClusterOptions options)
    : port_(port), dir_(std::move(dir)), options_(std::move(options)) {}

ClusterNode::~ClusterNode() { stop(2000ms); }

void ClusterNode::start() {
    if (running()) {
        return;
    }
    std::string binary = itest::server_binary();
    Args argv{binary};
    if (!options_.config_file.empty()) {
        argv.push_back(options_.config_file);
    }
    Args flags{
              "--port", std::to_string(port_),
              "--bind", "127.0.0.1",
              "--save", "",
              "--appendonly", "no",
              "--daemonize", "no",
              "--dir", dir_,
              "--logfile", dir_ + "/server.log",
              "--enable-debug-command", "yes",
              "--cluster-enabled", "yes",
              "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", std::to_string(options_.node_timeout_ms),
              "--cluster-require-full-coverage", options_.require_full_coverage ? "yes" : "no"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), options_.extra.begin(), options_.extra.end());
    pid_t pid = itest::spawn_process(argv, dir_ + "/stdout.log", true);
    pid_ = pid;
    bool ready = itest::wait_until(
        [&] { return !running() || cmd({"PING"}) == itest::status("PONG"); }, 10000ms, 10ms);
    if (!ready || !running()) {
        std::string why = "cluster harness: " + binary + " did not answer PING on port " +
                          std::to_string(port_) + "; log:\n" + tail_lines(log(), 30);
        stop(1000ms);
        throw std::runtime_error(why);
    }
}

bool ClusterNode::running() {
    if (pid_ <= 0) {
        return false;
    }
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
        itest::unregister_pid(pid_);
        pid_ = -1;
        return false;
    }
    return true;
}

int ClusterNode::stop(Millis grace) {
    if (!running()) {
        return -1;
    }
    kill(pid_, SIGCONT);  // a SIGSTOPped server could not handle SIGTERM
    kill(pid_, SIGTERM);
    pid_t pid = pid_;
    int st = 0;
    bool exited = itest::wait_until([&] { return waitpid(pid, &st, WNOHANG) == pid; }, grace, 5ms);
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    itest::unregister_pid(pid);
    pid_ = -1;
    paused_ = false;
    return status_to_code(st);
}

void ClusterNode::crash() {
    if (!running()) {
        return;
    }
    pid_t pid = pid_;
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    itest::unregister_pid(pid);
    pid_ = -1;
    paused_ = false;
}

void ClusterNode::pause() {
    if (pid_ > 0) {
        kill(pid_, SIGSTOP);
        paused_ = true;
    }
}

void ClusterNode::resume() {
    if (pid_ > 0) {
        kill(pid_, SIGCONT);
    }
    paused_ = false;
}

std::string ClusterNode::log() const {
    return read_file(dir_ + "/server.log") + read_file(dir_ + "/stdout.log");
}

Reply ClusterNode::cmd(const Args& args) const {
    Conn c = connect();
    if (!c.connected()) {
        return itest::closed_reply(c.error_text());
    }
    return c.cmd(args);
}

std::string ClusterNode::myid() const { return cmd({"CLUSTER", "MYID"}).str; }

std::map<std::string, std::string> ClusterNode::cluster_info() const {
    return parse_fields(cmd({"CLUSTER", "INFO"}).str);
}

std::vector<NodeLine> ClusterNode::nodes() const {
    return parse_cluster_nodes(cmd({"CLUSTER", "NODES"}).str);
}

// ---- TestCluster ---------------------------------------------------------------------------

TestCluster::TestCluster(int n, ClusterOptions options) {
    char tmpl[] = "/tmp/slotcache-ctest-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        throw std::runtime_error("cluster harness: mkdtemp failed");
    }
    root_ = tmpl;
    try {
        for (int i = 0; i < n; i++) {
            int port = next_cluster_port();
            std::string dir = root_ + "/" + std::to_string(port);
            std::filesystem::create_directories(dir);
            nodes_.push_back(std::make_unique<ClusterNode>(port, dir, options));
            nodes_.back()->start();
        }
    } catch (...) {
        nodes_.clear();
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
        throw;
    }
}

TestCluster::~TestCluster() {
    for (auto& n : nodes_) {
        n->stop(3000ms);
    }
    nodes_.clear();
    if (std::getenv("SLOTCACHE_KEEP_TMP") == nullptr) {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
}

std::vector<size_t> TestCluster::all() const {
    std::vector<size_t> v;
    for (size_t i = 0; i < nodes_.size(); i++) {
        v.push_back(i);
    }
    return v;
}

void TestCluster::meet_all() {
    for (size_t i = 1; i < nodes_.size(); i++) {
        Reply r = node(0).cmd({"CLUSTER", "MEET", "127.0.0.1", std::to_string(node(i).port())});
        if (r != itest::ok()) {
            throw std::runtime_error("CLUSTER MEET 127.0.0.1 " + std::to_string(node(i).port()) +
                                     " replied " + r.to_string());
        }
    }
}

void TestCluster::add_slots_evenly() { add_slots_evenly(all()); }

void TestCluster::add_slots_evenly(const std::vector<size_t>& which) {
    for (size_t k = 0; k < which.size(); k++) {
        auto [first, last] = even_range(k, which.size());
        std::string lo = std::to_string(first);
        std::string hi = std::to_string(last);
        Reply r = node(which[k]).cmd({"CLUSTER", "ADDSLOTSRANGE", lo, hi});
        if (r != itest::ok()) {
            throw std::runtime_error("CLUSTER ADDSLOTSRANGE " + lo + " " + hi + " replied " +
                                     r.to_string());
        }
    }
}

void TestCluster::form(Millis timeout) {
    meet_all();
    add_slots_evenly();
    if (!wait_state("ok", timeout)) {
        throw std::runtime_error("cluster did not reach cluster_state:ok\n" + dump());
    }
    std::string why;
    if (!wait_agreement(timeout)) {
        agree(all(), &why);
        throw std::runtime_error("CLUSTER NODES did not agree: " + why + "\n" + dump());
    }
}

bool TestCluster::wait_state(const std::string& want, const std::vector<size_t>& which,
                             Millis timeout) {
    return itest::wait_until(
        [&] {
            for (size_t i : which) {
                if (node(i).cluster_info()["cluster_state"] != want) {
                    return false;
                }
            }
            return true;
        },
        timeout, 50ms);
}

bool TestCluster::agree(const std::vector<size_t>& which, std::string* why) {
    std::set<std::string> reference;
    bool first = true;
    for (size_t i : which) {
        std::vector<NodeLine> lines = node(i).nodes();
        std::set<std::string> view;
        for (const NodeLine& l : lines) {
            bool myself = l.has_flag("myself");
            if (!myself && l.link != "connected") {
                if (why != nullptr) {
                    *why = "node " + std::to_string(i) + " has a disconnected link: " + l.raw;
                }
                return false;
            }
            for (const char* bad : {"handshake", "noaddr", "fail", "fail?"}) {
                if (l.has_flag(bad)) {
                    if (why != nullptr) {
                        *why = "node " + std::to_string(i) + " shows flag " + bad + ": " + l.raw;
                    }
                    return false;
                }
            }
            std::string role = l.has_flag("master") ? "master" : "replica";
            std::string slots;
            for (const auto& s : l.slots) {
                slots += " " + s;
            }
            view.insert(l.id + " " + l.address + " " + role + " " + l.master + slots);
        }
        if (view.size() != which.size()) {
            if (why != nullptr) {
                *why = "node " + std::to_string(i) + " lists " + std::to_string(view.size()) +
                       " nodes, expected " + std::to_string(which.size());
            }
            return false;
        }
        if (first) {
            reference = view;
            first = false;
        } else if (view != reference) {
            if (why != nullptr) {
                *why = "node " + std::to_string(i) + " disagrees with node " +
                       std::to_string(which.front());
            }
            return false;
        }
    }
    return true;
}

bool TestCluster::wait_agreement(const std::vector<size_t>& which, Millis timeout) {
    return itest::wait_until([&] { return agree(which); }, timeout, 50ms);
}

int TestCluster::owner(int slot) {
    for (const NodeLine& l : node(0).nodes()) {
        for (const std::string& range : l.slots) {
            if (range.empty() || range[0] == '[') {
                continue;
            }
            size_t dash = range.find('-');
            int lo = std::atoi(range.c_str());
            int hi = dash == std::string::npos ? lo : std::atoi(range.c_str() + dash + 1);
            if (slot >= lo && slot <= hi) {
                for (size_t i = 0; i < nodes_.size(); i++) {
                    if (node(i).port() == l.port) {
                        return static_cast<int>(i);
                    }
                }
            }
        }
    }
    return -1;
}

std::vector<std::string> TestCluster::flags_seen(size_t observer, const std::string& id) {
    for (const NodeLine& l : node(observer).nodes()) {
        if (l.id == id) {
            return l.flags;
        }
    }
    return {};
}

std::string TestCluster::dump() {
    std::ostringstream os;
    for (size_t i = 0; i < nodes_.size(); i++) {
        ClusterNode& n = node(i);
        os << "---- node " << i << " port " << n.port();
        if (!n.running() || n.paused()) {
            os << (n.paused() ? " (paused)" : " (not running)") << "\nlog tail:\n"
               << tail_lines(n.log(), 8);
            continue;
        }
        os << "\nCLUSTER NODES:\n"
           << n.cmd({"CLUSTER", "NODES"}).str << "cluster_state:"
           << n.cluster_info()["cluster_state"] << "\nlog tail:\n"
           << tail_lines(n.log(), 8);
    }
    return os.str();
}

}  // namespace slotcache::ctest
