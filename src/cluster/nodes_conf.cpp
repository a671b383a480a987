// nodes.conf writing (atomic rename; in place when not durable) and loading (clusterLoadConfig's
// rules, errors as values).
//
// Loading runs in two passes: the first creates every node from its own line (address, flags,
// epoch, slots) and remembers the references to other nodes (master IDs, migrating/importing
// targets); the second resolves them, so a replica may precede its master in the file and a
// reference to a node without a line is an error rather than a silent empty node (Redis creates
// one; we prefer telling the operator the file was edited wrongly).
//
// Loop thread.
#include "cluster/nodes_conf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "cluster/format.h"
#include "common/log.h"

namespace slotcache::cluster {

namespace {

constexpr int kBusPortOffset = 10000;  // CLUSTER_PORT_INCR: files without "@cport"

std::string io_error(const std::string& path, const char* what) {
    return path + ": " + what + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

std::string dir_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::vector<std::string_view> split(std::string_view s, std::string_view seps) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find_first_of(seps, i);
        if (j == std::string_view::npos) {
            j = s.size();
        }
        if (j > i) {
            out.push_back(s.substr(i, j - i));
        }
        i = j + 1;
    }
    return out;
}

bool parse_u64(std::string_view s, uint64_t* out) {
    if (s.empty() || s.size() > 20) {
        return false;
    }
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
        uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool parse_int_max(std::string_view s, int max, int* out) {
    uint64_t v = 0;
    if (!parse_u64(s, &v) || v > static_cast<uint64_t>(max)) {
        return false;
    }
    *out = static_cast<int>(v);
    return true;
}

// verifyClusterNodeId: 40 characters of [a-z0-9].
bool valid_node_id(std::string_view id) {
    if (id.size() != kNodeIdLen) {
        return false;
    }
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

// A reference from one line to another node, resolved once every line is read.
struct Reference {
    int line;
    Node* from;
    std::string id;
    enum class Kind { Master, Migrating, Importing } kind;
    int slot;
};

class Loader {
public:
    Loader(ClusterState& st, int64_t now_ms, std::string* err)
        : st_(st), now_ms_(now_ms), err_(err) {}

    bool run(std::string_view text);

private:
    bool fail(std::string_view reason) {
        *err_ = "corrupted cluster config file, line " + std::to_string(line_no_) + ": " +
                std::string(reason) + ": " + std::string(line_);
        return false;
    }
    bool parse_line(const std::vector<std::string_view>& f);
    bool parse_vars(const std::vector<std::string_view>& f);
    bool parse_address(Node* n, std::string_view field);
    bool parse_flags(Node* n, std::string_view field);
    bool parse_slot_field(Node* n, std::string_view field);
    bool resolve();

    ClusterState& st_;
    int64_t now_ms_;
    std::string* err_;
    int line_no_ = 0;
    std::string_view line_;
    Node* myself_ = nullptr;
    std::set<std::string, std::less<>> defined_;
    std::vector<Reference> refs_;
};

bool Loader::run(std::string_view text) {
    Node* initial_myself = st_.myself();
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        ++line_no_;
        line_ = text.substr(pos, nl - pos);
        pos = nl + 1;
        std::vector<std::string_view> f = split(line_, " \t\r");
        if (f.empty()) {
            continue;
        }
        if (!(f[0] == "vars" ? parse_vars(f) : parse_line(f))) {
            return false;
        }
    }
    if (myself_ == nullptr) {
        *err_ = "corrupted cluster config file: no node flagged myself";
        return false;
    }
    if (!resolve()) {
        return false;
    }
    if (initial_myself != myself_) {
        st_.set_myself(myself_);
        st_.del_node(initial_myself);
    }
    // Redis: "currentEpoch smaller than the max epoch found in the nodes configuration" can
    // only come from an edited file; the greatest epoch wins.
    st_.current_epoch = st_.max_config_epoch();
    return true;
}

bool Loader::parse_vars(const std::vector<std::string_view>& f) {
    if (f.size() % 2 == 0) {
        return fail("vars need name value pairs");
    }
    for (size_t i = 1; i < f.size(); i += 2) {
        uint64_t v = 0;
        if (f[i] == "currentEpoch" || f[i] == "lastVoteEpoch") {
            if (!parse_u64(f[i + 1], &v)) {
                return fail("bad epoch");
            }
            (f[i] == "currentEpoch" ? st_.current_epoch : st_.last_vote_epoch) = v;
        } else {
            LOG_WARNING("Skipping unknown cluster config variable '%.*s'",
                        static_cast<int>(f[i].size()), f[i].data());
        }
    }
    return true;
}

bool Loader::parse_line(const std::vector<std::string_view>& f) {
    if (f.size() < 8) {
        return fail("a node line has at least 8 fields");
    }
    if (!valid_node_id(f[0])) {
        return fail("bad node ID");
    }
    if (!defined_.insert(std::string(f[0])).second) {
        return fail("node listed twice");
    }
    Node* n = st_.create_node(std::string(f[0]), 0, now_ms_);
    if (!parse_address(n, f[1]) || !parse_flags(n, f[2])) {
        return false;
    }
    if (f[3] != "-") {
        if (!valid_node_id(f[3])) {
            return fail("bad master ID");
        }
        refs_.push_back({line_no_, n, std::string(f[3]), Reference::Kind::Master, 0});
    }
    uint64_t ping = 0;
    uint64_t pong = 0;
    if (!parse_u64(f[4], &ping) || !parse_u64(f[5], &pong) ||
        !parse_u64(f[6], &n->config_epoch)) {
        return fail("bad ping time, pong time or config epoch");
    }
    n->ping_sent_ms = ping != 0 ? now_ms_ : 0;
    n->pong_received_ms = pong != 0 ? now_ms_ : 0;
    for (size_t i = 8; i < f.size(); ++i) {
        if (!parse_slot_field(n, f[i])) {
            return false;
        }
    }
    return true;
}

// "ip:port@cport[,hostname[,key=value...]]"; ip may itself hold ':' (IPv6) or be empty.
bool Loader::parse_address(Node* n, std::string_view field) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        size_t comma = field.find(',', start);
        parts.push_back(field.substr(start, comma == std::string_view::npos ? comma
                                                                            : comma - start));
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    std::string_view addr = parts[0];
    size_t colon = addr.rfind(':');
    if (colon == std::string_view::npos) {
        return fail("bad address");
    }
    n->ip = std::string(addr.substr(0, colon));
    std::string_view ports = addr.substr(colon + 1);
    size_t at = ports.find('@');
    if (!parse_int_max(ports.substr(0, at), 65535, &n->port)) {
        return fail("bad port");
    }
    if (at == std::string_view::npos) {
        n->cport = n->port + kBusPortOffset;
    } else if (!parse_int_max(ports.substr(at + 1), 65535, &n->cport)) {
        return fail("bad cluster bus port");
    }
    if (parts.size() > 1) {
        n->hostname = std::string(parts[1]);
    }
    for (size_t i = 2; i < parts.size(); ++i) {
        if (parts[i].find('=') == std::string_view::npos) {
            return fail("bad address field");
        }
    }
    return true;
}

bool Loader::parse_flags(Node* n, std::string_view field) {
    static constexpr struct {
        std::string_view name;
        uint16_t flag;
    } kFlags[] = {
        {"myself", kNodeMyself},       {"master", kNodeMaster}, {"slave", kNodeReplica},
        {"fail?", kNodePfail},         {"fail", kNodeFail},     {"handshake", kNodeHandshake},
        {"noaddr", kNodeNoAddr},       {"nofailover", kNodeNoFailover},
        {"noflags", 0},
    };
    for (std::string_view name : split(field, ",")) {
        bool known = false;
        for (const auto& f : kFlags) {
            if (f.name == name) {
                n->flags |= f.flag;
                known = true;
            }
        }
        if (!known) {
            return fail("unknown flag");
        }
    }
    if (n->is_master() && n->is_replica()) {
        return fail("both master and slave");
    }
    if (n->is_failed()) {
        n->fail_time_ms = now_ms_;
    }
    if (n->is_myself()) {
        if (myself_ != nullptr) {
            return fail("two nodes flagged myself");
        }
        // The flag is moved by set_myself() once the whole file is read.
        n->flags &= static_cast<uint16_t>(~kNodeMyself);
        myself_ = n;
    }
    return true;
}

// "5", "0-5460", "[5->-<id>]" (migrating), "[5-<-<id>]" (importing).
bool Loader::parse_slot_field(Node* n, std::string_view field) {
    if (field.front() == '[') {
        if (field.size() < 6 || field.back() != ']') {
            return fail("bad migrating/importing entry");
        }
        std::string_view inner = field.substr(1, field.size() - 2);
        size_t dash = inner.find('-');
        int slot = 0;
        if (dash == std::string_view::npos ||
            !parse_int_max(inner.substr(0, dash), kSlots - 1, &slot)) {
            return fail("bad slot in migrating/importing entry");
        }
        std::string_view rest = inner.substr(dash);
        Reference::Kind kind;
        if (rest.starts_with("->-")) {
            kind = Reference::Kind::Migrating;
        } else if (rest.starts_with("-<-")) {
            kind = Reference::Kind::Importing;
        } else {
            return fail("bad migrating/importing entry");
        }
        std::string_view id = rest.substr(3);
        if (!valid_node_id(id)) {
            return fail("bad node ID in migrating/importing entry");
        }
        refs_.push_back({line_no_, n, std::string(id), kind, slot});
        return true;
    }
    size_t dash = field.find('-');
    int first = 0;
    int last = 0;
    bool ok = dash == std::string_view::npos
                  ? parse_int_max(field, kSlots - 1, &first)
                  : parse_int_max(field.substr(0, dash), kSlots - 1, &first) &&
                        parse_int_max(field.substr(dash + 1), kSlots - 1, &last);
    if (dash == std::string_view::npos) {
        last = first;
    }
    if (!ok || first > last) {
        return fail("bad slot range");
    }
    for (int s = first; s <= last; ++s) {
        if (!st_.add_slot(n, s)) {
            return fail("slot " + std::to_string(s) + " claimed twice");
        }
    }
    return true;
}

bool Loader::resolve() {
    for (const Reference& r : refs_) {
        Node* target = defined_.count(r.id) != 0 ? st_.find(r.id) : nullptr;
        if (target == nullptr) {
            *err_ = "corrupted cluster config file, line " + std::to_string(r.line) +
                    ": node " + r.id + " has no line of its own";
            return false;
        }
        auto slot = static_cast<size_t>(r.slot);
        switch (r.kind) {
            case Reference::Kind::Master:
                st_.set_master(r.from, target);
                break;
            case Reference::Kind::Migrating:
                st_.migrating_to[slot] = target;
                break;
            case Reference::Kind::Importing:
                st_.importing_from[slot] = target;
                break;
        }
    }
    return true;
}

}  // namespace

std::string nodes_conf_text(const ClusterState& st) {
    std::string out = nodes_text(st, kNodeHandshake);
    out += "vars currentEpoch " + std::to_string(st.current_epoch) + " lastVoteEpoch " +
           std::to_string(st.last_vote_epoch) + "\n";
    return out;
}

namespace {

// A save without fsync (Redis' SAVE_CONFIG without FSYNC_CONFIG) rewrites the file in place, as
// Redis' clusterSaveConfig: one write() of the whole text, padded with newlines (the loader
// skips blank lines) when the old file was longer, then a truncate. A process crash cannot tear
// a write() of this size, so the file holds the old text or the new one plus blank lines.
// Rejected for this case: the temp file and rename of durable saves, because ext4
// (auto_da_alloc) flushes the new file's data on a rename over an existing file, 1-7 ms, and a
// reshard saves after each of the four SETSLOTs of every slot it moves.
bool write_in_place(const std::string& path, std::string text, std::string* err) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        *err = io_error(path, "open");
        return false;
    }
    size_t len = text.size();
    struct stat sb {};
    if (::fstat(fd, &sb) == 0 && static_cast<size_t>(sb.st_size) > len) {
        text.append(static_cast<size_t>(sb.st_size) - len, '\n');
    }
    bool ok = write_all(fd, text);
    if (!ok) *err = io_error(path, "write");
    if (ok && text.size() != len) {
        // A failed truncate leaves the padding: blank lines the loader skips.
        (void)!::ftruncate(fd, static_cast<off_t>(len));
    }
    ::close(fd);
    return ok;
}

}  // namespace

bool write_nodes_conf(const std::string& path, const ClusterState& st, std::string* err,
                      bool durable) {
    std::string text = nodes_conf_text(st);
    if (!durable) return write_in_place(path, std::move(text), err);
    std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        *err = io_error(tmp, "open");
        return false;
    }
    const char* failed = nullptr;
    if (!write_all(fd, text)) {
        failed = "write";
    } else if (::fsync(fd) != 0) {
        failed = "fsync";
    }
    if (::close(fd) != 0 && failed == nullptr) {
        failed = "close";
    }
    if (failed != nullptr) {
        *err = io_error(tmp, failed);
        ::unlink(tmp.c_str());
        return false;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        *err = io_error(path, "rename");
        ::unlink(tmp.c_str());
        return false;
    }
    // The rename is durable only once the directory entry is.
    std::string dir = dir_of(path);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        *err = io_error(dir, "open directory");
        return false;
    }
    bool synced = ::fsync(dfd) == 0;
    if (!synced) {
        *err = io_error(dir, "fsync directory");
    }
    ::close(dfd);
    return synced;
}

bool parse_nodes_conf(std::string_view text, ClusterState& st, int64_t now_ms,
                      std::string* err) {
    return Loader(st, now_ms, err).run(text);
}

LoadOutcome load_nodes_conf(const std::string& path, ClusterState& st, int64_t now_ms,
                            std::string* err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return LoadOutcome::Missing;
        }
        *err = io_error(path, "open");
        return LoadOutcome::Failed;
    }
    std::string text;
    char buf[16384];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            *err = io_error(path, "read");
            ::close(fd);
            return LoadOutcome::Failed;
        }
        if (n == 0) {
            break;
        }
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    if (text.empty()) {
        return LoadOutcome::Missing;
    }
    if (!parse_nodes_conf(text, st, now_ms, err)) {
        *err = path + ": " + *err;
        return LoadOutcome::Failed;
    }
    return LoadOutcome::Loaded;
}

}  // namespace slotcache::cluster
