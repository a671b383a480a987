// `--cluster backup host:port backup_directory` (redis-cli's clusterManagerCommandBackup):
// the check, then an RDB snapshot of every master taken over the replication protocol (SYNC:
// the node sends its snapshot as to a new replica) into
// <dir>/redis-node-<host>-<port>-<id>.rdb (redis-cli's name, which restore scripts expect),
// and <dir>/nodes.json describing every node, its slots and open slots.
// A node's connection is used up by the transfer (the replication stream would follow) and is
// closed afterwards.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"

namespace slotcache::cli::cluster {

namespace {

constexpr size_t kEofMarkSize = 40;  // RDB_EOF_MARK_SIZE: the diskless transfer's end marker

ssize_t recv_some(int fd, char* buf, size_t len) {
    ssize_t n;
    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

bool write_all(int fd, const char* p, size_t len) {
    while (len > 0) {
        const ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

// "$<len>" or "$EOF:<40 bytes>", skipping the newlines a master sends while it prepares.
bool read_sync_header(int sock, std::string* header) {
    header->clear();
    char c;
    for (;;) {
        if (recv_some(sock, &c, 1) <= 0) {
            std::fprintf(stderr, "Error reading bulk length while SYNCing\n");
            return false;
        }
        if (c == '\n') {
            if (!header->empty()) {
                break;
            }
            continue;
        }
        if (c != '\r') {
            header->push_back(c);
        }
    }
    if ((*header)[0] == '-') {
        std::fprintf(stderr, "SYNC with master failed: %s\n", header->c_str());
        return false;
    }
    return true;
}

// Copies the payload: len bytes, or (eof_mark non-empty) up to and without the end marker.
bool copy_payload(int sock, int out, unsigned long long len, const std::string& eof_mark) {
    const bool use_mark = !eof_mark.empty();
    std::string tail;  // the last kEofMarkSize bytes written, to spot the marker
    char buf[16384];
    while (use_mark || len > 0) {
        const size_t want = use_mark ? sizeof(buf) : std::min<unsigned long long>(len, sizeof(buf));
        const ssize_t n = recv_some(sock, buf, want);
        if (n <= 0) {
            std::fprintf(stderr, "Error reading RDB payload while SYNCing\n");
            return false;
        }
        if (!write_all(out, buf, static_cast<size_t>(n))) {
            std::fprintf(stderr, "Error writing data to file: %s\n", std::strerror(errno));
            return false;
        }
        if (!use_mark) {
            len -= static_cast<unsigned long long>(n);
            continue;
        }
        tail.append(buf, static_cast<size_t>(n));
        if (tail.size() > kEofMarkSize) {
            tail.erase(0, tail.size() - kEofMarkSize);
        }
        if (tail == eof_mark) {
            const off_t end = lseek(out, 0, SEEK_CUR);
            return ftruncate(out, end - static_cast<off_t>(kEofMarkSize)) == 0;
        }
    }
    return true;
}

// redis-cli's getRDB for one node.
bool save_rdb(Manager& m, Node* n, const std::string& dir) {
    std::string path = dir;
    if (path.empty() || path.back() != '/') {
        path += '/';
    }
    path += "redis-node-" + n->host + "-" + std::to_string(n->port) + "-" + n->name + ".rdb";
    if (!n->conn && !m.connect(n)) {
        return false;
    }
    const int sock = n->conn->native_handle();
    static const char kSync[] = "SYNC\r\n";
    if (send(sock, kSync, sizeof(kSync) - 1, MSG_NOSIGNAL) != sizeof(kSync) - 1) {
        std::fprintf(stderr, "Error writing to master\n");
        return false;
    }
    std::string header;
    if (!read_sync_header(sock, &header)) {
        return false;
    }
    std::string eof_mark;
    unsigned long long len = 0;
    if (header.compare(0, 5, "$EOF:") == 0 && header.size() >= 5 + kEofMarkSize) {
        eof_mark = header.substr(5, kEofMarkSize);
        std::fprintf(stderr,
                     "SYNC sent to master, writing bytes of bulk transfer until EOF marker to "
                     "'%s'\n",
                     path.c_str());
    } else {
        len = std::strtoull(header.c_str() + 1, nullptr, 10);
        std::fprintf(stderr, "SYNC sent to master, writing %llu bytes to '%s'\n", len,
                     path.c_str());
    }
    const int out = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        std::fprintf(stderr, "Error opening '%s': %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    bool ok = copy_payload(sock, out, len, eof_mark) && fsync(out) == 0;
    ok = close(out) == 0 && ok;
    n->conn.reset();  // the replication stream follows the snapshot
    if (ok) {
        std::fprintf(stderr, "Transfer finished with success.\n");
    }
    return ok;
}

std::string open_slots_json(const std::vector<OpenSlot>& list) {
    std::string out;
    for (const OpenSlot& o : list) {
        out += (out.empty() ? "" : ",") +
               ("\"" + std::to_string(o.slot) + "\": \"" + o.node_id + "\"");
    }
    return out;
}

std::string node_json(const Node& n, size_t error_count) {
    std::string slots = format_slot_ranges(n.slots);
    for (char& c : slots) {
        c = c == '-' ? ',' : c;
    }
    std::string flags;
    for (const std::string& f : n.flags) {
        if (f != "myself") {
            flags += (flags.empty() ? "" : ",") + f;
        }
    }
    std::string j =
        "  {\n    \"name\": \"" + n.name + "\",\n    \"host\": \"" + n.host +
        "\",\n    \"port\": " + std::to_string(n.port) +
        ",\n    \"replicate\": " + (n.replicate.empty() ? "null" : "\"" + n.replicate + "\"") +
        ",\n    \"slots\": [" + slots +
        "],\n    \"slots_count\": " + std::to_string(n.slots_count) + ",\n    \"flags\": \"" +
        flags + "\",\n    \"current_epoch\": " + std::to_string(n.config_epoch);
    if (error_count > 0) {
        j += ",\n    \"cluster_errors\": " + std::to_string(error_count);
    }
    if (!n.migrating.empty()) {
        j += ",\n    \"migrating\": {" + open_slots_json(n.migrating) + "}";
    }
    if (!n.importing.empty()) {
        j += ",\n    \"importing\": {" + open_slots_json(n.importing) + "}";
    }
    return j + "\n  }";
}

}  // namespace

bool cmd_backup(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, 1);
    if (!seed || !m.load_cluster(std::move(seed))) {
        return false;
    }
    const bool no_issues = check_cluster(m, false, false);
    const size_t error_count = no_issues ? 0 : m.errors().size();
    const std::string& dir = args[1];
    std::string json = "[\n";
    bool first = true;
    for (auto& n : m.nodes()) {
        json += first ? "" : ",\n";
        first = false;
        json += node_json(*n, error_count);
        if (!n->replicate.empty()) {
            continue;
        }
        log_info(">>> Node %s:%d -> Saving RDB...\n", n->host.c_str(), n->port);
        std::fflush(stdout);
        if (!save_rdb(m, n.get(), dir)) {
            log_ok("[ERR] Failed to back cluster!\n");
            return false;
        }
    }
    json += "\n]";
    const std::string path = dir + (dir.empty() || dir.back() != '/' ? "/" : "") + "nodes.json";
    std::fflush(stdout);
    log_info("Saving cluster configuration to: %s\n", path.c_str());
    FILE* out = std::fopen(path.c_str(), "w+");
    if (out == nullptr) {
        log_err("Could not save nodes to: %s\n", path.c_str());
        log_ok("[ERR] Failed to back cluster!\n");
        return false;
    }
    std::fputs(json.c_str(), out);
    std::fclose(out);
    if (!no_issues) {
        log_warn(
            "*** Cluster seems to have some problems, please be aware of it if you're going "
            "to restore this backup.\n");
    }
    log_ok("[OK] Backup created into: %s\n", dir.c_str());
    return true;
}

}  // namespace slotcache::cli::cluster
