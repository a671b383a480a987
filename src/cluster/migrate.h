// MIGRATE's exchange with its target, as data and pure decisions (Redis 7.0's migrateCommand):
// what one exchange sends, how the target's reply lines are judged, and which outcome the
// source reports. The I/O around it is migrate_link.h; the command is commands/migrate.cpp.
//
// One exchange, on one connection to host:port (cached, see migrate_link.h):
//   1. [AUTH [username] password]   when MIGRATE had AUTH / AUTH2
//   2. [SELECT db]                  only when the connection's last SELECTed db differs
//   3. RESTORE-ASKING key ttl payload [REPLACE], one per key (RESTORE outside cluster mode)
// all written at once; then one reply line per command, in order. A key is acknowledged when
// its RESTORE got a non-error reply and neither AUTH nor SELECT failed; the first error line
// (AUTH's, else SELECT's, else the first failed RESTORE's) is what the client sees after
// "ERR Target instance replied with error: ".
//
// Pure; any thread (used on the loop thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::cluster {

// Redis' MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL.
constexpr size_t kMigrateCacheItems = 64;
constexpr int64_t kMigrateIdleCloseMs = 10'000;
// A reply line longer than this is not a reply to RESTORE: the connection is dropped.
constexpr size_t kMigrateMaxLine = 64 * 1024;

// What one MIGRATE sends to its target.
struct MigrateExchange {
    std::string host;  // as the client wrote them; "host:port" names the cached connection
    std::string port;
    long long db = 0;
    int64_t timeout_ms = 1000;  // per connect, and per I/O wait once connected
    bool auth = false;
    bool has_username = false;  // AUTH2: AUTH username password; else AUTH password
    std::string username;
    std::string password;
    std::string restores;  // the RESTORE commands in RESP, one per key
    size_t key_count = 0;
};

// How an exchange ended on the wire.
enum class MigrateIo : uint8_t {
    None,     // every reply line was read
    Resolve,  // the host name did not resolve: nothing was sent
    Write,    // connecting or writing failed or timed out
    Read,     // reading a reply failed or timed out
};

struct MigrateResult {
    std::vector<size_t> acked;  // indexes of the keys the target acknowledged, ascending
    bool target_failed = false;  // the target replied an error to AUTH, SELECT or a RESTORE
    std::string target_error;    // the first such error line, without '-'
    MigrateIo io = MigrateIo::None;
};

// Judges the reply lines read so far. auth_line / select_line are used only when the exchange
// sent AUTH / SELECT; restore_lines holds the RESTORE replies read (fewer than the keys when
// the connection failed midway). Sets acked and target_error of *out.
void judge_replies(bool auth, std::string_view auth_line, bool select,
                   std::string_view select_line, const std::vector<std::string>& restore_lines,
                   MigrateResult* out);

// The reply MIGRATE gives for a finished exchange (without '-'/'+' and CRLF): "" for +OK,
// else the error text. A target error wins over an I/O error, as in Redis.
std::string migrate_error_text(const MigrateResult& r);

// Redis' texts.
constexpr std::string_view kMigrateResolveError = "IOERR error or timeout connecting to the client";
constexpr std::string_view kMigrateWriteError = "IOERR error or timeout writing to target instance";
constexpr std::string_view kMigrateReadError = "IOERR error or timeout reading to target instance";

// Appends args as a RESP array of bulk strings (a command as a client sends it).
void append_command(std::string* out, const std::vector<std::string_view>& args);

}  // namespace slotcache::cluster
