// Logging in Redis' line format, "pid:role dd Mon yyyy hh:mm:ss.mmm <lvl> message", so that
// operators' log scrapers keep working. Level marks: '.' debug, '-' verbose, '*' notice,
// '#' warning. Loop thread only, except log_raw_fatal which is async-signal-safe.
#pragma once

#include <string>

namespace slotcache::log {

enum class Level { Debug = 0, Verbose = 1, Notice = 2, Warning = 3 };

// Where lines go: an empty path means standard output. Returns false when the file cannot be
// opened (the caller reports it and exits; nothing is logged yet at that point).
bool open(const std::string& path);
void set_level(Level l);
Level level();
bool parse_level(const std::string& s, Level* out);
const char* level_name(Level l);
void set_role(char role);  // 'M' master, 'S' replica, 'C' child

void write(Level l, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace slotcache::log

#define LOG_DEBUG(...)                                                          \
    do {                                                                        \
        if (::slotcache::log::level() <= ::slotcache::log::Level::Debug)        \
            ::slotcache::log::write(::slotcache::log::Level::Debug, __VA_ARGS__); \
    } while (0)
#define LOG_VERBOSE(...) ::slotcache::log::write(::slotcache::log::Level::Verbose, __VA_ARGS__)
#define LOG_NOTICE(...) ::slotcache::log::write(::slotcache::log::Level::Notice, __VA_ARGS__)
#define LOG_WARNING(...) ::slotcache::log::write(::slotcache::log::Level::Warning, __VA_ARGS__)
