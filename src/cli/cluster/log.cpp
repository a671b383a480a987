// redis-cli's cluster manager output and prompts (see log.h).
#include "cli/cluster/log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace slotcache::cli::cluster {

namespace {

bool use_colors() {
    static const bool on = [] {
        const char* term = std::getenv("TERM");
        return term != nullptr && std::strstr(term, "xterm") != nullptr;
    }();
    return on;
}

// redis-cli's LOG_COLOR_BOLD, _YELLOW, _RED and _GREEN.
const char* color_of(int level) {
    switch (level) {
        case 0:
            return "29;1m";
        case 1:
            return "33;1m";
        case 2:
            return "31;1m";
        default:
            return "32;1m";
    }
}

void vlog(int level, const char* fmt, va_list ap) {
    const bool colors = use_colors();
    if (colors) {
        std::printf("\033[%s", color_of(level));
    }
    std::vprintf(fmt, ap);
    if (colors) {
        std::printf("\033[0m");
    }
}

ssize_t read_stdin(char* buf, size_t len) {
    ssize_t n;
    do {
        n = read(STDIN_FILENO, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

}  // namespace

void log_info(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(0, fmt, ap);
    va_end(ap);
}

void log_warn(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(1, fmt, ap);
    va_end(ap);
}

void log_err(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(2, fmt, ap);
    va_end(ap);
}

void log_ok(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(3, fmt, ap);
    va_end(ap);
}

bool confirm_with_yes(const char* msg, bool assume_yes, bool may_skip) {
    if (assume_yes && may_skip) {
        return true;
    }
    const std::string prompt = std::string(msg) + " (type 'yes' to accept): ";
    return ask_yes(prompt.c_str());
}

bool ask_yes(const char* prompt) {
    std::printf("%s", prompt);
    std::fflush(stdout);
    // Four bytes, as redis-cli reads: "yes\n" (or "yes" at the end of the input).
    char buf[4];
    const ssize_t n = read_stdin(buf, sizeof(buf));
    return n >= 3 && std::memcmp(buf, "yes", 3) == 0;
}

bool prompt_line(const char* prompt, size_t max, std::string* out) {
    std::printf("%s", prompt);
    std::fflush(stdout);
    out->clear();
    char c;
    for (;;) {
        const ssize_t n = read_stdin(&c, 1);
        if (n <= 0) {
            return false;
        }
        if (c == '\n') {
            return true;
        }
        if (out->size() < max) {
            out->push_back(c);
        }
    }
}

}  // namespace slotcache::cli::cluster
