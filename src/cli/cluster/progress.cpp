// The progress line (see progress.h).
#include "cli/cluster/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/clock.h"

namespace slotcache::cli::cluster {

namespace {

constexpr int64_t kRedrawUs = 100000;

std::string fixed1(double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.1f", v);
    return buf;
}

long long per_second(long long n, double elapsed_s) {
    return elapsed_s > 0 ? static_cast<long long>(std::llround(static_cast<double>(n) / elapsed_s))
                         : 0;
}

}  // namespace

bool progress_enabled() {
    return isatty(STDOUT_FILENO) != 0 || std::getenv("FAKETTY") != nullptr;
}

std::string format_duration(double seconds) {
    long long s = seconds > 0 ? std::llround(seconds) : 0;
    char buf[64];
    if (s >= 3600) {
        std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof(buf), "%lld:%02lld", s / 60, s % 60);
    }
    return buf;
}

std::string format_progress(const std::string& label, long long done, long long total,
                            const std::string& unit, long long keys, double elapsed_s) {
    std::string s = label + ": " + std::to_string(done) + "/" + std::to_string(total) + " " + unit;
    if (total > 0) {
        s += " (" + std::to_string(done * 100 / total) + "%)";
    }
    if (unit != "keys") {
        s += ", " + std::to_string(keys) + " keys";
    }
    s += ", " + std::to_string(per_second(keys, elapsed_s)) + " keys/s, ETA ";
    if (done > 0 && total >= done) {
        s += format_duration(elapsed_s / static_cast<double>(done) *
                             static_cast<double>(total - done));
    } else {
        s += "-:--";
    }
    return s;
}

std::string format_progress_done(const std::string& label, long long done, const std::string& unit,
                                 long long keys, double elapsed_s) {
    std::string s = label + ": " + std::to_string(done) + " " + unit;
    if (unit != "keys") {
        s += ", " + std::to_string(keys) + " keys";
    }
    return s + " in " + fixed1(elapsed_s) + "s (" + std::to_string(per_second(keys, elapsed_s)) +
           " keys/s)";
}

Progress::Progress(bool enabled, std::string label, long long total, std::string unit)
    : enabled_(enabled),
      label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      start_us_(monotonic_us()) {}

void Progress::add(long long units, long long keys) {
    done_ += units;
    keys_ += keys;
}

void Progress::draw(bool force) {
    if (!enabled_) {
        return;
    }
    const int64_t now = monotonic_us();
    if (!force && drawn_ && now - last_draw_us_ < kRedrawUs) {
        return;
    }
    last_draw_us_ = now;
    drawn_ = true;
    const double elapsed = static_cast<double>(now - start_us_) / 1e6;
    // \r and "erase to end of line" redraw in place whatever the previous line's length.
    std::printf("\r\033[K%s",
                format_progress(label_, done_, total_, unit_, keys_, elapsed).c_str());
    std::fflush(stdout);
}

void Progress::clear() {
    if (enabled_ && drawn_) {
        std::printf("\r\033[K");
        std::fflush(stdout);
        drawn_ = false;
    }
}

void Progress::finish() {
    if (!enabled_) {
        return;
    }
    const double elapsed = static_cast<double>(monotonic_us() - start_us_) / 1e6;
    std::printf("\r\033[K%s\n", format_progress_done(label_, done_, unit_, keys_, elapsed).c_str());
    std::fflush(stdout);
    drawn_ = false;
}

}  // namespace slotcache::cli::cluster
