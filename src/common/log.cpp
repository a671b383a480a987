#include "common/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace slotcache::log {

namespace {
FILE* g_out = nullptr;  // nullptr means stdout; owned when not stdout
Level g_level = Level::Notice;
char g_role = 'M';
}  // namespace

bool open(const std::string& path) {
    if (path.empty()) {
        if (g_out) fclose(g_out);
        g_out = nullptr;
        return true;
    }
    FILE* f = fopen(path.c_str(), "a");
    if (!f) return false;
    if (g_out) fclose(g_out);
    g_out = f;
    return true;
}

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }
void set_role(char role) { g_role = role; }

bool parse_level(const std::string& s, Level* out) {
    static const char* names[] = {"debug", "verbose", "notice", "warning"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s.c_str(), names[i]) == 0) {
            *out = static_cast<Level>(i);
            return true;
        }
    }
    return false;
}

const char* level_name(Level l) {
    static const char* names[] = {"debug", "verbose", "notice", "warning"};
    return names[static_cast<int>(l)];
}

void write(Level l, const char* fmt, ...) {
    if (l < g_level) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm tmv{};
    localtime_r(&tv.tv_sec, &tmv);
    char when[64];
    size_t n = strftime(when, sizeof(when), "%d %b %Y %H:%M:%S.", &tmv);
    snprintf(when + n, sizeof(when) - n, "%03d", static_cast<int>(tv.tv_usec / 1000));
    static const char marks[] = ".-*#";
    FILE* out = g_out ? g_out : stdout;
    fprintf(out, "%d:%c %s %c %s\n", static_cast<int>(getpid()), g_role, when,
            marks[static_cast<int>(l)], msg);
    fflush(out);
}

}  // namespace slotcache::log
