#include "server/slowlog.h"

namespace slotcache::server {

namespace {
constexpr size_t kMaxArgs = 32;       // SLOWLOG_ENTRY_MAX_ARGC
constexpr size_t kMaxArgBytes = 128;  // SLOWLOG_ENTRY_MAX_STRING
}  // namespace

void Slowlog::maybe_add(const std::vector<std::string_view>& args, int64_t duration_us,
                        long long threshold_us, size_t max_len, const std::string& peer,
                        const std::string& name, int64_t now_sec) {
    if (threshold_us < 0 || duration_us < threshold_us) return;
    SlowlogEntry e;
    e.id = next_id_++;
    e.time_sec = now_sec;
    e.duration_us = duration_us;
    size_t n = args.size() > kMaxArgs ? kMaxArgs : args.size();
    e.args.reserve(n);
    for (size_t i = 0; i < n; i++) {
        if (i == kMaxArgs - 1 && args.size() > kMaxArgs) {
            e.args.push_back("... (" + std::to_string(args.size() - kMaxArgs + 1) +
                             " more arguments)");
            break;
        }
        if (args[i].size() > kMaxArgBytes) {
            e.args.push_back(std::string(args[i].substr(0, kMaxArgBytes)) + "... (" +
                             std::to_string(args[i].size() - kMaxArgBytes) + " more bytes)");
        } else {
            e.args.emplace_back(args[i]);
        }
    }
    e.peer = peer;
    e.client_name = name;
    entries_.push_front(std::move(e));
    trim(max_len);
}

void Slowlog::trim(size_t max_len) {
    while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace slotcache::server
