// Pub/sub against a real server: the subscribe/unsubscribe replies and counts byte for byte in
// RESP2 and RESP3 (push), message / pmessage / smessage delivery, the commands a subscribed RESP2
// client may run, PUBSUB introspection and its errors, RESET and disconnects dropping
// subscriptions, CLIENT LIST / INFO fields, the pubsub output-buffer class, and PUBLISH reaching
// a replica's subscribers. Every expectation was taken from Debian's redis-server 7.0.15
// (SLOTCACHE_SERVER=/usr/bin/redis-server runs this file against it).
#include <doctest/doctest.h>

#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

std::string resp(const Args& args) {
    std::string s = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) {
        s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    }
    return s;
}

std::string bstr(const std::string& s) {
    return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// One (un)subscribe confirmation as Redis writes it; proto 3 uses a push.
std::string confirm(int proto, const std::string& kind, const std::string* name, long long n) {
    std::string s = (proto == 3 ? ">3\r\n" : "*3\r\n") + bstr(kind);
    s += name ? bstr(*name) : (proto == 3 ? std::string("_\r\n") : std::string("$-1\r\n"));
    return s + ":" + std::to_string(n) + "\r\n";
}

std::string confirm(int proto, const std::string& kind, const std::string& name, long long n) {
    return confirm(proto, kind, &name, n);
}

// Sends one command and reads exactly `replies` replies' bytes.
std::string send(RawConn& c, const Args& args, int replies = 1) {
    if (!c.send(resp(args))) {
        return "<send failed>";
    }
    std::string out;
    for (int i = 0; i < replies; i++) {
        out += c.read_raw(3000ms);
    }
    return out;
}

long long numsub(Conn& c, const std::string& channel) {
    Reply r = c.cmd({"PUBSUB", "NUMSUB", channel});
    return r.elements.size() == 2 ? r.elements[1].integer : -1;
}

}  // namespace

TEST_CASE("pubsub: (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE reply per name with Redis' counts") {
    ServerProcess srv;
    RawConn c = srv.raw();
    // Nothing to unsubscribe from: one reply with a nil name and 0.
    CHECK(send(c, {"UNSUBSCRIBE"}) == confirm(2, "unsubscribe", nullptr, 0));
    CHECK(send(c, {"PUNSUBSCRIBE"}) == confirm(2, "punsubscribe", nullptr, 0));
    CHECK(send(c, {"SUNSUBSCRIBE"}) == confirm(2, "sunsubscribe", nullptr, 0));
    // A repeated channel is confirmed again with an unchanged count.
    CHECK(send(c, {"SUBSCRIBE", "a", "b", "a"}, 3) == confirm(2, "subscribe", "a", 1) +
                                                          confirm(2, "subscribe", "b", 2) +
                                                          confirm(2, "subscribe", "a", 2));
    // Patterns count together with channels; shard channels count apart.
    CHECK(send(c, {"PSUBSCRIBE", "h*"}) == confirm(2, "psubscribe", "h*", 3));
    CHECK(send(c, {"SSUBSCRIBE", "s1", "s2"}, 2) ==
          confirm(2, "ssubscribe", "s1", 1) + confirm(2, "ssubscribe", "s2", 2));
    CHECK(send(c, {"PUNSUBSCRIBE", "x"}) == confirm(2, "punsubscribe", "x", 3));
    CHECK(send(c, {"UNSUBSCRIBE", "b"}) == confirm(2, "unsubscribe", "b", 2));
    CHECK(send(c, {"PUNSUBSCRIBE"}) == confirm(2, "punsubscribe", "h*", 1));
    CHECK(send(c, {"SUNSUBSCRIBE", "s2"}) == confirm(2, "sunsubscribe", "s2", 1));
    CHECK(send(c, {"SUNSUBSCRIBE"}) == confirm(2, "sunsubscribe", "s1", 0));
    CHECK(send(c, {"UNSUBSCRIBE"}) == confirm(2, "unsubscribe", "a", 0));
    // Out of pub/sub mode again: any command runs.
    CHECK(send(c, {"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("pubsub: UNSUBSCRIBE with no argument confirms every channel, counting down") {
    ServerProcess srv;
    RawConn c = srv.raw();
    send(c, {"SUBSCRIBE", "x", "y", "z"}, 3);
    std::string all = send(c, {"UNSUBSCRIBE"}, 3);
    // The order is the table's (Redis' dict order is not a contract either); the counts are.
    CHECK(all.find(":2\r\n") != std::string::npos);
    CHECK(all.find(":1\r\n") != std::string::npos);
    REQUIRE(all.size() >= 4);
    CHECK(all.substr(all.size() - 4) == ":0\r\n");
    for (const char* ch : {"x", "y", "z"}) {
        CHECK(all.find(bstr("unsubscribe") + bstr(ch)) != std::string::npos);
    }
}

TEST_CASE("pubsub: PUBLISH and SPUBLISH deliver message, pmessage and smessage in RESP2 and 3") {
    ServerProcess srv;
    RawConn s2 = srv.raw();
    RawConn s3 = srv.raw();
    CHECK(send(s3, {"HELLO", "3"}).substr(0, 3) == "%7\r");
    for (RawConn* s : {&s2, &s3}) {
        int p = s == &s3 ? 3 : 2;
        CHECK(send(*s, {"SUBSCRIBE", "news.tech"}) == confirm(p, "subscribe", "news.tech", 1));
        CHECK(send(*s, {"PSUBSCRIBE", "news.*"}) == confirm(p, "psubscribe", "news.*", 2));
        CHECK(send(*s, {"SSUBSCRIBE", "news.tech"}) == confirm(p, "ssubscribe", "news.tech", 1));
    }
    Conn pub = srv.connect();
    // Each client counts once for the channel and once for the matching pattern.
    CHECK(pub.cmd({"PUBLISH", "news.tech", "hello"}) == integer(4));
    CHECK(pub.cmd({"PUBLISH", "news.art", "x"}) == integer(2));
    CHECK(pub.cmd({"PUBLISH", "other", "x"}) == integer(0));
    CHECK(pub.cmd({"SPUBLISH", "news.tech", "shard"}) == integer(2));
    for (RawConn* s : {&s2, &s3}) {
        std::string a3 = s == &s3 ? ">3\r\n" : "*3\r\n";
        std::string a4 = s == &s3 ? ">4\r\n" : "*4\r\n";
        CHECK(s->read_raw(3000ms) == a3 + bstr("message") + bstr("news.tech") + bstr("hello"));
        CHECK(s->read_raw(3000ms) ==
              a4 + bstr("pmessage") + bstr("news.*") + bstr("news.tech") + bstr("hello"));
        CHECK(s->read_raw(3000ms) ==
              a4 + bstr("pmessage") + bstr("news.*") + bstr("news.art") + bstr("x"));
        CHECK(s->read_raw(3000ms) == a3 + bstr("smessage") + bstr("news.tech") + bstr("shard"));
    }
    // Binary-safe payloads.
    std::string bin("a\r\n\0b", 5);
    CHECK(pub.cmd({"PUBLISH", "news.tech", bin}) == integer(4));
    CHECK(s2.read_raw(3000ms) == "*3\r\n" + bstr("message") + bstr("news.tech") + bstr(bin));
}

TEST_CASE("pubsub: a subscribed RESP2 client may only (un)subscribe, PING, QUIT and RESET") {
    ServerProcess srv;
    RawConn c = srv.raw();
    send(c, {"SUBSCRIBE", "ch"});
    CHECK(send(c, {"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    CHECK(send(c, {"PING", "hi"}) == "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    CHECK(send(c, {"GET", "k"}) ==
          "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
          "RESET are allowed in this context\r\n");
    CHECK(send(c, {"CLIENT", "ID"}) ==
          "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
          "/ RESET are allowed in this context\r\n");
    // A shard subscription alone is pub/sub mode too.
    send(c, {"UNSUBSCRIBE"});
    CHECK(send(c, {"GET", "k"}) == "$-1\r\n");
    send(c, {"SSUBSCRIBE", "sh"});
    CHECK(send(c, {"SET", "k", "v"}).substr(0, 19) == "-ERR Can't execute ");
    CHECK(send(c, {"QUIT"}) == "+OK\r\n");
    CHECK(c.wait_closed(3000ms));

    // RESP3 clients may run anything; PING keeps its normal reply.
    RawConn r3 = srv.raw();
    send(r3, {"HELLO", "3"});
    CHECK(send(r3, {"SUBSCRIBE", "ch"}) == confirm(3, "subscribe", "ch", 1));
    CHECK(send(r3, {"PING"}) == "+PONG\r\n");
    CHECK(send(r3, {"SET", "k", "v"}) == "+OK\r\n");
    CHECK(send(r3, {"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("pubsub: PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB and errors") {
    ServerProcess srv;
    RawConn a = srv.raw(), b = srv.raw();
    send(a, {"SUBSCRIBE", "ch1", "ch2"}, 2);
    send(b, {"SUBSCRIBE", "ch1"});
    send(a, {"PSUBSCRIBE", "p*", "q?"}, 2);
    send(b, {"PSUBSCRIBE", "p*"});
    send(b, {"SSUBSCRIBE", "sh1", "xx"}, 2);
    Conn c = srv.connect();
    Reply chans = c.cmd({"PUBSUB", "CHANNELS"});
    REQUIRE(chans.elements.size() == 2);
    CHECK(c.cmd({"PUBSUB", "CHANNELS", "*2"}) == bulks({"ch2"}));
    CHECK(c.cmd({"PUBSUB", "CHANNELS", "zz*"}) == array({}));
    CHECK(c.cmd({"PUBSUB", "NUMSUB", "ch1", "ch2", "none"}) ==
          array({bulk("ch1"), integer(2), bulk("ch2"), integer(1), bulk("none"), integer(0)}));
    CHECK(c.cmd({"PUBSUB", "NUMSUB"}) == array({}));
    // Distinct patterns, not subscriptions (Redis 7.0).
    CHECK(c.cmd({"PUBSUB", "NUMPAT"}) == integer(2));
    CHECK(c.cmd({"PUBSUB", "SHARDCHANNELS", "sh*"}) == bulks({"sh1"}));
    CHECK(c.cmd({"PUBSUB", "SHARDNUMSUB", "sh1", "ch1"}) ==
          array({bulk("sh1"), integer(1), bulk("ch1"), integer(0)}));
    CHECK(c.cmd({"PUBSUB"}) == error("ERR wrong number of arguments for 'pubsub' command"));
    CHECK(c.cmd({"PUBSUB", "FOO"}) == error("ERR unknown subcommand 'FOO'. Try PUBSUB HELP."));
    CHECK(c.cmd({"PUBSUB", "CHANNELS", "a", "b"}) ==
          error("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB "
                "HELP."));
    CHECK(c.cmd({"PUBSUB", "numpat", "x"}) ==
          error("ERR wrong number of arguments for 'pubsub|numpat' command"));
    CHECK(c.cmd({"PUBLISH", "a"}) == error("ERR wrong number of arguments for 'publish' command"));
    CHECK(c.cmd({"SUBSCRIBE"}) == error("ERR wrong number of arguments for 'subscribe' command"));
    Reply help = c.cmd({"PUBSUB", "HELP"});
    REQUIRE(help.elements.size() == 14);
    CHECK(help.elements[0] ==
          status("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    // INFO and CLIENT LIST.
    auto st = info(c, "stats");
    CHECK(st["pubsub_channels"] == "2");
    CHECK(st["pubsub_patterns"] == "2");
    CHECK(st["pubsubshard_channels"] == "2");
    Reply list = c.cmd({"CLIENT", "LIST", "TYPE", "pubsub"});
    REQUIRE(list.type == Reply::Type::Str);
    CHECK(list.str.find("flags=P db=0 sub=2 psub=2 ssub=0 ") != std::string::npos);
    CHECK(list.str.find("flags=P db=0 sub=1 psub=1 ssub=2 ") != std::string::npos);
    CHECK(c.cmd({"CLIENT", "INFO"}).str.find("flags=N db=0 sub=0 psub=0 ssub=0 ") !=
          std::string::npos);
}

TEST_CASE("pubsub: RESET and a disconnect drop every subscription") {
    ServerProcess srv;
    Conn c = srv.connect();
    {
        RawConn gone = srv.raw();
        send(gone, {"SUBSCRIBE", "ch"});
        send(gone, {"SSUBSCRIBE", "sh"});
        CHECK(numsub(c, "ch") == 1);
    }
    CHECK(wait_until([&] { return numsub(c, "ch") == 0; }, 3000ms));
    CHECK(c.cmd({"PUBSUB", "SHARDCHANNELS"}) == array({}));

    RawConn r = srv.raw();
    send(r, {"HELLO", "3"});
    send(r, {"SUBSCRIBE", "ch"});
    send(r, {"PSUBSCRIBE", "c*"});
    CHECK(send(r, {"RESET"}) == "+RESET\r\n");
    CHECK(numsub(c, "ch") == 0);
    CHECK(c.cmd({"PUBSUB", "NUMPAT"}) == integer(0));
    CHECK(c.cmd({"PUBLISH", "ch", "x"}) == integer(0));
    // RESET went back to RESP2 and out of pub/sub mode.
    CHECK(send(r, {"GET", "nothing"}) == "$-1\r\n");
}

TEST_CASE("pubsub: a subscriber past client-output-buffer-limit pubsub is disconnected") {
    ServerProcess srv;
    Conn c = srv.connect();
    REQUIRE(c.cmd({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"}) == ok());
    RawConn slow = srv.raw();
    send(slow, {"SUBSCRIBE", "big"});
    // One 4 MB message lands in the output buffer at once, past the 1 MB hard limit. A normal
    // client (class normal: no limit) receiving the same bytes would not be closed.
    std::string payload(4 * 1024 * 1024, 'x');
    CHECK(c.cmd({"PUBLISH", "big", payload}) == integer(1));
    CHECK(wait_until([&] { return numsub(c, "big") == 0; }, 5000ms));
    CHECK(slow.wait_closed(3000ms));
}

TEST_CASE("pubsub: PUBLISH on a master reaches the subscribers of its replica") {
    ServerProcess master, replica;
    Conn m = master.connect(), r = replica.connect();
    REQUIRE(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == ok());
    REQUIRE(m.cmd({"SET", "ready", "1"}) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"GET", "ready"}) == bulk("1"); }, 10000ms));
    RawConn sub = replica.raw();
    send(sub, {"SUBSCRIBE", "events"});
    CHECK(m.cmd({"PUBLISH", "events", "e1"}) == integer(0));
    CHECK(sub.read_raw(5000ms) == "*3\r\n" + bstr("message") + bstr("events") + bstr("e1"));
    // A PUBLISH on the replica is delivered there only (replicas do not feed their own stream).
    CHECK(r.cmd({"PUBLISH", "events", "e2"}) == integer(1));
    CHECK(sub.read_raw(5000ms) == "*3\r\n" + bstr("message") + bstr("events") + bstr("e2"));
    CHECK(m.cmd({"SET", "after", "1"}) == ok());
    CHECK(wait_until([&] { return r.cmd({"GET", "after"}) == bulk("1"); }, 10000ms));
}

TEST_CASE("pubsub: keyspace notifications for string commands, expiry, RENAME and EXPIRE") {
    ServerProcess srv;
    Conn c = srv.connect();
    RawConn sub = srv.raw();
    send(sub, {"PSUBSCRIBE", "__key*__:*"});
    // Off by default: nothing is published.
    CHECK(c.cmd({"SET", "quiet", "1"}) == ok());
    REQUIRE(c.cmd({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == ok());
    auto pm = [](const std::string& channel, const std::string& data) {
        return "*4\r\n" + bstr("pmessage") + bstr("__key*__:*") + bstr(channel) + bstr(data);
    };
    // K then E for each event, "set" before "expire", as Redis' setGenericCommand.
    CHECK(c.cmd({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(sub.read_raw(3000ms) == pm("__keyspace@0__:k", "set"));
    CHECK(sub.read_raw(3000ms) == pm("__keyevent@0__:set", "k"));
    CHECK(sub.read_raw(3000ms) == pm("__keyspace@0__:k", "expire"));
    CHECK(sub.read_raw(3000ms) == pm("__keyevent@0__:expire", "k"));
    CHECK(c.cmd({"INCR", "n"}) == integer(1));
    CHECK(sub.read_raw(3000ms) == pm("__keyspace@0__:n", "incrby"));
    CHECK(sub.read_raw(3000ms) == pm("__keyevent@0__:incrby", "n"));
    CHECK(c.cmd({"RENAME", "n", "m"}) == ok());
    CHECK(sub.read_raw(3000ms) == pm("__keyspace@0__:n", "rename_from"));
    CHECK(sub.read_raw(3000ms) == pm("__keyevent@0__:rename_from", "n"));
    CHECK(sub.read_raw(3000ms) == pm("__keyspace@0__:m", "rename_to"));
    CHECK(sub.read_raw(3000ms) == pm("__keyevent@0__:rename_to", "m"));
    // Only the keyevent class, only expired events: a key that expires by itself.
    REQUIRE(c.cmd({"CONFIG", "SET", "notify-keyspace-events", "Ex"}) == ok());
    CHECK(c.cmd({"SET", "short", "v", "PX", "20"}) == ok());
    CHECK(sub.read_raw(5000ms) == pm("__keyevent@0__:expired", "short"));
    CHECK(c.cmd({"PEXPIRE", "m", "1"}) == integer(1));
    CHECK(sub.read_raw(5000ms) == pm("__keyevent@0__:expired", "m"));
    CHECK(sub.read_some(200ms).empty());
}
