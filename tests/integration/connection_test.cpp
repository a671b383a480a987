// Connections and their lifecycle: PING/ECHO/QUIT/HELLO/AUTH, CLIENT subcommands, idle timeout,
// maxclients, output back-pressure, SHUTDOWN and SIGTERM, unix sockets, protected-mode.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

bool contains_nocase(std::string hay, std::string needle) {
    for (auto& ch : hay) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("connection: PING, PING message, ECHO") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"PING"}) == status("PONG"));
    CHECK(c.cmd({"PING", "hello"}) == bulk("hello"));
    CHECK(c.cmd({"PING", "a", "b"}) == error("ERR wrong number of arguments for 'ping' command"));
    CHECK(c.cmd({"ECHO", "hi there"}) == bulk("hi there"));
    CHECK(c.cmd({"ECHO"}) == error("ERR wrong number of arguments for 'echo' command"));
}

TEST_CASE("connection: QUIT replies OK and closes") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("QUIT\r\n") == "+OK\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("auth: AUTH without a configured password is an error") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"AUTH", "x"}) ==
          error("ERR AUTH <password> called without any password configured for the default "
                "user. Are you sure your configuration is correct?"));
}

TEST_CASE("auth: requirepass gates commands until AUTH succeeds") {
    ServerProcess s(ServerOptions{{"--requirepass", "secret"}, "", true, "secret"});
    Conn c = s.connect();
    CHECK(c.cmd({"GET", "k"}) == error("NOAUTH Authentication required."));
    CHECK(c.cmd({"AUTH", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(c.cmd({"AUTH", "default", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(c.cmd({"GET", "k"}) == error("NOAUTH Authentication required."));
    CHECK(c.cmd({"AUTH", "secret"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == nil());
    Conn c2 = s.connect();
    CHECK(c2.cmd({"AUTH", "default", "secret"}) == ok());
    CHECK(c2.cmd({"SET", "k", "v"}) == ok());
}

TEST_CASE("auth: HELLO needs authentication or AUTH in the HELLO itself") {
    ServerProcess s(ServerOptions{{"--requirepass", "secret"}, "", true, "secret"});
    RawConn r = s.raw();
    Reply denied = r.call("HELLO 3\r\n");
    CHECK(denied.is_error());
    CHECK(denied.str.rfind("NOAUTH ", 0) == 0);
    CHECK(r.call("HELLO 3 AUTH default wrong\r\n") ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    Reply hello = r.call("HELLO 3 AUTH default secret\r\n");
    CHECK(hello.type == Reply::Type::Map);
    CHECK(r.raw("GET k\r\n") == "_\r\n");
}

TEST_CASE("auth: HELLO SETNAME names the connection") {
    ServerProcess s;
    Conn c = s.connect();
    Reply hello = c.cmd({"HELLO", "2", "SETNAME", "worker"});
    CHECK(hello.type == Reply::Type::Array);
    CHECK(c.cmd({"CLIENT", "GETNAME"}) == bulk("worker"));
}

TEST_CASE("client: ID, SETNAME, GETNAME, INFO") {
    ServerProcess s;
    Conn c = s.connect();
    Reply id = c.cmd({"CLIENT", "ID"});
    REQUIRE(id.type == Reply::Type::Int);
    CHECK(id.integer > 0);
    CHECK(c.cmd({"CLIENT", "GETNAME"}) == nil());
    CHECK(c.cmd({"CLIENT", "SETNAME", "alpha"}) == ok());
    CHECK(c.cmd({"CLIENT", "GETNAME"}) == bulk("alpha"));
    CHECK(c.cmd({"CLIENT", "SETNAME", "a b"}) ==
          error("ERR Client names cannot contain spaces, newlines or special characters."));
    Reply ci = c.cmd({"CLIENT", "INFO"});
    REQUIRE(ci.type == Reply::Type::Str);
    CHECK(ci.str.rfind("id=" + std::to_string(id.integer) + " addr=127.0.0.1:", 0) == 0);
    CHECK(ci.str.find(" name=alpha ") != std::string::npos);
    CHECK(ci.str.find(" db=0 ") != std::string::npos);
    CHECK(ci.str.find(" cmd=client|info ") != std::string::npos);
    CHECK(ci.str.back() == '\n');
    Conn other = s.connect();
    CHECK(other.cmd({"CLIENT", "ID"}).integer > id.integer);
}

TEST_CASE("client: LIST shows one line per connection with its fields") {
    ServerProcess s;
    Conn a = s.connect();
    Conn b = s.connect();
    CHECK(b.cmd({"CLIENT", "SETNAME", "bee"}) == ok());
    CHECK(b.cmd({"SELECT", "3"}) == ok());
    Reply list = a.cmd({"CLIENT", "LIST"});
    REQUIRE(list.type == Reply::Type::Str);
    int lines = 0;
    for (char ch : list.str) {
        lines += ch == '\n';
    }
    CHECK(lines == 2);
    CHECK(list.str.find(" name=bee ") != std::string::npos);
    CHECK(list.str.find(" db=3 ") != std::string::npos);
    CHECK(list.str.find(" cmd=client|list ") != std::string::npos);
    CHECK(list.str.find(" flags=N ") != std::string::npos);
    Reply by_id = a.cmd({"CLIENT", "LIST", "ID", std::to_string(b.cmd({"CLIENT", "ID"}).integer)});
    CHECK(by_id.str.find(" name=bee ") != std::string::npos);
    CHECK(by_id.str.find(" cmd=client|list ") == std::string::npos);
}

TEST_CASE("client: LIST takes one filter; IDs are listed in the order given") {
    ServerProcess s;
    Conn a = s.connect();
    Conn b = s.connect();
    std::string ida = std::to_string(a.cmd({"CLIENT", "ID"}).integer);
    std::string idb = std::to_string(b.cmd({"CLIENT", "ID"}).integer);
    Reply two = a.cmd({"CLIENT", "LIST", "ID", idb, "0", "-3", "999999", ida, idb});
    REQUIRE(two.type == Reply::Type::Str);
    size_t first_b = two.str.find("id=" + idb + " ");
    size_t first_a = two.str.find("id=" + ida + " ");
    CHECK(first_b == 0);
    CHECK(first_a != std::string::npos);
    CHECK(two.str.find("id=" + idb + " ", first_a) != std::string::npos);
    CHECK(a.cmd({"CLIENT", "LIST", "ID", "x"}) == error("ERR Invalid client ID"));
    CHECK(a.cmd({"CLIENT", "LIST", "TYPE", "normal", "TYPE", "normal"}) ==
          error("ERR syntax error"));
    CHECK(a.cmd({"CLIENT", "LIST", "ID"}) == error("ERR syntax error"));
    CHECK(a.cmd({"CLIENT", "LIST", "TYPE", "pubsub"}) == bulk(""));
    CHECK(a.cmd({"CLIENT", "KILL", "ID", "0", "TYPE"}) ==
          error("ERR client-id should be greater than 0"));
    CHECK(a.cmd({"CLIENT", "KILL", "TYPE", "normal", "ID"}) == error("ERR syntax error"));
    CHECK(a.cmd({"CLIENT", "KILL", "TYPE", "normal", "USER", "default"}) == integer(1));
    CHECK(b.cmd({"PING"}).is_closed());
}

TEST_CASE("client: KILL by ID and by address closes that connection") {
    ServerProcess s;
    Conn admin = s.connect();
    Conn victim = s.connect();
    long long vid = victim.cmd({"CLIENT", "ID"}).integer;
    CHECK(admin.cmd({"CLIENT", "KILL", "ID", std::to_string(vid)}) == integer(1));
    CHECK(victim.cmd({"PING"}).is_closed());
    CHECK(admin.cmd({"CLIENT", "KILL", "ID", "999999"}) == integer(0));
    CHECK(admin.cmd({"CLIENT", "KILL", "127.0.0.1:1"}) == error("ERR No such client"));

    Conn victim2 = s.connect();
    std::string info2 = victim2.cmd({"CLIENT", "INFO"}).str;
    size_t at = info2.find("addr=") + 5;
    std::string addr = info2.substr(at, info2.find(' ', at) - at);
    CHECK(admin.cmd({"CLIENT", "KILL", addr}) == ok());
    CHECK(victim2.cmd({"PING"}).is_closed());
    CHECK(admin.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("client: PAUSE WRITE holds writes but not reads until UNPAUSE") {
    ServerProcess s;
    Conn admin = s.connect();
    CHECK(admin.cmd({"SET", "k", "v"}) == ok());
    CHECK(admin.cmd({"CLIENT", "PAUSE", "10000", "WRITE"}) == ok());
    Conn reader = s.connect();
    CHECK(reader.cmd({"GET", "k"}) == bulk("v"));
    RawConn writer = s.raw();
    writer.send("SET k w\r\n");
    CHECK(writer.read_some(300ms).empty());
    CHECK(admin.cmd({"CLIENT", "UNPAUSE"}) == ok());
    CHECK(writer.read_raw() == "+OK\r\n");
    CHECK(reader.cmd({"GET", "k"}) == bulk("w"));
}

TEST_CASE("client: PAUSE ALL delays every command until the timeout") {
    ServerProcess s;
    Conn admin = s.connect();
    CHECK(admin.cmd({"CLIENT", "PAUSE", "abc"}) ==
          error("ERR timeout is not an integer or out of range"));
    CHECK(admin.cmd({"CLIENT", "PAUSE", "400"}) == ok());
    long long t0 = now_ms();
    Conn other = s.connect();
    CHECK(other.cmd({"PING"}) == status("PONG"));
    CHECK(now_ms() - t0 >= 250);
}

TEST_CASE("timeout: an idle client is closed after `timeout` seconds, an active one is not") {
    ServerProcess s({"--timeout", "1"});
    RawConn idle = s.raw();
    CHECK(idle.raw("PING\r\n") == "+PONG\r\n");
    Conn active = s.connect();
    bool active_ok = true;
    bool closed = wait_until(
        [&] {
            active_ok = active_ok && active.cmd({"PING"}) == status("PONG");
            bool eof = false;
            idle.read_some(1ms, &eof);
            return eof;
        },
        6000ms, 100ms);
    CHECK(closed);
    CHECK(active_ok);
    CHECK(s.connect().cmd({"CONFIG", "GET", "timeout"}) == bulks({"timeout", "1"}));
}

TEST_CASE("maxclients: the connection over the limit gets an error and is closed") {
    ServerProcess s({"--maxclients", "3"});
    std::vector<RawConn> conns;
    for (int i = 0; i < 3; i++) {
        conns.emplace_back(s.port());
        CHECK(conns.back().raw("PING\r\n") == "+PONG\r\n");
    }
    RawConn extra = s.raw();
    CHECK(extra.read_raw() == "-ERR max number of clients reached\r\n");
    CHECK(extra.wait_closed());
    conns.pop_back();
    CHECK(wait_until([&] {
        RawConn again = s.raw();
        return again.raw("PING\r\n") == "+PONG\r\n";
    }));
}

TEST_CASE("back-pressure: a client over the normal output hard limit is closed, memory bounded") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "SET", "client-output-buffer-limit", "normal 4mb 0 0"}) == ok());
    CHECK(c.cmd({"SET", "big", std::string(1 << 20, 'x')}) == ok());
    long long before = info_int(c, "memory", "used_memory");
    RawConn slow = s.raw();
    std::string gets;
    for (int i = 0; i < 100; i++) {
        gets += "GET big\r\n";
    }
    slow.send(gets);  // 100 MB of replies, never read
    CHECK(wait_until([&] { return info_int(c, "clients", "connected_clients") == 1; }));
    CHECK(slow.wait_closed());
    long long after = info_int(c, "memory", "used_memory");
    CHECK(after < before + 16 * 1024 * 1024);
    CHECK(info_int(c, "memory", "used_memory_peak") < before + 64 * 1024 * 1024);
    CHECK(c.cmd({"STRLEN", "big"}) == integer(1 << 20));
}

TEST_CASE("back-pressure: a client that reads late still gets every reply intact") {
    ServerProcess s;
    Conn c = s.connect();
    std::string value(1 << 20, 'y');
    value[0] = 'a';
    value.back() = 'z';
    CHECK(c.cmd({"SET", "big", value}) == ok());
    RawConn slow = s.raw();
    std::string gets;
    for (int i = 0; i < 30; i++) {
        gets += "GET big\r\n";
    }
    slow.send(gets);
    // While the slow client does not read, the server keeps serving others.
    CHECK(c.cmd({"PING"}) == status("PONG"));
    CHECK(c.cmd({"SET", "small", "1"}) == ok());
    int intact = 0;
    for (int i = 0; i < 30; i++) {
        intact += slow.read() == bulk(value);
    }
    CHECK(intact == 30);
}

TEST_CASE("shutdown: SHUTDOWN closes the connection and exits 0 with a log line") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v"}) == ok());
    CHECK(c.cmd({"SHUTDOWN"}).is_closed());
    CHECK(s.wait_exit() == 0);
    CHECK(contains_nocase(s.log(), "shutdown"));
}

TEST_CASE("shutdown: SIGTERM exits cleanly with code 0 and a log line") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v"}) == ok());
    kill(s.pid(), SIGTERM);
    CHECK(s.wait_exit() == 0);
    CHECK(contains_nocase(s.log(), "sigterm"));
    CHECK(contains_nocase(s.log(), "shutdown"));
}

TEST_CASE("shutdown: the final snapshot follows the save points, SAVE and NOSAVE") {
    namespace fs = std::filesystem;
    {
        ServerProcess s({"--save", "3600 1"});
        CHECK(s.connect().cmd({"SET", "k", "saved"}) == ok());
        CHECK(s.connect().cmd({"SHUTDOWN"}).is_closed());
        CHECK(s.wait_exit() == 0);
        CHECK(contains_nocase(s.log(), "saving the final rdb snapshot before exiting"));
        // The snapshot holds the data: a server started on it serves the key.
        ServerProcess again({"--dir", s.dir()});
        CHECK(again.connect().cmd({"GET", "k"}) == bulk("saved"));
    }
    {
        ServerProcess s({"--save", "3600 1"});
        CHECK(s.connect().cmd({"SET", "k", "v"}) == ok());
        CHECK(s.connect().cmd({"SHUTDOWN", "NOSAVE"}).is_closed());
        CHECK(s.wait_exit() == 0);
        CHECK(!fs::exists(s.dir() + "/dump.rdb"));
    }
    {
        ServerProcess s;  // no save points
        CHECK(s.connect().cmd({"SET", "k", "v"}) == ok());
        CHECK(s.connect().cmd({"SHUTDOWN", "save", "now"}).is_closed());
        CHECK(s.wait_exit() == 0);
        CHECK(fs::exists(s.dir() + "/dump.rdb"));
    }
    {
        ServerProcess s({"--save", "3600 1"});
        CHECK(s.connect().cmd({"SET", "k", "v"}) == ok());
        kill(s.pid(), SIGTERM);
        CHECK(s.wait_exit() == 0);
        CHECK(fs::exists(s.dir() + "/dump.rdb"));
    }
}

TEST_CASE("shutdown: a failed final save keeps the server running unless FORCE") {
    ServerProcess s({"--save", "3600 1"});
    // A directory where the snapshot should go makes the final rename fail, even for root.
    std::filesystem::create_directory(s.dir() + "/dump.rdb");
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v"}) == ok());
    const Reply failed = error("ERR Errors trying to SHUTDOWN. Check logs.");
    CHECK(c.cmd({"SHUTDOWN"}) == failed);
    CHECK(c.cmd({"SHUTDOWN", "SAVE", "NOW"}) == failed);
    CHECK(c.cmd({"SHUTDOWN", "ABORT"}) == error("ERR No shutdown in progress."));
    CHECK(c.cmd({"SHUTDOWN", "ABORT", "NOW"}) == error("ERR syntax error"));
    CHECK(c.cmd({"SHUTDOWN", "NOSAVE", "SAVE"}) == error("ERR syntax error"));
    CHECK(c.cmd({"SHUTDOWN", "LATER"}) == error("ERR syntax error"));
    kill(s.pid(), SIGTERM);
    CHECK(wait_until([&] { return contains_nocase(s.log(), "sigterm"); }));
    CHECK(c.cmd({"GET", "k"}) == bulk("v"));
    CHECK(s.running());
    CHECK(contains_nocase(s.log(), "error trying to save the db, can't exit."));
    CHECK(c.cmd({"SHUTDOWN", "FORCE"}).is_closed());
    CHECK(s.wait_exit() == 0);
    CHECK(contains_nocase(s.log(), "error trying to save the db. exit anyway."));
}

TEST_CASE("shutdown: a SIGSTOPped server answers again after SIGCONT") {
    ServerProcess s;
    Conn c = s.connect();
    s.pause_process();
    RawConn r = s.raw();
    r.send("PING\r\n");
    CHECK(r.read_some(200ms).empty());
    s.resume_process();
    CHECK(r.read_raw() == "+PONG\r\n");
}

TEST_CASE("unixsocket: clients connect through the socket path with unixsocketperm") {
    char tmpl[] = "/tmp/slotcache-sock-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    struct RemoveDir {
        std::string dir;
        ~RemoveDir() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } remove_dir{tmpl};
    std::string path = std::string(tmpl) + "/s.sock";
    ServerProcess s({"--unixsocket", path, "--unixsocketperm", "700"});
    Conn c(path);
    REQUIRE(c.connected());
    CHECK(c.cmd({"SET", "k", "via-unix"}) == ok());
    CHECK(s.connect().cmd({"GET", "k"}) == bulk("via-unix"));
    struct stat st{};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(c.cmd({"CONFIG", "GET", "unixsocketperm"}) == bulks({"unixsocketperm", "700"}));
}

TEST_CASE("protected-mode: on by default, visible in CONFIG GET, settable") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "GET", "protected-mode"}) == bulks({"protected-mode", "yes"}));
    ServerProcess off({"--protected-mode", "no"});
    CHECK(off.connect().cmd({"CONFIG", "GET", "protected-mode"}) ==
          bulks({"protected-mode", "no"}));
    // Loopback clients are always served, protected or not.
    CHECK(c.cmd({"PING"}) == status("PONG"));
}
