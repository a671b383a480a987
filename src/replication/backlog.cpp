#include "replication/backlog.h"

#include <strings.h>

#include <algorithm>
#include <cstring>

#include "common/random.h"

namespace slotcache::replication {

void ReplIds::reset() {
    replid = random_hex(kReplIdLen);
    replid2 = kNullReplId;
    second_repl_offset = -1;
}

void ReplIds::shift(long long master_repl_offset) {
    replid2 = replid;
    // A replica that followed the old history up to master_repl_offset asks for the next byte,
    // master_repl_offset + 1: that is the last offset at which both histories agree.
    second_repl_offset = master_repl_offset + 1;
    replid = random_hex(kReplIdLen);
}

Backlog::Backlog(size_t capacity, long long master_repl_offset)
    : buf_(new char[capacity]), cap_(capacity), end_offset_(master_repl_offset) {}

void Backlog::append(const char* p, size_t n) {
    end_offset_ += static_cast<long long>(n);
    // Only the last cap_ bytes can survive: skip what would be overwritten anyway.
    if (n > cap_) {
        p += n - cap_;
        idx_ = (idx_ + (n - cap_)) % cap_;
        n = cap_;
    }
    while (n > 0) {
        size_t room = std::min(cap_ - idx_, n);
        memcpy(buf_.get() + idx_, p, room);
        idx_ = (idx_ + room) % cap_;
        histlen_ = std::min(cap_, histlen_ + room);
        p += room;
        n -= room;
    }
}

void Backlog::copy_from(long long offset, std::string* out) const {
    size_t skip = static_cast<size_t>(offset - first_byte_offset());
    size_t len = histlen_ - skip;
    // The oldest held byte sits at idx_ - histlen_ (mod cap_).
    size_t pos = (idx_ + cap_ - histlen_ + skip) % cap_;
    out->reserve(out->size() + len);
    while (len > 0) {
        size_t run = std::min(cap_ - pos, len);
        out->append(buf_.get() + pos, run);
        pos = (pos + run) % cap_;
        len -= run;
    }
}

void Backlog::resize(size_t capacity) {
    if (capacity == cap_) return;
    std::string keep;
    size_t held = std::min(histlen_, capacity);
    copy_from(end_offset_ - static_cast<long long>(held) + 1, &keep);
    buf_.reset(new char[capacity]);
    cap_ = capacity;
    memcpy(buf_.get(), keep.data(), keep.size());
    histlen_ = keep.size();
    idx_ = histlen_ % cap_;
}

PsyncDecision decide_psync(const ReplIds& ids, const Backlog* backlog, std::string_view replid,
                           long long psync_offset) {
    if (replid == "?") return {PsyncOutcome::FullResync, false, "full sync requested"};
    auto same = [](std::string_view a, const std::string& b) {
        return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
    };
    if (!same(replid, ids.replid)) {
        if (!same(replid, ids.replid2)) {
            return {PsyncOutcome::FullResync, true, "Replication ID mismatch"};
        }
        if (psync_offset > ids.second_repl_offset) {
            return {PsyncOutcome::FullResync, true,
                    "requested offset beyond the previous replication ID's end"};
        }
    }
    if (backlog == nullptr) return {PsyncOutcome::FullResync, true, "no backlog"};
    if (!backlog->covers(psync_offset)) {
        return {PsyncOutcome::FullResync, true, "backlog doesn't cover the requested offset"};
    }
    return {PsyncOutcome::Continue, false, ""};
}

}  // namespace slotcache::replication
