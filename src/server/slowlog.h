// SLOWLOG: the last slowlog-max-len commands that took longer than slowlog-log-slower-than
// microseconds, newest first, with arguments truncated as Redis does (at most 32 arguments,
// each at most 128 bytes, "... (N more arguments)" / "... (N more bytes)").
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::server {

struct SlowlogEntry {
    uint64_t id;
    int64_t time_sec;
    int64_t duration_us;
    std::vector<std::string> args;
    std::string peer;
    std::string client_name;
};

class Slowlog {
public:
    // Records the command when duration_us >= threshold (threshold < 0 disables the log).
    void maybe_add(const std::vector<std::string_view>& args, int64_t duration_us,
                   long long threshold_us, size_t max_len, const std::string& peer,
                   const std::string& name, int64_t now_sec);
    const std::deque<SlowlogEntry>& entries() const { return entries_; }
    void reset() { entries_.clear(); }
    void trim(size_t max_len);

private:
    std::deque<SlowlogEntry> entries_;  // newest at front
    uint64_t next_id_ = 0;
};

}  // namespace slotcache::server
