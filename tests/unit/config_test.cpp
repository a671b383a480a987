// Unit tests of src/config: the text primitives, loading (file, includes, errors exactly as Redis
// 7.0 prints them), redis-server's argv convention, CONFIG GET/SET/REWRITE and the sample config.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/directives.h"
#include "config/text.h"

using namespace slotcache::config;

namespace {

std::string fatal_at(int line, const std::string& text, const std::string& reason) {
    return "\n*** FATAL CONFIG FILE ERROR (slotcache 0.1.0) ***\nReading the configuration file, "
           "at line " +
           std::to_string(line) + "\n>>> '" + text + "'\n" + reason + "\n";
}

std::string get1(const Config& c, std::string_view name) {
    auto r = c.get({name});
    REQUIRE(r.size() == 1);
    return r[0].second;
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/slotcache_config_test.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { (void)system(("rm -rf '" + path + "'").c_str()); }
    std::string write(const std::string& name, const std::string& content) const {
        std::string p = path + "/" + name;
        std::ofstream(p) << content;
        return p;
    }
};

std::string read_file(const std::string& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("text: split_args follows sdssplitargs quoting rules") {
    std::vector<std::string> a;
    REQUIRE(text::split_args("  set  \"a b\" 'c d' x\\y ", &a));
    CHECK(a == std::vector<std::string>{"set", "a b", "c d", "x\\y"});
    REQUIRE(text::split_args("k \"\\x41\\n\\\"\" 'it\\'s'", &a));
    CHECK(a == std::vector<std::string>{"k", "A\n\"", "it's"});
    REQUIRE(text::split_args("save \"\"", &a));
    CHECK(a == std::vector<std::string>{"save", ""});
    CHECK_FALSE(text::split_args("a \"unterminated", &a));
    CHECK_FALSE(text::split_args("a \"closed\"glued", &a));
    CHECK_FALSE(text::split_args("a 'x", &a));
}

TEST_CASE("text: quote is sdscatrepr and round-trips through split_args") {
    CHECK(text::quote("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\x01\"");
    std::vector<std::string> a;
    REQUIRE(text::split_args("x " + text::quote("we\"ird \t\\ value\x7f"), &a));
    CHECK(a[1] == "we\"ird \t\\ value\x7f");
}

TEST_CASE("text: memory units as memtoull, rewrite form as rewriteConfigFormatMemory") {
    unsigned long long v = 0;
    CHECK((text::parse_memory("1gb", &v) && v == 1073741824ULL));
    CHECK((text::parse_memory("1G", &v) && v == 1000000000ULL));
    CHECK((text::parse_memory("5KB", &v) && v == 5120));
    CHECK((text::parse_memory("100", &v) && v == 100));
    CHECK((text::parse_memory("0100b", &v) && v == 100));
    CHECK_FALSE(text::parse_memory("-1", &v));
    CHECK_FALSE(text::parse_memory("1tb", &v));
    CHECK_FALSE(text::parse_memory("1.5mb", &v));
    CHECK_FALSE(text::parse_memory("99999999999999999999gb", &v));
    CHECK(text::format_memory(0) == "0");
    CHECK(text::format_memory(1024 * 1024) == "1mb");
    CHECK(text::format_memory(3LL << 30) == "3gb");
    CHECK(text::format_memory(2048) == "2kb");
    CHECK(text::format_memory(1000) == "1000");
}

TEST_CASE("table: Values' initializers equal every directive's default text") {
    const Values defaults{};
    for (const auto& d : detail::directives()) {
        Values v{};
        std::vector<std::string> args;
        if (d.flags & detail::kMultiArg) {
            REQUIRE(text::split_args(d.def, &args));
        } else {
            args.emplace_back(d.def);
        }
        INFO("directive " << d.name);
        if (d.name == "dir") {
            continue;  // the default "./" is checked against the filesystem
        }
        CHECK(detail::set_value(d, v, args, false) == "");
        CHECK(detail::get_value(d, v) == detail::get_value(d, defaults));
    }
}

TEST_CASE("table: names and aliases are unique, lower case") {
    std::vector<std::string_view> seen;
    for (const auto& d : detail::directives()) {
        for (std::string_view n : {d.name, d.alias}) {
            if (n.empty()) {
                continue;
            }
            CHECK(text::lower(n) == n);
            CHECK(std::find(seen.begin(), seen.end(), n) == seen.end());
            seen.push_back(n);
        }
    }
}

TEST_CASE("load: types, units, enums, quotes, comments and later lines overriding earlier ones") {
    Config c;
    std::string err = c.load_string(
        "# a comment\n"
        "\n"
        "   port 7000   \n"
        "PORT 7001\n"
        "maxmemory 100mb\n"
        "maxmemory-policy ALLKEYS-LRU\n"
        "appendonly YES\n"
        "unixsocketperm 700\n"
        "requirepass \"p a s s\"\n"
        "masterauth 'x\\'y'\n"
        "slave-read-only no\n"
        "hash-max-ziplist-entries 100\n"
        "bind 127.0.0.1 -::1\n"
        "cluster-node-timeout 5000\n"
        "notify-keyspace-events Ex\n"
        "list-max-ziplist-entries 5\n");
    CHECK(err == "");
    const Values& v = c.values();
    CHECK(v.port == 7001);
    CHECK(v.maxmemory == 100LL * 1024 * 1024);
    CHECK(v.maxmemory_policy == MaxmemoryPolicy::AllkeysLru);
    CHECK(v.appendonly);
    CHECK(v.unixsocketperm == 0700);
    CHECK(v.requirepass == "p a s s");
    CHECK(v.masterauth == "x'y");
    CHECK_FALSE(v.replica_read_only);
    CHECK(v.hash_max_listpack_entries == 100);
    CHECK(v.bind == std::vector<std::string>{"127.0.0.1", "-::1"});
    CHECK(v.cluster_node_timeout == 5000);
    CHECK(v.notify_keyspace_events == (kNotifyKeyevent | kNotifyExpired));
    CHECK(get1(c, "notify-keyspace-events") == "xE");
    CHECK(get1(c, "unixsocketperm") == "700");
}

TEST_CASE("load: save lines accumulate, the first one replacing the defaults") {
    Config c;
    CHECK(c.load_string("save 900 1\nsave 300 10\n") == "");
    CHECK(get1(c, "save") == "900 1 300 10");
    Config d;
    CHECK(d.load_string("save \"\"\n") == "");
    CHECK(d.values().save.empty());
    Config e;
    CHECK(e.load_string("") == "");
    CHECK(get1(e, "save") == "3600 1 300 100 60 10000");
}

TEST_CASE("load: client-output-buffer-limit classes on one line or several") {
    Config c;
    CHECK(c.load_string("client-output-buffer-limit normal 1mb 2mb 3 pubsub 64mb 16mb 90\n"
                        "client-output-buffer-limit replica 512mb 128mb 120\n") == "");
    CHECK(get1(c, "client-output-buffer-limit") ==
          "normal 1048576 2097152 3 slave 536870912 134217728 120 pubsub 67108864 16777216 90");
    Config d;
    CHECK(get1(d, "client-output-buffer-limit") ==
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    CHECK(d.load_string("client-output-buffer-limit master 1 1 1\n") ==
          fatal_at(1, "client-output-buffer-limit master 1 1 1",
                   "Invalid client class specified in buffer limit configuration."));
    Config e;
    CHECK(e.load_string("client-output-buffer-limit normal 1 1\n") ==
          fatal_at(1, "client-output-buffer-limit normal 1 1",
                   "Wrong number of arguments in buffer limit configuration."));
}

TEST_CASE("load: errors name the line and give Redis' reason") {
    auto err = [](const std::string& text) { return Config().load_string(text); };
    CHECK(err("port 1\nfoo bar\n") ==
          fatal_at(2, "foo bar", "Bad directive or wrong number of arguments"));
    CHECK(err("appendonly maybe") ==
          fatal_at(1, "appendonly maybe", "argument must be 'yes' or 'no'"));
    CHECK(err("port abc") ==
          fatal_at(1, "port abc", "argument couldn't be parsed into an integer"));
    CHECK(err("port 70000") ==
          fatal_at(1, "port 70000", "argument must be between 0 and 65535 inclusive"));
    CHECK(err("maxmemory 1tb") == fatal_at(1, "maxmemory 1tb", "argument must be a memory value"));
    CHECK(err("maxmemory-policy lru") ==
          fatal_at(1, "maxmemory-policy lru",
                   "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                   "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                   "noeviction"));
    CHECK(err("port 1 2") == fatal_at(1, "port 1 2", "wrong number of arguments"));
    CHECK(err("\n\nrequirepass \"abc") ==
          fatal_at(3, "requirepass \"abc", "Unbalanced quotes in configuration line"));
    CHECK(err("unixsocketperm 800") ==
          fatal_at(1, "unixsocketperm 800", "argument couldn't be parsed as an octal number"));
    CHECK(err("unixsocketperm 1777") ==
          fatal_at(1, "unixsocketperm 1777", "argument must be between 0 and 777 inclusive"));
    CHECK(err("save 900") == fatal_at(1, "save 900", "Invalid save parameters"));
    CHECK(err("replicaof host 99999") ==
          fatal_at(1, "replicaof host 99999", "Invalid master port"));
    CHECK(err("tls-port 6380") == fatal_at(1, "tls-port 6380", "TLS is not supported"));
    CHECK(err("notify-keyspace-events Q") ==
          fatal_at(1, "notify-keyspace-events Q",
                   "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
    CHECK(err("dbfilename a/b.rdb") ==
          fatal_at(1, "dbfilename a/b.rdb", "dbfilename can't be a path, just a filename"));
    CHECK(err("dir /nonexistent/slotcache") ==
          fatal_at(1, "dir /nonexistent/slotcache", "No such file or directory"));
    CHECK(err("cluster-enabled yes\nreplicaof 127.0.0.1 7000\n") ==
          "\n*** FATAL CONFIG FILE ERROR (slotcache 0.1.0) ***\n"
          "replicaof directive not allowed in cluster mode\n");
    CHECK(err("logfile /nonexistent/dir/x.log") ==
          "\n*** FATAL CONFIG FILE ERROR (slotcache 0.1.0) ***\n"
          "Can't open the log file: No such file or directory\n");
}

TEST_CASE("load: the version in the banner is settable") {
    Config c;
    c.set_version("1.2.3");
    CHECK(c.load_string("nope").starts_with(
        "\n*** FATAL CONFIG FILE ERROR (slotcache 1.2.3) ***\n"));
}

TEST_CASE("load: hz is clamped to 1..500 like Redis") {
    Config c;
    CHECK(c.load_string("hz 100000") == "");
    CHECK(c.values().hz == 500);
    CHECK(c.load_string("hz 0") == "");
    CHECK(c.values().hz == 1);
}

TEST_CASE("load: include reads another file, errors cite that file's line") {
    TempDir t;
    std::string inc = t.write("inc.conf", "maxclients 42\n# c\nbogus-directive 1\n");
    std::string good = t.write("good.conf", "maxclients 7\n");
    Config c;
    CHECK(c.load_string("port 1000\ninclude " + good + "\nport 1001\n") == "");
    CHECK(c.values().maxclients == 7);
    CHECK(c.values().port == 1001);
    Config d;
    CHECK(d.load_string("include " + inc + "\n") ==
          fatal_at(3, "bogus-directive 1", "Bad directive or wrong number of arguments"));
    Config e;
    CHECK(e.load_string("include " + t.path + "/missing.conf") ==
          "Fatal error, can't open config file '" + t.path +
              "/missing.conf': No such file or directory\n");
    Config g;
    CHECK(g.load_string("include " + t.path + "/nomatch*.conf\nport 5") == "");
    CHECK(g.values().port == 5);
    std::string loop = t.write("loop.conf", "include " + t.path + "/loop.conf\n");
    Config h;
    CHECK(h.load_string("include " + loop).find("include nesting is too deep") !=
          std::string::npos);
}

TEST_CASE("load: rename-command is listed in order and checked against the command table") {
    Config c;
    CHECK(c.load_string("rename-command FLUSHALL \"\"\nrename-command config cfg\n") == "");
    REQUIRE(c.values().rename_command.size() == 2);
    CHECK(c.values().rename_command[0].name == "FLUSHALL");
    CHECK(c.values().rename_command[0].new_name == "");
    CHECK(c.values().rename_command[1].new_name == "cfg");

    auto with_lookup = [] {
        Config k;
        k.set_command_lookup([](std::string_view n) {
            return text::iequals(n, "get") || text::iequals(n, "set") || text::iequals(n, "config");
        });
        return k;
    };
    CHECK(with_lookup().load_string("rename-command nosuch x") ==
          fatal_at(1, "rename-command nosuch x", "No such command in rename-command"));
    CHECK(with_lookup().load_string("rename-command get set") ==
          fatal_at(1, "rename-command get set", "Target command name already exists"));
    CHECK(with_lookup().load_string("rename-command get g2\nrename-command g2 g3\n") == "");
    CHECK(with_lookup().load_string("rename-command get g2\nrename-command get x") ==
          fatal_at(2, "rename-command get x", "No such command in rename-command"));
}

TEST_CASE("argv: file, --name values, multi-value options and the --save special case") {
    const char* argv[] = {"slotcache-server", "/nonexistent/x.conf", "--port", "7000", "--save",
                          "900", "1", "--loglevel", "--verbose-looking", "--save"};
    CommandLine cl = parse_command_line(10, argv);
    CHECK(cl.config_file == "/nonexistent/x.conf");
    CHECK_FALSE(cl.config_from_stdin);
    CHECK(cl.options ==
          "port \"7000\" \nsave \"900\" \"1\" \nloglevel \"--verbose-looking\" \nsave \"\"");

    const char* argv2[] = {"slotcache-server", "--save", "--port", "1", "-"};
    CommandLine cl2 = parse_command_line(5, argv2);
    CHECK(cl2.config_file.empty());
    CHECK(cl2.config_from_stdin);
    CHECK(cl2.options == "save \"\"\nport \"1\" ");

    const char* argv3[] = {"slotcache-server", "--port 6380", "--maxmemory", "1mb"};
    CHECK(parse_command_line(4, argv3).options == "port 6380 \nmaxmemory \"1mb\" ");
}

TEST_CASE("argv: options are applied after the file and numbered after its lines") {
    TempDir t;
    std::string f = t.write("a.conf", "port 7000\nmaxmemory 1mb\n");
    const char* argv[] = {"slotcache-server", f.c_str(), "--port", "7001", "--save", "900 1",
                          "--maxmemory", "oops"};
    Config c;
    std::string err = c.load(parse_command_line(8, argv));
    // file lines 1-2, the empty line 3 after the file's last "\n", then "\n" + options.
    CHECK(err == fatal_at(6, "maxmemory \"oops\"", "argument must be a memory value"));
    CHECK(c.values().port == 7001);
    CHECK(get1(c, "save") == "900 1");
    CHECK(c.config_file() == f);
    Config d;
    const char* argv2[] = {"slotcache-server", "/nonexistent/slotcache.conf"};
    CHECK(d.load(parse_command_line(2, argv2)) ==
          "Fatal error, can't open config file '/nonexistent/slotcache.conf': No such file or "
          "directory\n");
}

TEST_CASE("CONFIG GET: several patterns, no duplicates, exact names as typed, aliases on globs") {
    Config c;
    auto r = c.get({"port", "PORT", "maxmemory*"});
    REQUIRE(r.size() == 5);
    CHECK(r[0] == std::pair<std::string, std::string>{"port", "6379"});
    CHECK(r[1].first == "maxmemory");
    CHECK(r[1].second == "0");
    CHECK(r[2] == std::pair<std::string, std::string>{"maxmemory-policy", "noeviction"});
    CHECK(r[3].first == "maxmemory-samples");
    CHECK(r[4].first == "maxmemory-eviction-tenacity");

    auto s = c.get({"slaveof"});
    REQUIRE(s.size() == 1);
    CHECK(s[0] == std::pair<std::string, std::string>{"slaveof", ""});
    auto g = c.get({"*slave-read-only*", "replica-read-only"});
    REQUIRE(g.size() == 2);
    CHECK(g[0].first == "slave-read-only");
    CHECK(g[1].first == "replica-read-only");
    CHECK(c.get({"nosuch", "rename-command", "include"}).empty());
    CHECK(c.get({"bind"})[0].second == "* -::*");
    CHECK(c.get({"*"}).size() > 100);
}

TEST_CASE("CONFIG SET: several pairs applied together; errors exactly as Redis 7") {
    Config c;
    CHECK(c.set({"maxmemory", "10mb", "maxmemory-policy", "allkeys-lfu"}) == "");
    CHECK(c.values().maxmemory == 10LL * 1024 * 1024);
    CHECK(c.values().maxmemory_policy == MaxmemoryPolicy::AllkeysLfu);
    CHECK(c.set({"foo", "1"}) ==
          "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    CHECK(c.set({"maxmemory", "lots"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
          "memory value");
    CHECK(c.set({"DAEMONIZE", "yes"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable "
          "config");
    CHECK(c.set({"timeout", "1", "TIMEOUT", "2"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter");
    CHECK(c.set({"SLAVE-PRIORITY", "x"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument "
          "couldn't be parsed into an integer");
    CHECK(c.set({"dir", "/tmp"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
          "config");
    CHECK(c.set({"appendonly", "yes"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'appendonly') - can't set immutable "
          "config");  // needs a server hook first
    CHECK(c.set({"timeout"}) == "ERR syntax error");
    // The first problem wins; an unknown name outranks a later one.
    CHECK(c.set({"daemonize", "yes", "foo", "1"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
          "config");
    CHECK(c.set({"maxmemory", "x", "foo", "1"}) ==
          "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
}

TEST_CASE("CONFIG SET: nothing changes when any value is invalid") {
    Config c;
    CHECK(c.set({"timeout", "30", "maxclients", "0"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
          "between 1 and 4294967295 inclusive");
    CHECK(c.values().timeout == 0);
    CHECK(c.values().maxclients == 10000);
}

TEST_CASE("CONFIG SET: multi-argument values split on spaces") {
    Config c;
    CHECK(c.set({"save", "100 2 50 3"}) == "");
    CHECK(get1(c, "save") == "100 2 50 3");
    CHECK(c.set({"save", ""}) == "");
    CHECK(c.values().save.empty());
    CHECK(c.set({"client-output-buffer-limit", "pubsub 1mb 0 0"}) == "");
    CHECK(get1(c, "client-output-buffer-limit") ==
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 0");
    CHECK(c.set({"save", "100"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
    CHECK(c.set({"hz", "9999"}) == "");
    CHECK(get1(c, "hz") == "500");
}

TEST_CASE("CONFIG SET: hooks run on change only; a failing hook rolls everything back") {
    Config c;
    std::vector<std::string> calls;
    CHECK(c.set({"port", "7000"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
          "config");
    REQUIRE(c.set_hook("maxmemory", [&](const Values& v) {
        calls.push_back("maxmemory=" + std::to_string(v.maxmemory));
        return std::string();
    }));
    REQUIRE(c.set_hook("port", [&](const Values& v) {
        calls.push_back("port=" + std::to_string(v.port));
        return v.port == 1 ? std::string("Unable to listen on this port. Check server logs.")
                           : std::string();
    }));
    CHECK_FALSE(c.set_hook("nosuch", [](const Values&) { return std::string(); }));

    CHECK(c.set({"maxmemory", "0", "port", "7000"}) == "");  // maxmemory unchanged: no hook
    CHECK(calls == std::vector<std::string>{"port=7000"});
    calls.clear();
    CHECK(c.set({"maxmemory", "1mb", "port", "1"}) ==
          "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
          "port. Check server logs.");
    CHECK(c.values().maxmemory == 0);
    CHECK(c.values().port == 7000);
    CHECK(calls == std::vector<std::string>{"maxmemory=1048576", "port=1", "maxmemory=0",
                                            "port=7000"});
}

TEST_CASE("CONFIG SET: protected configs follow enable-protected-configs") {
    Config c;
    c.set_hook("dir", [](const Values&) { return std::string(); });
    CHECK(c.load_string("enable-protected-configs local") == "");
    CHECK(c.set({"dbfilename", "x.rdb"}, false).find("can't set protected config") !=
          std::string::npos);
    CHECK(c.set({"dbfilename", "x.rdb"}, true) == "");
    CHECK(c.set({"dir", "/"}, true) == "");
    CHECK(get1(c, "dir") == "/");
}

TEST_CASE("sensitive directives are known") {
    CHECK(Config::is_sensitive("requirepass"));
    CHECK(Config::is_sensitive("MASTERAUTH"));
    CHECK_FALSE(Config::is_sensitive("port"));
}

TEST_CASE("CONFIG REWRITE: comments and order kept, changes in place, new values appended") {
    Config c;
    std::string old =
        "# my config\n"
        "port 7000\n"
        "\n"
        "\n"
        "slave-read-only yes\n"
        "save 900 1\n"
        "save 300 10\n"
        "save 60 10000\n"
        "include /etc/other.conf\n"
        "some-removed-directive 1\n"
        "maxmemory 1mb\n";
    CHECK(c.load_string("port 7000\nreplica-read-only yes\nsave 900 1\nsave 300 10\n") == "");
    REQUIRE(c.set({"maxmemory", "2gb", "replica-read-only", "no", "timeout", "5"}) == "");
    std::string out = c.rewrite_text(old);
    CHECK(out ==
          "# my config\n"
          "port 7000\n"
          "\n"
          "replica-read-only no\n"
          "save 900 1\n"
          "save 300 10\n"
          "\n"
          "include /etc/other.conf\n"
          "# ??? some-removed-directive 1\n"
          "maxmemory 2gb\n"
          "\n"
          "# Generated by CONFIG REWRITE\n"
          "timeout 5\n"
          "dir \"./\"\n");
    // Like Redis, the file's final newline adds one blank line once; then the text is stable.
    std::string again = c.rewrite_text(out);
    CHECK(again == out + "\n");
    CHECK(c.rewrite_text(again) == again);
}

TEST_CASE("CONFIG REWRITE: defaults stay only where the file had them; unset strings vanish") {
    Config c;
    CHECK(c.load_string("requirepass secret\nmaxmemory 0\n") == "");
    REQUIRE(c.set({"requirepass", ""}) == "");
    std::string out = c.rewrite_text("requirepass secret\nmaxmemory 0\n");
    CHECK(out.find("requirepass") == std::string::npos);
    CHECK(out.starts_with("\nmaxmemory 0\n\n# Generated by CONFIG REWRITE\n"));
    CHECK(out.find("save 3600 1\nsave 300 100\nsave 60 10000\n") != std::string::npos);
    CHECK(out.find("client-output-buffer-limit") == std::string::npos);
    CHECK(out.find("bind") == std::string::npos);
}

TEST_CASE("CONFIG REWRITE: writes the file it was loaded from; reloading gives the same values") {
    TempDir t;
    std::string f =
        t.write("node.conf", "# node\nport 7000\nrequirepass \"a \\\"quoted\\\" pw\"\n");
    const char* argv[] = {"slotcache-server", f.c_str()};
    Config c;
    REQUIRE(c.load(parse_command_line(2, argv)) == "");
    c.set_hook("bind", [](const Values&) { return std::string(); });
    REQUIRE(c.set({"client-output-buffer-limit", "replica 1gb 512mb 30",
                   "notify-keyspace-events", "KEA", "bind", "127.0.0.1 ::1"}) == "");
    CHECK(c.rewrite() == "");
    std::string written = read_file(f);
    CHECK(written.starts_with("# node\nport 7000\nrequirepass \"a \\\"quoted\\\" pw\"\n"));
    CHECK(written.find("client-output-buffer-limit replica 1gb 512mb 30\n") != std::string::npos);
    CHECK(written.find("client-output-buffer-limit normal") == std::string::npos);
    Config d;
    REQUIRE(d.load(parse_command_line(2, argv)) == "");
    for (const auto& [name, value] : c.get({"*"})) {
        INFO(name);
        CHECK(get1(d, name) == value);
    }
    CHECK(Config().rewrite() == "ERR The server is running without a config file");
}

TEST_CASE("conf/slotcache.conf loads and documents every directive") {
    Config c;
    const char* argv[] = {"slotcache-server", "conf/slotcache.conf"};
    REQUIRE(c.load(parse_command_line(2, argv)) == "");
    CHECK(c.values().port == 6379);
    CHECK(c.values().bind == std::vector<std::string>{"127.0.0.1", "-::1"});
    CHECK(c.values().dir == "./");
    std::string sample = read_file("conf/slotcache.conf");
    for (const auto& d : detail::directives()) {
        INFO(d.name);
        bool active = sample.find("\n" + std::string(d.name) + " ") != std::string::npos;
        bool commented = sample.find("\n# " + std::string(d.name) + " ") != std::string::npos;
        CHECK((active || commented));
    }
}
