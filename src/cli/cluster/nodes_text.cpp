// CLUSTER NODES parsing and redis-cli's signature and slot-range forms (see nodes_text.h).
#include "cli/cluster/nodes_text.h"

#include <algorithm>
#include <cstdlib>

#include "common/strutil.h"

namespace slotcache::cli::cluster {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos) {
            end = s.size();
        }
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::string_view line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

long long to_ll(std::string_view s) {
    long long v = 0;
    return parse_ll(s, &v) ? v : std::atoll(std::string(s).c_str());
}

// "ip:port@cport,hostname" (Redis 7), "ip:port@cport" or "ip:port".
bool parse_address(std::string_view addr, NodeLine* n) {
    if (const size_t comma = addr.find(','); comma != std::string_view::npos) {
        addr = addr.substr(0, comma);
    }
    if (const size_t at = addr.rfind('@'); at != std::string_view::npos) {
        n->bus_port = static_cast<int>(to_ll(addr.substr(at + 1)));
        addr = addr.substr(0, at);
    }
    const size_t colon = addr.rfind(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    n->host = std::string(addr.substr(0, colon));
    n->port = static_cast<int>(to_ll(addr.substr(colon + 1)));
    return true;
}

bool valid_slot(long long s) {
    return s >= 0 && s < kSlots;
}

// One slot field: "7", "0-5460", "[7->-id]" (migrating) or "[7-<-id]" (importing).
bool parse_slot_field(std::string_view f, NodeLine* n) {
    if (f.empty()) {
        return true;
    }
    if (f[0] == '[') {
        f.remove_prefix(1);
        if (!f.empty() && f.back() == ']') {
            f.remove_suffix(1);
        }
        const size_t mig = f.find("->-");
        const size_t imp = f.find("-<-");
        const size_t at = mig != std::string_view::npos ? mig : imp;
        if (at == std::string_view::npos) {
            return true;  // an entry of a form this reader does not know: not a slot
        }
        OpenSlot o{static_cast<int>(to_ll(f.substr(0, at))), std::string(f.substr(at + 3))};
        if (!valid_slot(o.slot)) {
            return false;
        }
        (mig != std::string_view::npos ? n->migrating : n->importing).push_back(std::move(o));
        return true;
    }
    long long first = 0;
    long long last = 0;
    if (const size_t dash = f.find('-'); dash != std::string_view::npos) {
        first = to_ll(f.substr(0, dash));
        last = to_ll(f.substr(dash + 1));
    } else {
        first = last = to_ll(f);
    }
    if (!valid_slot(first) || !valid_slot(last) || last < first) {
        return false;
    }
    for (long long s = first; s <= last; s++) {
        n->slots.set(static_cast<size_t>(s));
    }
    n->slot_count += static_cast<int>(last - first + 1);
    return true;
}

}  // namespace

bool NodeLine::has_flag(std::string_view flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

bool parse_cluster_nodes(std::string_view text, std::vector<NodeLine>* out, std::string* err) {
    out->clear();
    for (std::string_view line : lines_of(text)) {
        std::vector<std::string_view> f = split(line, ' ');
        if (f.size() < 8) {
            *err = "invalid CLUSTER NODES line: " + std::string(line);
            return false;
        }
        NodeLine n;
        n.id = std::string(f[0]);
        if (!parse_address(f[1], &n)) {
            *err = "invalid CLUSTER NODES address: " + std::string(f[1]);
            return false;
        }
        for (std::string_view flag : split(f[2], ',')) {
            if (!flag.empty()) {
                n.flags.emplace_back(flag);
            }
        }
        n.master_id = f[3] == "-" ? "" : std::string(f[3]);
        n.ping_sent = to_ll(f[4]);
        n.pong_recv = to_ll(f[5]);
        n.config_epoch = to_ll(f[6]);
        n.link_state = std::string(f[7]);
        for (size_t i = 8; i < f.size(); i++) {
            if (!parse_slot_field(f[i], &n)) {
                *err = "invalid CLUSTER NODES slot: " + std::string(f[i]);
                return false;
            }
        }
        out->push_back(std::move(n));
    }
    return true;
}

std::string config_signature(std::string_view cluster_nodes) {
    std::vector<std::string> entries;
    for (std::string_view line : lines_of(cluster_nodes)) {
        std::vector<std::string_view> f = split(line, ' ');
        std::vector<std::string_view> slots;
        for (size_t i = 8; i < f.size(); i++) {
            if (!f[i].empty() && f[i][0] != '[') {
                slots.push_back(f[i]);
            }
        }
        if (slots.empty()) {
            continue;
        }
        std::sort(slots.begin(), slots.end());
        std::string e(f[0]);
        e += ':';
        for (size_t i = 0; i < slots.size(); i++) {
            if (i > 0) {
                e += ',';
            }
            e += slots[i];
        }
        entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end());
    std::string sig;
    for (size_t i = 0; i < entries.size(); i++) {
        if (i > 0) {
            sig += '|';
        }
        sig += entries[i];
    }
    return sig;
}

std::string format_slot_ranges(const SlotSet& slots) {
    std::string out;
    int s = 0;
    while (s < kSlots) {
        if (!slots.test(static_cast<size_t>(s))) {
            s++;
            continue;
        }
        int e = s;
        while (e + 1 < kSlots && slots.test(static_cast<size_t>(e + 1))) {
            e++;
        }
        if (!out.empty()) {
            out += ',';
        }
        out += '[' + std::to_string(s);
        if (e != s) {
            out += '-' + std::to_string(e);
        }
        out += ']';
        s = e + 1;
    }
    return out;
}

std::string info_field(std::string_view info, std::string_view field) {
    size_t pos = 0;
    while (pos < info.size()) {
        size_t end = info.find('\n', pos);
        if (end == std::string_view::npos) {
            end = info.size();
        }
        std::string_view line = info.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.size() > field.size() && line.substr(0, field.size()) == field &&
            line[field.size()] == ':') {
            return std::string(line.substr(field.size() + 1));
        }
        pos = end + 1;
    }
    return "";
}

}  // namespace slotcache::cli::cluster
