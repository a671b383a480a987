// The progress line of the cluster manager's long operations (reshard, rebalance, import, the
// wait for a new cluster to join): units done of the total (slots, or keys for an import),
// keys moved, keys per second and an estimate of the time left, redrawn in place.
//
// Only on a terminal (stdout a tty, or FAKETTY set as for the rest of the cli): there the
// line replaces redis-cli's one line (or one '#'/'.') per slot or key, which scroll thousands
// of lines by. When stdout is not a terminal, the commands print redis-cli's plain lines
// instead, unchanged, because scripts read those.
//
// Approach: the ETA is the average time per unit so far times the units left (slots differ in
// key count, but a reshard's slots are taken in order and their sizes are alike on average;
// counting the keys first would cost one COUNTKEYSINSLOT per slot before starting).
// Redraws are throttled to 10 a second.
//
// Main thread; writes to stdout.
#pragma once

#include <cstdint>
#include <string>

namespace slotcache::cli::cluster {

// True when the long operations should draw a progress line.
bool progress_enabled();

// "Resharding: 120/300 slots (40%), 5230 keys, 2100 keys/s, ETA 0:03". unit is "slots" or
// "keys"; with "keys" the separate key count is left out. Pure.
std::string format_progress(const std::string& label, long long done, long long total,
                            const std::string& unit, long long keys, double elapsed_s);

// "Resharding: 300 slots, 12000 keys in 5.2s (2300 keys/s)". Pure.
std::string format_progress_done(const std::string& label, long long done, const std::string& unit,
                                 long long keys, double elapsed_s);

// "m:ss", or "h:mm:ss" from one hour. Pure.
std::string format_duration(double seconds);

class Progress {
public:
    // Draws nothing unless enabled (normally progress_enabled()).
    Progress(bool enabled, std::string label, long long total, std::string unit);

    bool enabled() const { return enabled_; }
    void add(long long units, long long keys);
    void set_total(long long total) { total_ = total; }
    // Redraws at most every 100 ms unless force.
    void draw(bool force = false);
    // Erases the line so that a message can be printed; the next draw brings it back.
    void clear();
    // Replaces the line with the summary and ends it.
    void finish();

private:
    bool enabled_;
    std::string label_;
    long long total_;
    std::string unit_;
    long long done_ = 0;
    long long keys_ = 0;
    int64_t start_us_;
    int64_t last_draw_us_ = 0;
    bool drawn_ = false;
};

}  // namespace slotcache::cli::cluster
