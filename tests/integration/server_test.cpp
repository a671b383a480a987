// Server-level commands: INFO sections and fields, DBSIZE, FLUSHALL/FLUSHDB, CONFIG, TIME,
// SLOWLOG, DEBUG, COMMAND, the numbered databases (SELECT, MOVE, SWAPDB), and the effects of
// snapshots on them (FLUSHALL's save, MISCONF after a failed BGSAVE).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

// Hand-written matchers: <regex> trips g++ 12's -Wmaybe-uninitialized under the sanitizers.
bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

bool is_hex40(const std::string& s) {
    return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// "7.0.15": three dot-separated numbers.
bool is_version(const std::string& s) {
    size_t a = s.find('.');
    size_t b = a == std::string::npos ? a : s.find('.', a + 1);
    return b != std::string::npos && all_digits(s.substr(0, a)) &&
           all_digits(s.substr(a + 1, b - a - 1)) && all_digits(s.substr(b + 1));
}

}  // namespace

TEST_CASE("info: server section has version, pid, port and a 40-char run_id") {
    ServerProcess s;
    Conn c = s.connect();
    auto m = info(c, "server");
    CHECK(m.count("redis_version") == 1);
    CHECK(is_version(m["redis_version"]));
    CHECK(m["process_id"] == std::to_string(s.pid()));
    CHECK(m["tcp_port"] == std::to_string(s.port()));
    CHECK(is_hex40(m["run_id"]));
    CHECK(m["redis_mode"] == "standalone");
    CHECK(m.count("uptime_in_seconds") == 1);
    Reply raw = c.cmd({"INFO", "server"});
    REQUIRE(raw.type == Reply::Type::Str);
    CHECK(raw.str.rfind("# Server\r\n", 0) == 0);
}

TEST_CASE("info: clients, memory, stats and replication fields") {
    ServerProcess s;
    Conn c = s.connect();
    Conn c2 = s.connect();
    CHECK(info_int(c, "clients", "connected_clients") == 2);
    auto mem = info(c, "memory");
    CHECK(std::stoll(mem["used_memory"]) > 0);
    CHECK(mem.count("used_memory_human") == 1);
    CHECK(mem["maxmemory"] == "0");
    CHECK(mem["maxmemory_policy"] == "noeviction");
    CHECK(mem.count("mem_fragmentation_ratio") == 1);
    auto stats = info(c, "stats");
    for (const char* f : {"total_commands_processed", "expired_keys", "evicted_keys",
                          "keyspace_hits", "keyspace_misses", "total_connections_received"}) {
        CHECK_MESSAGE(stats.count(f) == 1, f);
    }
    auto repl = info(c, "replication");
    CHECK(repl["role"] == "master");
    CHECK(repl["connected_slaves"] == "0");
    CHECK(is_hex40(repl["master_replid"]));
    CHECK(repl["master_repl_offset"] == "0");
}

TEST_CASE("info: keyspace_hits and keyspace_misses count reads") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v"});
    c.cmd({"GET", "k"});
    c.cmd({"GET", "k"});
    c.cmd({"GET", "nope"});
    CHECK(info_int(c, "stats", "keyspace_hits") == 2);
    CHECK(info_int(c, "stats", "keyspace_misses") == 1);
    long long before = info_int(c, "stats", "total_commands_processed");
    c.cmd({"PING"});
    // The INFO itself counts too.
    CHECK(info_int(c, "stats", "total_commands_processed") == before + 2);
}

TEST_CASE("info: keyspace section lists each non-empty db with keys, expires, avg_ttl") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"INFO", "keyspace"}) == bulk("# Keyspace\r\n"));
    c.cmd({"SET", "a", "1"});
    c.cmd({"SET", "b", "1", "EX", "1000"});
    c.cmd({"SELECT", "2"});
    c.cmd({"SET", "c", "1"});
    auto m = info(c, "keyspace");
    CHECK(m.size() == 2);
    const std::string prefix = "keys=2,expires=1,avg_ttl=";
    CHECK(m["db0"].rfind(prefix, 0) == 0);
    CHECK(all_digits(m["db0"].substr(prefix.size())));
    CHECK(m["db2"] == "keys=1,expires=0,avg_ttl=0");
}

TEST_CASE("info: default and all sections, unknown section is empty") {
    ServerProcess s;
    Conn c = s.connect();
    std::string all = c.cmd({"INFO"}).str;
    for (const char* sec : {"# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
                            "# Replication", "# CPU", "# Keyspace"}) {
        CHECK_MESSAGE(all.find(sec) != std::string::npos, sec);
    }
    CHECK(c.cmd({"INFO", "nosuchsection"}) == bulk(""));
    std::string two = c.cmd({"INFO", "server", "clients"}).str;
    CHECK(two.find("# Server") != std::string::npos);
    CHECK(two.find("# Clients") != std::string::npos);
    CHECK(two.find("# Memory") == std::string::npos);
}

TEST_CASE("flush: FLUSHDB empties the current db, FLUSHALL every db, SYNC and ASYNC alike") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    CHECK(c.cmd({"MSET", "a", "1", "b", "2", "c", "3"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(3));
    c.cmd({"SELECT", "1"});
    c.cmd({"SET", "x", "1"});
    CHECK(c.cmd({"FLUSHDB"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    c.cmd({"SET", "x", "1"});
    CHECK(c.cmd({"FLUSHDB", "ASYNC"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    c.cmd({"SELECT", "0"});
    CHECK(c.cmd({"DBSIZE"}) == integer(3));
    CHECK(c.cmd({"FLUSHDB", "BAD"}) == error("ERR syntax error"));
    c.cmd({"SELECT", "5"});
    c.cmd({"SET", "y", "1"});
    CHECK(c.cmd({"FLUSHALL", "SYNC"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    c.cmd({"SELECT", "0"});
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    c.cmd({"SET", "z", "1"});
    CHECK(c.cmd({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
}

TEST_CASE("flush: removed keys count as changes; FLUSHALL with save points saves the empty set") {
    auto changes = [](Conn& c) {
        return info_int(c, "persistence", "rdb_changes_since_last_save");
    };
    {
        ServerProcess s;  // no save points
        Conn c = s.connect();
        c.cmd({"SET", "a", "1"});
        c.cmd({"SET", "b", "1"});
        CHECK(changes(c) == 2);
        CHECK(c.cmd({"FLUSHALL"}) == ok());
        CHECK(changes(c) == 4);
        CHECK(c.cmd({"FLUSHDB"}) == ok());
        CHECK(changes(c) == 4);
        c.cmd({"SET", "c", "1"});
        CHECK(c.cmd({"FLUSHDB"}) == ok());
        CHECK(changes(c) == 6);
        CHECK(!std::filesystem::exists(s.dir() + "/dump.rdb"));
    }
    ServerProcess s({"--save", "3600 1"});
    Conn c = s.connect();
    CHECK(c.cmd({"DEBUG", "POPULATE", "300000"}) == ok());
    // The BGSAVE child holds the old data: FLUSHALL stops it, so it cannot rename its image
    // over the empty snapshot FLUSHALL writes.
    CHECK(c.cmd({"BGSAVE"}) == status("Background saving started"));
    CHECK(c.cmd({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(changes(c) == 0);
    REQUIRE(wait_until(
        [&] { return info_int(c, "persistence", "rdb_bgsave_in_progress") == 0; }, 10000ms));
    CHECK(info(c, "persistence")["rdb_last_bgsave_status"] == "ok");
    // rdb_saves counts the BGSAVE started (killed or not), not FLUSHALL's own save.
    CHECK(info_int(c, "persistence", "rdb_saves") == 1);
    ServerProcess again({"--dir", s.dir()});
    CHECK(again.connect().cmd({"DBSIZE"}) == integer(0));
}

TEST_CASE("persistence: after a failed BGSAVE, writes and PING get MISCONF until a save works") {
    const Reply misconf = error(
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
        "persist to disk. Commands that may modify the data set are disabled, because this "
        "instance is configured to report errors during writes if RDB snapshotting fails "
        "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
        "the RDB error.");
    ServerProcess s({"--save", "3600 1"});
    // A directory where the snapshot should go makes the rename fail, even for root.
    std::filesystem::create_directory(s.dir() + "/dump.rdb");
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v"}) == ok());
    CHECK(c.cmd({"BGSAVE"}) == status("Background saving started"));
    REQUIRE(wait_until(
        [&] { return info(c, "persistence")["rdb_last_bgsave_status"] == "err"; }, 10000ms));
    CHECK(c.cmd({"SET", "k", "w"}) == misconf);
    CHECK(c.cmd({"FLUSHALL"}) == misconf);
    CHECK(c.cmd({"PING"}) == misconf);
    CHECK(c.cmd({"GET", "k"}) == bulk("v"));
    CHECK(c.cmd({"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"}) == ok());
    CHECK(c.cmd({"SET", "k", "w"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"}) == ok());
    CHECK(c.cmd({"INCR", "n"}) == misconf);
    std::filesystem::remove(s.dir() + "/dump.rdb");
    CHECK(c.cmd({"SAVE"}) == ok());
    CHECK(info_int(c, "persistence", "rdb_saves") == 2);  // the failed BGSAVE counts too
    CHECK(c.cmd({"INCR", "n"}) == integer(1));
    CHECK(c.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("databases: SELECT isolates keys and refuses an out-of-range index") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "db0"});
    CHECK(c.cmd({"SELECT", "15"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == nil());
    CHECK(c.cmd({"SELECT", "16"}) == error("ERR DB index is out of range"));
    CHECK(c.cmd({"SELECT", "-1"}) == error("ERR DB index is out of range"));
    CHECK(c.cmd({"SELECT", "x"}) == error("ERR value is not an integer or out of range"));
    CHECK(c.cmd({"SELECT", "0"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == bulk("db0"));
}

TEST_CASE("databases: MOVE moves a key, not onto an existing one") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v"});
    c.cmd({"SET", "t", "v", "EX", "100"});
    CHECK(c.cmd({"MOVE", "k", "1"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "k"}) == integer(0));
    CHECK(c.cmd({"MOVE", "k", "1"}) == integer(0));
    CHECK(c.cmd({"MOVE", "t", "0"}) ==
          error("ERR source and destination objects are the same"));
    CHECK(c.cmd({"MOVE", "t", "16"}) == error("ERR DB index is out of range"));
    CHECK(c.cmd({"MOVE", "t", "1"}) == integer(1));
    c.cmd({"SELECT", "1"});
    CHECK(c.cmd({"GET", "k"}) == bulk("v"));
    CHECK(c.cmd({"TTL", "t"}).integer > 90);
    c.cmd({"SELECT", "0"});
    c.cmd({"SET", "k", "other"});
    CHECK(c.cmd({"MOVE", "k", "1"}) == integer(0));
    CHECK(c.cmd({"GET", "k"}) == bulk("other"));
}

TEST_CASE("databases: SWAPDB swaps contents for every client") {
    ServerProcess s;
    Conn c = s.connect();
    Conn other = s.connect();
    c.cmd({"SET", "k", "in0"});
    other.cmd({"SELECT", "1"});
    other.cmd({"SET", "k", "in1"});
    CHECK(c.cmd({"SWAPDB", "0", "1"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == bulk("in1"));
    CHECK(other.cmd({"GET", "k"}) == bulk("in0"));
    CHECK(c.cmd({"SWAPDB", "0", "16"}) == error("ERR DB index is out of range"));
    CHECK(c.cmd({"SWAPDB", "a", "1"}) == error("ERR invalid first DB index"));
    CHECK(c.cmd({"SWAPDB", "0", "b"}) == error("ERR invalid second DB index"));
}

TEST_CASE("config: GET returns pairs, globs match several, SET changes a value") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "GET", "maxmemory"}) == bulks({"maxmemory", "0"}));
    CHECK(c.cmd({"CONFIG", "GET", "nosuchoption"}) == array({}));
    Reply many = c.cmd({"CONFIG", "GET", "maxmemory*"});
    CHECK(many.elements.size() >= 6);
    CHECK(many.elements.size() % 2 == 0);
    CHECK(many.field("maxmemory-policy") != nullptr);
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory", "10mb"}) == ok());
    CHECK(c.cmd({"CONFIG", "GET", "maxmemory"}) == bulks({"maxmemory", "10485760"}));
    CHECK(info(c, "memory")["maxmemory"] == "10485760");
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == ok());
    CHECK(c.cmd({"CONFIG", "GET", "maxmemory-policy"}) ==
          bulks({"maxmemory-policy", "allkeys-lru"}));
    CHECK(c.cmd({"CONFIG", "GET", "port"}) == bulks({"port", std::to_string(s.port())}));
}

TEST_CASE("config: SET errors for unknown options and bad values") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "SET", "nosuchoption", "1"}) ==
          error("ERR Unknown option or number of arguments for CONFIG SET - 'nosuchoption'"));
    Reply bad = c.cmd({"CONFIG", "SET", "maxmemory", "lots"});
    CHECK(bad.is_error());
    CHECK(bad.str.rfind("ERR CONFIG SET failed (possibly related to argument 'maxmemory')", 0) == 0);
    Reply policy = c.cmd({"CONFIG", "SET", "maxmemory-policy", "sometimes"});
    CHECK(policy.is_error());
    CHECK(c.cmd({"CONFIG", "GET", "maxmemory"}) == bulks({"maxmemory", "0"}));
    CHECK(c.cmd({"CONFIG", "FOO"}).is_error());
}

TEST_CASE("config: RESETSTAT zeroes the stats counters") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v"});
    c.cmd({"GET", "k"});
    c.cmd({"GET", "nope"});
    CHECK(info_int(c, "stats", "keyspace_hits") == 1);
    CHECK(c.cmd({"CONFIG", "RESETSTAT"}) == ok());
    CHECK(info_int(c, "stats", "total_commands_processed") <= 2);
    CHECK(info_int(c, "stats", "keyspace_hits") == 0);
    CHECK(info_int(c, "stats", "keyspace_misses") == 0);
}

TEST_CASE("config: REWRITE writes changed values to the config file") {
    ServerProcess s(ServerOptions{{}, "maxmemory-policy noeviction\n"});
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory", "64mb"}) == ok());
    CHECK(c.cmd({"CONFIG", "REWRITE"}) == ok());
    std::ifstream in(s.dir() + "/server.conf");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    CHECK(text.find("maxmemory-policy allkeys-lru") != std::string::npos);
    CHECK(text.find("maxmemory 64mb") != std::string::npos);
    CHECK(text.find("maxmemory-policy noeviction") == std::string::npos);
}

TEST_CASE("config: REWRITE without a config file is an error") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "REWRITE"}) == error("ERR The server is running without a config file"));
}

TEST_CASE("time: seconds and microseconds close to the wall clock") {
    ServerProcess s;
    Conn c = s.connect();
    Reply t = c.cmd({"TIME"});
    REQUIRE(t.type == Reply::Type::Array);
    REQUIRE(t.elements.size() == 2);
    CHECK(t.elements[0].type == Reply::Type::Str);
    long long secs = std::stoll(t.elements[0].str);
    long long usec = std::stoll(t.elements[1].str);
    CHECK(std::llabs(secs - now_ms() / 1000) <= 2);
    CHECK(usec >= 0);
    CHECK(usec < 1000000);
}

TEST_CASE("slowlog: logs commands slower than the threshold, LEN, GET format, RESET") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SLOWLOG", "LEN"}) == integer(0));
    CHECK(c.cmd({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == ok());
    CHECK(c.cmd({"CLIENT", "SETNAME", "slowpoke"}) == ok());
    CHECK(c.cmd({"SET", "k", "v"}) == ok());
    CHECK(c.cmd({"SLOWLOG", "LEN"}).integer >= 2);
    Reply get = c.cmd({"SLOWLOG", "GET", "1"});
    REQUIRE(get.type == Reply::Type::Array);
    REQUIRE(get.elements.size() == 1);
    const Reply& e = get.elements[0];
    REQUIRE(e.elements.size() == 6);
    CHECK(e.elements[0].type == Reply::Type::Int);
    CHECK(std::llabs(e.elements[1].integer - now_ms() / 1000) <= 2);
    CHECK(e.elements[2].type == Reply::Type::Int);
    CHECK(e.elements[3].type == Reply::Type::Array);
    CHECK(e.elements[4].str.rfind("127.0.0.1:", 0) == 0);
    CHECK(e.elements[5] == bulk("slowpoke"));
    CHECK(c.cmd({"SLOWLOG", "RESET"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "slowlog-log-slower-than", "1000000"}) == ok());
    CHECK(c.cmd({"SLOWLOG", "LEN"}).integer <= 1);
    CHECK(c.cmd({"CONFIG", "SET", "slowlog-log-slower-than", "10000"}) == ok());
    CHECK(c.cmd({"SLOWLOG", "RESET"}) == ok());
    CHECK(c.cmd({"DEBUG", "SLEEP", "0.05"}) == ok());
    Reply slow = c.cmd({"SLOWLOG", "GET"});
    REQUIRE(slow.elements.size() == 1);
    CHECK(slow.elements[0].elements[2].integer >= 40000);
    CHECK(slow.elements[0].elements[3] == bulks({"DEBUG", "SLEEP", "0.05"}));
}

TEST_CASE("debug: SLEEP blocks, POPULATE creates keys, OBJECT describes a value") {
    ServerProcess s;
    Conn c = s.connect();
    long long t0 = now_ms();
    CHECK(c.cmd({"DEBUG", "SLEEP", "0.2"}) == ok());
    CHECK(now_ms() - t0 >= 180);
    CHECK(c.cmd({"DEBUG", "POPULATE", "100"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(100));
    CHECK(c.cmd({"GET", "key:42"}) == bulk("value:42"));
    CHECK(c.cmd({"DEBUG", "POPULATE", "10", "p", "8"}) == ok());
    CHECK(c.cmd({"STRLEN", "p:3"}) == integer(8));
    Reply obj = c.cmd({"DEBUG", "OBJECT", "key:1"});
    REQUIRE(obj.type == Reply::Type::Status);
    CHECK(obj.str.rfind("Value at:", 0) == 0);
    CHECK(obj.str.find(" refcount:") != std::string::npos);
    CHECK(obj.str.find(" encoding:embstr ") != std::string::npos);
    CHECK(c.cmd({"DEBUG", "OBJECT", "nope"}) == error("ERR no such key"));
}

TEST_CASE("command: COUNT, INFO and GETKEYS formats") {
    ServerProcess s;
    Conn c = s.connect();
    Reply count = c.cmd({"COMMAND", "COUNT"});
    REQUIRE(count.type == Reply::Type::Int);
    CHECK(count.integer > 20);
    Reply ci = c.cmd({"COMMAND", "INFO", "get", "nosuchcmd"});
    REQUIRE(ci.elements.size() == 2);
    CHECK(ci.elements[1] == nil());
    const Reply& get = ci.elements[0];
    REQUIRE(get.elements.size() >= 6);
    CHECK(get.elements[0] == bulk("get"));
    CHECK(get.elements[1] == integer(2));
    CHECK(get.elements[2].type == Reply::Type::Array);
    CHECK(get.elements[3] == integer(1));
    CHECK(get.elements[4] == integer(1));
    CHECK(get.elements[5] == integer(1));
    Reply set = c.cmd({"COMMAND", "INFO", "SET"}).elements[0];
    CHECK(set.elements[1] == integer(-3));
    Reply mset = c.cmd({"COMMAND", "INFO", "mset"}).elements[0];
    CHECK(mset.elements[1] == integer(-3));
    CHECK(mset.elements[3] == integer(1));
    CHECK(mset.elements[4] == integer(-1));
    CHECK(mset.elements[5] == integer(2));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "set", "a", "b"}) == bulks({"a"}));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"}) == bulks({"a", "b"}));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "mget", "x", "y", "z"}) == bulks({"x", "y", "z"}));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "echo", "a"}) ==
          error("ERR The command has no key arguments"));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "set", "a"}) ==
          error("ERR Invalid number of arguments specified for command"));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "get"}) ==
          error("ERR wrong number of arguments for 'command|getkeys' command"));
    CHECK(c.cmd({"COMMAND", "GETKEYS", "nosuch", "a"}) == error("ERR Invalid command specified"));
}

// Expected bytes captured from redis-server 7.0.15 (COMMAND INFO over a raw socket).
TEST_CASE("command: INFO's key specs and tips are Redis 7.0's bytes (LMOVE, LMPOP RESP2; "
          "BLPOP, SPOP RESP3)") {
    ServerProcess s;
    RawConn r = s.raw();
    const std::string range_0 =
        "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey"
        "\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n";
    // Two specs: the source (RW access delete), the destination (RW insert).
    CHECK(r.raw("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$5\r\nlmove\r\n") ==
          "*1\r\n*10\r\n$5\r\nlmove\r\n:5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n"
          "+@write\r\n+@list\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access"
          "\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec"
          "\r\n*2\r\n$5\r\nindex\r\n:1\r\n" +
              range_0 +
              "*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\n"
              "type\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n" +
              range_0 + "*0\r\n");
    // A keynum spec: numkeys at begin_search + 0, the keys after it.
    CHECK(r.raw("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$5\r\nlmpop\r\n") ==
          "*1\r\n*10\r\n$5\r\nlmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n"
          "*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n"
          "+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n"
          "spec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum"
          "\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep"
          "\r\n:1\r\n*0\r\n");
    r.raw("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    const std::string find_tail =
        "\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";
    const std::string begin_1 =
        "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\n"
        "index\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3"
        "\r\n$7\r\nlastkey\r\n";
    // Keys up to the second to last argument (the timeout), popped from.
    CHECK(r.raw("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$5\r\nblpop\r\n") ==
          "*1\r\n*10\r\n$5\r\nblpop\r\n:-3\r\n~3\r\n+write\r\n+noscript\r\n+blocking\r\n:1\r\n"
          ":-2\r\n:1\r\n~4\r\n+@write\r\n+@list\r\n+@slow\r\n+@blocking\r\n~0\r\n~1\r\n%3\r\n$5"
          "\r\nflags\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n" +
              begin_1 + ":-2" + find_tail);
    // Tips: a set of bulk strings.
    CHECK(r.raw("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$4\r\nspop\r\n") ==
          "*1\r\n*10\r\n$4\r\nspop\r\n:-2\r\n~2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n"
          "+@write\r\n+@set\r\n+@fast\r\n~1\r\n$23\r\nnondeterministic_output\r\n~1\r\n%3\r\n$5"
          "\r\nflags\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n" +
              begin_1 + ":0" + find_tail);
}

TEST_CASE("command: COMMAND lists every command") {
    ServerProcess s;
    Conn c = s.connect();
    Reply all = c.cmd({"COMMAND"});
    REQUIRE(all.type == Reply::Type::Array);
    CHECK(static_cast<long long>(all.elements.size()) == c.cmd({"COMMAND", "COUNT"}).integer);
    bool has_get = false;
    for (const auto& e : all.elements) {
        has_get = has_get || (!e.elements.empty() && e.elements[0] == bulk("get"));
    }
    CHECK(has_get);
}

// redis-cli 7 reads COMMAND DOCS for its command hints.
TEST_CASE("command: DOCS describes a command as name -> map with a summary") {
    ServerProcess s;
    Conn c = s.connect();
    Reply docs = c.cmd({"COMMAND", "DOCS", "get"});
    REQUIRE(docs.type == Reply::Type::Array);
    REQUIRE(docs.elements.size() == 2);
    CHECK(docs.elements[0] == bulk("get"));
    CHECK(docs.elements[1].field("summary") != nullptr);
}
