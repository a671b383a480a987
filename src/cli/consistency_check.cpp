// Options, accounting and report lines of the consistency checker (see consistency_check.h).
#include "cli/consistency_check.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "cli/cluster_client.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

bool parse_count(const std::string& v, long long min, long long* out) {
    long long n = 0;
    if (!parse_ll(v, &n) || n < min) {
        return false;
    }
    *out = n;
    return true;
}

// Applies one option that takes a value. Returns false with *err set on a bad value; *known is
// false when opt is not such an option.
bool parse_valued(const std::string& opt, const std::string& v, ConsistencyOptions* o, bool* known,
                  std::string* err) {
    *known = true;
    long long n = 0;
    bool good = true;
    if (opt == "-h") {
        o->host = v;
    } else if (opt == "-p") {
        good = parse_count(v, 1, &n) && n <= 65535;
        o->port = static_cast<int>(n);
    } else if (opt == "-a") {
        o->pass = v;
        o->has_pass = true;
    } else if (opt == "--user") {
        o->user = v;
    } else if (opt == "--keys") {
        good = parse_count(v, 1, &o->keys);
    } else if (opt == "--duration") {
        good = parse_count(v, 0, &o->duration_s);
    } else if (opt == "--requests") {
        good = parse_count(v, 0, &o->requests);
    } else if (opt == "--rate") {
        if (v == "unlimited") {
            o->rate = 0;
        } else {
            good = parse_count(v, 0, &o->rate);
        }
    } else if (opt == "--timeout") {
        good = parse_count(v, 0, &o->timeout_ms) && o->timeout_ms <= 3600 * 1000;
    } else if (opt == "--prefix") {
        o->prefix = v;
    } else if (opt == "--window-slots-of") {
        NodeAddress a;
        good = parse_node_address(v, &a);
        o->window_nodes.push_back(v);
    } else {
        *known = false;
        return true;
    }
    if (!good) {
        *err = "Invalid value \"" + v + "\" for " + opt;
    }
    return good;
}

std::string fmt(const char* f, long long a) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), f, a);
    return buf;
}

}  // namespace

ConsistencyParse parse_consistency_options(const std::vector<std::string>& args) {
    ConsistencyParse out;
    ConsistencyOptions& o = out.options;
    for (size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        if (a == "--consistency") {
            continue;
        }
        if (a == "--help") {
            out.help = true;
            return out;
        }
        if (a == "--csv" || a == "--json") {
            o.format = a == "--csv" ? ConsistencyFormat::Csv : ConsistencyFormat::Json;
            continue;
        }
        bool known = false;
        if (i + 1 < args.size() && !parse_valued(a, args[i + 1], &o, &known, &out.error)) {
            out.ok = false;
            return out;
        }
        if (!known) {
            out.ok = false;
            out.error = "Invalid option \"" + a + "\" or option argument missing";
            return out;
        }
        i++;
    }
    return out;
}

std::string consistency_usage() {
    return "Usage: slotcache-benchmark --consistency [OPTIONS]\n\n"
           "Increments counters <prefix>:0..<prefix>:<keys-1> through a cluster-aware\n"
           "connection, reads each back before its INCR, and reports every second the reads,\n"
           "writes, failed operations, lost writes (a counter read below what acknowledged\n"
           "INCRs made it) and writes applied without an acknowledgement (read above).\n\n"
           "Options:\n"
           " -h <hostname>        A node to read the slot map from (default 127.0.0.1)\n"
           " -p <port>            Its port (default 6379)\n"
           " -a <password>        AUTH on every connection\n"
           " --user <username>    AUTH username password. Needs -a.\n"
           " --keys <n>           Number of counters (default 1000)\n"
           " --duration <s>       Stop after s seconds (default 60; 0: until SIGINT/SIGTERM)\n"
           " --requests <n>       Stop after n INCRs (default: no limit)\n"
           " --rate <n>           Read+INCR rounds per second, or 'unlimited' (default)\n"
           " --timeout <ms>       Connect/send/recv timeout per node (default 100)\n"
           " --prefix <p>         Counter key prefix (default consistency)\n"
           " --window-slots-of <host:port>\n"
           "                      Watch the slots this node serves at start as one group:\n"
           "                      report the time from the first failed operation on them to\n"
           "                      the first successful write (repeatable)\n"
           " --csv                Per-second lines as CSV\n"
           " --json               Per-second lines and the summary as JSON objects\n"
           " --help               Output this help and exit.\n\n"
           "The last line is 'summary key=value ...' (or a JSON object with --json). SIGINT or\n"
           "SIGTERM stops the run and prints the summary.\n";
}

std::string counter_key(const std::string& prefix, long long index) {
    return prefix + ":" + std::to_string(index);
}

ConsistencyTracker::ConsistencyTracker(size_t keys)
    : expected_(keys), fail_since_(kSlotCount, -1), watched_(kSlotCount, false) {}

void ConsistencyTracker::watch_slot(int slot) {
    if (!watched_[static_cast<size_t>(slot)]) {
        watched_[static_cast<size_t>(slot)] = true;
        watched_count_++;
    }
}

void ConsistencyTracker::set_initial(size_t key, long long value) {
    expected_[key] = {value, true};
}

void ConsistencyTracker::compare(size_t key, long long value_before) {
    const Expected& e = expected_[key];
    if (!e.known) {
        return;
    }
    if (value_before < e.value) {
        c_.lost += e.value - value_before;
    } else if (value_before > e.value) {
        c_.noack += value_before - e.value;
    }
}

void ConsistencyTracker::on_read(size_t key, long long value) {
    c_.reads++;
    compare(key, value);
    expected_[key] = {value, true};
}

void ConsistencyTracker::on_write(size_t key, int slot, long long value, int64_t now_ms,
                                  long long latency_ms) {
    c_.writes++;
    compare(key, value - 1);
    expected_[key] = {value, true};
    c_.max_write_latency_ms = std::max(c_.max_write_latency_ms, latency_ms);
    succeeded_write(slot, now_ms);
}

void ConsistencyTracker::on_read_failed(int slot, int64_t now_ms) {
    c_.read_errors++;
    failed(slot, now_ms);
}

void ConsistencyTracker::on_write_failed(int slot, int64_t now_ms) {
    c_.write_errors++;
    failed(slot, now_ms);
}

void ConsistencyTracker::failed(int slot, int64_t now_ms) {
    const size_t s = static_cast<size_t>(slot);
    if (fail_since_[s] < 0) {
        fail_since_[s] = now_ms;
        failing_.push_back(slot);
    }
    if (watched_[s] && watched_since_ < 0) {
        watched_since_ = now_ms;
    }
}

void ConsistencyTracker::succeeded_write(int slot, int64_t now_ms) {
    const size_t s = static_cast<size_t>(slot);
    if (fail_since_[s] >= 0) {
        const long long d = now_ms - fail_since_[s];
        windows_++;
        if (d > max_window_ms_ || max_window_slot_ < 0) {
            max_window_ms_ = d;
            max_window_slot_ = slot;
            max_window_start_ = fail_since_[s];
        }
        fail_since_[s] = -1;
        failing_.erase(std::find(failing_.begin(), failing_.end(), slot));
    }
    if (watched_[s] && watched_since_ >= 0) {
        const long long d = now_ms - watched_since_;
        watched_windows_++;
        if (d >= watched_max_ms_) {
            watched_max_ms_ = d;
            watched_max_fail_ = watched_since_;
            watched_max_ok_ = now_ms;
        }
        watched_closed_pending_ = true;
        watched_last_fail_ = watched_since_;
        watched_last_ok_ = now_ms;
        watched_since_ = -1;
    }
}

bool ConsistencyTracker::take_closed_watched_outage(int64_t* fail_ms, int64_t* ok_ms) {
    if (!watched_closed_pending_) {
        return false;
    }
    watched_closed_pending_ = false;
    *fail_ms = watched_last_fail_;
    *ok_ms = watched_last_ok_;
    return true;
}

ConsistencySummary ConsistencyTracker::summary(int64_t start_ms, int64_t now_ms) const {
    ConsistencySummary s;
    s.c = c_;
    s.duration_ms = now_ms - start_ms;
    s.windows = windows_;
    s.max_window_ms = max_window_ms_;
    s.max_window_slot = max_window_slot_;
    s.max_window_start_ms = max_window_start_;
    s.open_windows = static_cast<long long>(failing_.size());
    for (int slot : failing_) {
        s.max_open_ms =
            std::max<long long>(s.max_open_ms, now_ms - fail_since_[static_cast<size_t>(slot)]);
    }
    s.watched_slots = watched_count_;
    s.watched_windows = watched_windows_;
    s.watched_max_window_ms = watched_max_ms_;
    s.watched_fail_ms = watched_max_fail_;
    s.watched_ok_ms = watched_max_ok_;
    s.watched_open_since_ms = watched_since_ >= 0 ? watched_since_ : 0;
    return s;
}

std::string consistency_csv_header() {
    return "elapsed_s,reads,read_errors,writes,write_errors,lost,noack,failing_slots\n";
}

std::string consistency_tick(ConsistencyFormat f, long long elapsed_s, const ConsistencyCounters& c,
                             size_t failing_slots) {
    char buf[512];
    switch (f) {
        case ConsistencyFormat::Text:
            std::snprintf(buf, sizeof(buf),
                          "%llds: %lld R (%lld err) | %lld W (%lld err) | %lld lost | %lld noack"
                          " | %zu slots failing\n",
                          elapsed_s, c.reads, c.read_errors, c.writes, c.write_errors, c.lost,
                          c.noack, failing_slots);
            break;
        case ConsistencyFormat::Csv:
            std::snprintf(buf, sizeof(buf), "%lld,%lld,%lld,%lld,%lld,%lld,%lld,%zu\n", elapsed_s,
                          c.reads, c.read_errors, c.writes, c.write_errors, c.lost, c.noack,
                          failing_slots);
            break;
        case ConsistencyFormat::Json:
            std::snprintf(buf, sizeof(buf),
                          "{\"type\":\"tick\",\"elapsed_s\":%lld,\"reads\":%lld,"
                          "\"read_errors\":%lld,\"writes\":%lld,\"write_errors\":%lld,"
                          "\"lost\":%lld,\"noack\":%lld,\"failing_slots\":%zu}\n",
                          elapsed_s, c.reads, c.read_errors, c.writes, c.write_errors, c.lost,
                          c.noack, failing_slots);
            break;
    }
    return buf;
}

namespace {

// The summary's machine-readable fields, in print order.
std::vector<std::pair<const char*, long long>> summary_fields(const ConsistencySummary& s) {
    const ConsistencyCounters& c = s.c;
    return {
        {"duration_ms", s.duration_ms},
        {"reads", c.reads},
        {"read_errors", c.read_errors},
        {"writes", c.writes},
        {"write_errors", c.write_errors},
        {"errors", c.read_errors + c.write_errors},
        {"lost", c.lost},
        {"noack", c.noack},
        {"max_write_latency_ms", c.max_write_latency_ms},
        {"windows", s.windows},
        {"max_window_ms", s.max_window_ms},
        {"max_window_slot", s.max_window_slot},
        {"open_windows", s.open_windows},
        {"max_open_ms", s.max_open_ms},
        {"watched_slots", static_cast<long long>(s.watched_slots)},
        {"watched_windows", s.watched_windows},
        {"watched_max_window_ms", s.watched_max_window_ms},
        {"watched_fail_unix_ms", s.watched_fail_ms},
        {"watched_ok_unix_ms", s.watched_ok_ms},
        {"watched_open_since_unix_ms", s.watched_open_since_ms},
    };
}

std::string readable_summary(const ConsistencySummary& s,
                             const std::vector<std::string>& watched_nodes) {
    const ConsistencyCounters& c = s.c;
    char buf[1024];
    std::string out = "== consistency check summary ==\n";
    std::snprintf(buf, sizeof(buf),
                  "%.2f s: %lld reads (%lld failed), %lld writes (%lld failed), %lld lost writes, "
                  "%lld not acknowledged but applied; longest INCR %lld ms\n",
                  static_cast<double>(s.duration_ms) / 1000.0, c.reads, c.read_errors, c.writes,
                  c.write_errors, c.lost, c.noack, c.max_write_latency_ms);
    out += buf;
    if (s.windows == 0) {
        out += "unavailability: no slot window closed";
    } else {
        std::snprintf(buf, sizeof(buf),
                      "unavailability: %lld slot windows closed, the longest %lld ms (slot %d, "
                      "first failure at unix ms %" PRId64 ")",
                      s.windows, s.max_window_ms, s.max_window_slot, s.max_window_start_ms);
        out += buf;
    }
    out += fmt("; %lld slots still failing", s.open_windows);
    out += s.open_windows > 0 ? fmt(" (the oldest for %lld ms)\n", s.max_open_ms) : "\n";
    if (s.watched_slots > 0) {
        std::string nodes;
        for (const std::string& n : watched_nodes) {
            nodes += (nodes.empty() ? "" : ", ") + n;
        }
        std::snprintf(buf, sizeof(buf),
                      "watched slots (%zu, served by %s at start): ", s.watched_slots,
                      nodes.c_str());
        out += buf;
        if (s.watched_windows > 0) {
            std::snprintf(buf, sizeof(buf),
                          "%lld outages, the longest %lld ms (first failure at unix ms %" PRId64
                          ", first successful write at %" PRId64 ")",
                          s.watched_windows, s.watched_max_window_ms, s.watched_fail_ms,
                          s.watched_ok_ms);
            out += buf;
        } else {
            out += "no outage ended";
        }
        if (s.watched_open_since_ms != 0) {
            out += fmt("; still failing since unix ms %lld",
                       static_cast<long long>(s.watched_open_since_ms));
        }
        out += "\n";
    }
    return out;
}

}  // namespace

std::string consistency_summary(ConsistencyFormat f, const ConsistencySummary& s,
                                const std::vector<std::string>& watched_nodes) {
    std::string out;
    if (f == ConsistencyFormat::Json) {
        out = "{\"type\":\"summary\"";
        for (const auto& [name, value] : summary_fields(s)) {
            out += ",\"" + std::string(name) + "\":" + std::to_string(value);
        }
        return out + "}\n";
    }
    if (f == ConsistencyFormat::Text) {
        out = readable_summary(s, watched_nodes);
    }
    out += "summary";
    for (const auto& [name, value] : summary_fields(s)) {
        out += " " + std::string(name) + "=" + std::to_string(value);
    }
    return out + "\n";
}

}  // namespace slotcache::cli
