// Wire protocol: RESP2 and RESP3 encodings, inline commands, pipelining, batched replies, and the
// protocol errors that close the connection. Byte-exact expectations, checked against redis 7.0.
#include <doctest/doctest.h>

#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

std::string resp_command(const Args& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) {
        out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    }
    return out;
}

}  // namespace

TEST_CASE("resp2: each reply type has its RESP2 encoding") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw(resp_command({"SET", "k", "v"})) == "+OK\r\n");
    CHECK(r.raw(resp_command({"GET", "k"})) == "$1\r\nv\r\n");
    CHECK(r.raw(resp_command({"GET", "missing"})) == "$-1\r\n");
    CHECK(r.raw(resp_command({"INCR", "n"})) == ":1\r\n");
    CHECK(r.raw(resp_command({"MGET", "k", "missing"})) == "*2\r\n$1\r\nv\r\n$-1\r\n");
    CHECK(r.raw(resp_command({"KEYS", "nomatch*"})) == "*0\r\n");
    CHECK(r.raw(resp_command({"SET", "", ""})) == "+OK\r\n");
    CHECK(r.raw(resp_command({"GET", ""})) == "$0\r\n\r\n");
    CHECK(r.raw(resp_command({"INCR", "k"})) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("resp2: values are binary safe") {
    ServerProcess s;
    Conn c = s.connect();
    std::string value("a\0b\r\nc", 6);
    std::string key("k\0\n", 3);
    CHECK(c.cmd({"SET", key, value}) == ok());
    CHECK(c.cmd({"GET", key}) == bulk(value));
    CHECK(c.cmd({"STRLEN", key}) == integer(6));
}

TEST_CASE("resp3: HELLO 3 answers a map and switches the connection to RESP3") {
    ServerProcess s;
    RawConn r = s.raw();
    Reply hello = r.call("HELLO 3\r\n");
    REQUIRE(hello.type == Reply::Type::Map);
    REQUIRE(hello.field("proto") != nullptr);
    CHECK(*hello.field("proto") == integer(3));
    REQUIRE(hello.field("server") != nullptr);
    CHECK(hello.field("server")->type == Reply::Type::Str);
    REQUIRE(hello.field("version") != nullptr);
    CHECK(hello.field("version")->type == Reply::Type::Str);
    REQUIRE(hello.field("id") != nullptr);
    CHECK(hello.field("id")->type == Reply::Type::Int);
    REQUIRE(hello.field("mode") != nullptr);
    CHECK(*hello.field("mode") == bulk("standalone"));
    REQUIRE(hello.field("role") != nullptr);
    CHECK(*hello.field("role") == bulk("master"));
    REQUIRE(hello.field("modules") != nullptr);
    CHECK(hello.field("modules")->type == Reply::Type::Array);

    CHECK(r.raw("GET missing\r\n") == "_\r\n");
    CHECK(r.raw("SET k v\r\n") == "+OK\r\n");
    CHECK(r.raw("MGET k missing\r\n") == "*2\r\n$1\r\nv\r\n_\r\n");
    CHECK(r.raw("CONFIG GET maxmemory\r\n") == "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    CHECK(r.raw("INCR n\r\n") == ":1\r\n");
}

TEST_CASE("resp3: HELLO 2 goes back to RESP2 and HELLO answers a flat array there") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.call("HELLO 3\r\n").type == Reply::Type::Map);
    Reply hello2 = r.call("HELLO 2\r\n");
    CHECK(hello2.type == Reply::Type::Array);
    CHECK(hello2.elements.size() == 14);
    REQUIRE(hello2.field("proto") != nullptr);
    CHECK(*hello2.field("proto") == integer(2));
    CHECK(r.raw("GET missing\r\n") == "$-1\r\n");
}

TEST_CASE("resp3: HELLO with an unsupported version is NOPROTO") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HELLO", "4"}) == error("NOPROTO unsupported protocol version"));
    CHECK(c.cmd({"HELLO", "1"}) == error("NOPROTO unsupported protocol version"));
    CHECK(c.cmd({"HELLO", "x"}) ==
          error("ERR Protocol version is not an integer or out of range"));
    CHECK(c.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("inline: commands without RESP framing, quoted arguments, bare LF") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("PING\r\n") == "+PONG\r\n");
    CHECK(r.raw("set k \"hello world\"\r\n") == "+OK\r\n");
    CHECK(r.raw("get k\n") == "$11\r\nhello world\r\n");
    CHECK(r.raw("set k2 'it''s'\r\n") == "-ERR Protocol error: unbalanced quotes in request\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("inline: escapes in double quotes and empty lines are ignored") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("\r\n\r\nset k \"a\\x41\\n\"\r\n") == "+OK\r\n");
    CHECK(r.raw("strlen k\r\n") == ":3\r\n");
    CHECK(r.raw("get k\r\n") == "$3\r\naA\n\r\n");
}

TEST_CASE("pipelining: 10,000 commands in one write get 10,000 replies in order") {
    ServerProcess s;
    RawConn r = s.raw();
    std::string batch;
    for (int i = 0; i < 10000; i++) {
        batch += resp_command({"INCR", "counter"});
    }
    REQUIRE(r.send(batch));
    bool in_order = true;
    for (int i = 1; i <= 10000; i++) {
        Reply rep = r.read();
        if (!(rep == integer(i))) {
            in_order = false;
            FAIL_CHECK("reply " << i << " was " << rep);
            break;
        }
    }
    CHECK(in_order);
    Conn c = s.connect();
    CHECK(c.cmd({"GET", "counter"}) == bulk("10000"));
}

TEST_CASE("pipelining: replies to a pipeline are batched into few writes") {
    ServerProcess s;
    RawConn r = s.raw();
    std::string batch;
    for (int i = 0; i < 10000; i++) {
        batch += "PING\r\n";
    }
    REQUIRE(r.send(batch));
    for (int i = 0; i < 10000; i++) {
        REQUIRE(r.read() == status("PONG"));
    }
    // 70 KB of replies: a server writing once per command would need thousands of segments.
    CHECK(r.recv_calls() < 200);
}

TEST_CASE("pipelining: mixed hiredis pipeline keeps reply order across commands") {
    ServerProcess s;
    Conn c = s.connect();
    std::vector<Args> cmds;
    for (int i = 0; i < 500; i++) {
        cmds.push_back({"SET", "k" + std::to_string(i), std::to_string(i)});
        cmds.push_back({"GET", "k" + std::to_string(i)});
    }
    auto replies = c.pipeline(cmds);
    REQUIRE(replies.size() == 1000);
    for (int i = 0; i < 500; i++) {
        CHECK(replies[2 * i] == ok());
        CHECK(replies[2 * i + 1] == bulk(std::to_string(i)));
    }
}

TEST_CASE("protocol error: bad multibulk length replies and closes") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("*abc\r\n") == "-ERR Protocol error: invalid multibulk length\r\n");
    CHECK(r.wait_closed());
    Conn c = s.connect();
    CHECK(c.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("protocol error: a bulk without '$' replies and closes") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("*1\r\nfoo\r\n") == "-ERR Protocol error: expected '$', got 'f'\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("protocol error: bad bulk length replies and closes") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("*1\r\n$x\r\n") == "-ERR Protocol error: invalid bulk length\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("protocol error: multibulk count above INT_MAX is refused") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("*3000000000\r\n") == "-ERR Protocol error: invalid multibulk length\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("limits: a bulk longer than proto-max-bulk-len is refused and closes") {
    ServerProcess s({"--proto-max-bulk-len", "1mb"});
    RawConn r = s.raw();
    CHECK(r.raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n") ==
          "-ERR Protocol error: invalid bulk length\r\n");
    CHECK(r.wait_closed());
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "GET", "proto-max-bulk-len"}) == bulks({"proto-max-bulk-len", "1048576"}));
    CHECK(c.cmd({"SET", "k", std::string(1000000, 'x')}) == ok());
}

TEST_CASE("limits: the default proto-max-bulk-len (512mb) refuses a 600 MB bulk") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$600000000\r\n") ==
          "-ERR Protocol error: invalid bulk length\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("limits: an inline request over 64 KB without newline is refused") {
    ServerProcess s;
    RawConn r = s.raw();
    CHECK(r.raw(std::string(70000, 'a')) == "-ERR Protocol error: too big inline request\r\n");
    CHECK(r.wait_closed());
}

TEST_CASE("limits: a client over client-query-buffer-limit is closed, others are not") {
    ServerProcess s({"--client-query-buffer-limit", "1mb"});
    Conn other = s.connect();
    RawConn r = s.raw();
    // A 3 MB argument: allowed by proto-max-bulk-len, but over the query buffer limit.
    std::string big = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + std::string(3000000, 'x');
    r.send(big);
    CHECK(r.wait_closed());
    CHECK(other.cmd({"PING"}) == status("PONG"));
    CHECK(other.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("errors: unknown command and wrong arity texts") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"foo", "a"}) == error("ERR unknown command 'foo', with args beginning with: 'a' "));
    CHECK(c.cmd({"foo"}) == error("ERR unknown command 'foo', with args beginning with: "));
    CHECK(c.cmd({"foo", "a", "b"}) ==
          error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
    CHECK(c.cmd({"get"}) == error("ERR wrong number of arguments for 'get' command"));
    CHECK(c.cmd({"GET", "a", "b"}) == error("ERR wrong number of arguments for 'get' command"));
    CHECK(c.cmd({"set", "k"}) == error("ERR wrong number of arguments for 'set' command"));
    CHECK(c.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("errors: command names are case-insensitive") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"sEt", "k", "v"}) == ok());
    CHECK(c.cmd({"GeT", "k"}) == bulk("v"));
}
