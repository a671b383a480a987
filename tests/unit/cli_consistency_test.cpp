// Unit tests for the pure parts of the consistency checker (`slotcache-benchmark --consistency`)
// and its cluster-aware client: option parsing, the lost / not-acknowledged accounting, the
// unavailability windows on a fake clock, the report lines, CLUSTER SLOTS and MOVED/ASK parsing,
// and the slot map. No sockets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/cluster_client.h"
#include "cli/consistency_check.h"
#include "cli/reply.h"
#include "common/crc16.h"

using namespace slotcache::cli;

namespace {

using Args = std::vector<std::string>;

ConsistencyParse parse(Args args) {
    return parse_consistency_options(args);
}

Reply parse_reply(const std::string& wire) {
    ReplyReader r;
    r.feed(wire.data(), wire.size());
    REQUIRE(r.next() == ReadStatus::Complete);
    return r.take();
}

// The value of `name` in the summary line "summary a=1 b=2 ...", or "" when absent.
std::string field(const std::string& summary, const std::string& name) {
    const std::string needle = " " + name + "=";
    const size_t p = summary.find(needle);
    if (p == std::string::npos) {
        return "";
    }
    const size_t start = p + needle.size();
    return summary.substr(start, summary.find_first_of(" \n", start) - start);
}

}  // namespace

TEST_CASE("consistency options: defaults") {
    const ConsistencyParse p = parse({"--consistency"});
    REQUIRE(p.ok);
    CHECK_FALSE(p.help);
    const ConsistencyOptions& o = p.options;
    CHECK(o.host == "127.0.0.1");
    CHECK(o.port == 6379);
    CHECK(o.keys == 1000);
    CHECK(o.duration_s == 60);
    CHECK(o.requests == 0);
    CHECK(o.rate == 0);
    CHECK(o.timeout_ms == 100);
    CHECK(o.prefix == "consistency");
    CHECK(o.format == ConsistencyFormat::Text);
    CHECK_FALSE(o.has_pass);
    CHECK(o.window_nodes.empty());
}

TEST_CASE("consistency options: every option, --consistency anywhere, repeated windows") {
    const ConsistencyParse p = parse({"-h",
                                      "10.0.0.1",
                                      "-p",
                                      "7000",
                                      "--consistency",
                                      "-a",
                                      "pw",
                                      "--user",
                                      "u",
                                      "--keys",
                                      "50",
                                      "--duration",
                                      "0",
                                      "--requests",
                                      "900",
                                      "--rate",
                                      "250",
                                      "--timeout",
                                      "300",
                                      "--prefix",
                                      "P",
                                      "--json",
                                      "--window-slots-of",
                                      "127.0.0.1:7001",
                                      "--window-slots-of",
                                      "127.0.0.1:7002"});
    REQUIRE(p.ok);
    const ConsistencyOptions& o = p.options;
    CHECK(o.host == "10.0.0.1");
    CHECK(o.port == 7000);
    CHECK(o.has_pass);
    CHECK(o.pass == "pw");
    CHECK(o.user == "u");
    CHECK(o.keys == 50);
    CHECK(o.duration_s == 0);
    CHECK(o.requests == 900);
    CHECK(o.rate == 250);
    CHECK(o.timeout_ms == 300);
    CHECK(o.prefix == "P");
    CHECK(o.format == ConsistencyFormat::Json);
    CHECK(o.window_nodes == Args{"127.0.0.1:7001", "127.0.0.1:7002"});
    CHECK(parse({"--rate", "unlimited"}).options.rate == 0);
    CHECK(parse({"--csv"}).options.format == ConsistencyFormat::Csv);
    CHECK(parse({"--consistency", "--help"}).help);
}

TEST_CASE("consistency options: bad values and unknown options are errors") {
    for (const Args& bad : std::vector<Args>{{"--keys", "0"},
                                             {"--keys", "ten"},
                                             {"--duration", "-1"},
                                             {"--rate", "fast"},
                                             {"-p", "70000"},
                                             {"--window-slots-of", "nohost"},
                                             {"--window-slots-of", "h:0"},
                                             {"--frobnicate"},
                                             {"--keys"}}) {
        CAPTURE(bad[0]);
        const ConsistencyParse p = parse(bad);
        CHECK_FALSE(p.ok);
        CHECK_FALSE(p.error.empty());
    }
    CHECK(parse({"--keys", "x"}).error == "Invalid value \"x\" for --keys");
    CHECK(parse({"-q"}).error == "Invalid option \"-q\" or option argument missing");
}

TEST_CASE("consistency tracker: matching reads and writes count nothing lost") {
    ConsistencyTracker t(2);
    t.set_initial(0, 5);
    t.on_read(0, 5);
    t.on_write(0, 100, 6, 1000, 3);
    t.on_read(0, 6);
    t.on_write(0, 100, 7, 1001, 9);
    const ConsistencyCounters& c = t.counters();
    CHECK(c.reads == 2);
    CHECK(c.writes == 2);
    CHECK(c.lost == 0);
    CHECK(c.noack == 0);
    CHECK(c.max_write_latency_ms == 9);
}

TEST_CASE("consistency tracker: a read below the expectation is lost writes, counted once") {
    ConsistencyTracker t(1);
    t.set_initial(0, 0);
    for (long long v = 1; v <= 10; v++) {
        t.on_write(0, 7, v, v);
    }
    t.on_read(0, 0);  // the keys were deleted behind the checker's back
    CHECK(t.counters().lost == 10);
    t.on_read(0, 0);  // the same loss seen again is not counted again
    t.on_write(0, 7, 1, 20);
    t.on_read(0, 1);
    CHECK(t.counters().lost == 10);
    CHECK(t.counters().noack == 0);
}

TEST_CASE("consistency tracker: the INCR reply itself shows a loss") {
    ConsistencyTracker t(1);
    t.set_initial(0, 41);
    t.on_write(0, 7, 3, 1);  // the counter held 2 before this INCR, not 41
    CHECK(t.counters().lost == 39);
    t.on_write(0, 7, 4, 2);
    CHECK(t.counters().lost == 39);
}

TEST_CASE("consistency tracker: a failed INCR that was applied is noack") {
    ConsistencyTracker t(1);
    t.set_initial(0, 3);
    t.on_write_failed(7, 10);  // timed out, but ran
    t.on_read(0, 4);
    CHECK(t.counters().noack == 1);
    CHECK(t.counters().lost == 0);
    CHECK(t.counters().write_errors == 1);
    t.on_write(0, 7, 5, 11);
    CHECK(t.counters().noack == 1);
    t.on_write_failed(7, 12);  // failed and did not run: nothing to count
    t.on_read(0, 5);
    CHECK(t.counters().noack == 1);
    CHECK(t.counters().lost == 0);
}

TEST_CASE("consistency tracker: a counter of unknown value is learnt, not judged") {
    ConsistencyTracker t(1);
    t.on_read(0, 1234);  // no initial value (the start-up GET failed)
    CHECK(t.counters().lost == 0);
    CHECK(t.counters().noack == 0);
    t.on_read(0, 1000);
    CHECK(t.counters().lost == 234);
}

TEST_CASE("consistency tracker: a slot window runs from the first failure to the next write") {
    ConsistencyTracker t(2);
    t.on_read_failed(100, 1000);
    t.on_write_failed(100, 1100);
    t.on_write_failed(200, 1150);
    CHECK(t.failing_slots() == 2);
    t.on_read(0, 0);  // a read does not prove the slot writable
    CHECK(t.failing_slots() == 2);
    t.on_write(0, 100, 1, 1300);
    CHECK(t.failing_slots() == 1);
    ConsistencySummary s = t.summary(0, 2000);
    CHECK(s.windows == 1);
    CHECK(s.max_window_ms == 300);
    CHECK(s.max_window_slot == 100);
    CHECK(s.max_window_start_ms == 1000);
    CHECK(s.open_windows == 1);
    CHECK(s.max_open_ms == 850);
    CHECK(s.duration_ms == 2000);
    t.on_write(1, 200, 1, 2150);
    s = t.summary(0, 3000);
    CHECK(s.windows == 2);
    CHECK(s.max_window_ms == 1000);
    CHECK(s.max_window_slot == 200);
    CHECK(s.open_windows == 0);
    CHECK(s.max_open_ms == 0);
    CHECK(s.c.read_errors == 1);
    CHECK(s.c.write_errors == 2);
}

TEST_CASE("consistency tracker: watched slots form one outage, closed by any watched write") {
    ConsistencyTracker t(3);
    for (int slot = 10; slot < 20; slot++) {
        t.watch_slot(slot);
    }
    t.watch_slot(10);
    CHECK(t.watched_slots() == 10);
    t.on_write_failed(500, 900);  // not watched
    CHECK_FALSE(t.watched_outage_open());
    t.on_write_failed(12, 1000);
    t.on_write_failed(15, 1500);
    CHECK(t.watched_outage_open());
    t.on_write(0, 500, 1, 2000);  // a write elsewhere ends nothing watched
    CHECK(t.watched_outage_open());
    int64_t fail_ms = 0;
    int64_t ok_ms = 0;
    CHECK_FALSE(t.take_closed_watched_outage(&fail_ms, &ok_ms));
    t.on_write(1, 15, 1, 3200);
    CHECK_FALSE(t.watched_outage_open());
    REQUIRE(t.take_closed_watched_outage(&fail_ms, &ok_ms));
    CHECK(fail_ms == 1000);
    CHECK(ok_ms == 3200);
    CHECK_FALSE(t.take_closed_watched_outage(&fail_ms, &ok_ms));
    // A second, shorter outage leaves the longest in the summary; a third stays open.
    t.on_read_failed(11, 4000);
    t.on_write(2, 19, 1, 4100);
    t.on_write_failed(18, 5000);
    const ConsistencySummary s = t.summary(0, 6000);
    CHECK(s.watched_slots == 10);
    CHECK(s.watched_windows == 2);
    CHECK(s.watched_max_window_ms == 2200);
    CHECK(s.watched_fail_ms == 1000);
    CHECK(s.watched_ok_ms == 3200);
    CHECK(s.watched_open_since_ms == 5000);
    // Slot 12 failed but was never written again: its own window is still open.
    CHECK(s.open_windows == 3);
}

TEST_CASE("consistency report: tick lines in text, CSV and JSON") {
    ConsistencyCounters c;
    c.reads = 10;
    c.read_errors = 1;
    c.writes = 9;
    c.write_errors = 2;
    c.lost = 3;
    c.noack = 4;
    CHECK(consistency_tick(ConsistencyFormat::Text, 7, c, 5) ==
          "7s: 10 R (1 err) | 9 W (2 err) | 3 lost | 4 noack | 5 slots failing\n");
    CHECK(consistency_csv_header() ==
          "elapsed_s,reads,read_errors,writes,write_errors,lost,noack,failing_slots\n");
    CHECK(consistency_tick(ConsistencyFormat::Csv, 7, c, 5) == "7,10,1,9,2,3,4,5\n");
    CHECK(consistency_tick(ConsistencyFormat::Json, 7, c, 5) ==
          "{\"type\":\"tick\",\"elapsed_s\":7,\"reads\":10,\"read_errors\":1,\"writes\":9,"
          "\"write_errors\":2,\"lost\":3,\"noack\":4,\"failing_slots\":5}\n");
}

TEST_CASE("consistency report: the summary ends with one machine-readable line") {
    ConsistencyTracker t(1);
    t.watch_slot(3);
    t.set_initial(0, 2);
    t.on_write_failed(3, 1000);
    t.on_read(0, 1);  // one lost
    t.on_write(0, 3, 2, 1250, 7);
    const ConsistencySummary s = t.summary(500, 3500);
    const std::string text = consistency_summary(ConsistencyFormat::Text, s, {"h:1"});
    const size_t last = text.rfind("summary ");
    REQUIRE(last != std::string::npos);
    const std::string line = text.substr(last);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(field(line, "duration_ms") == "3000");
    CHECK(field(line, "reads") == "1");
    CHECK(field(line, "writes") == "1");
    CHECK(field(line, "write_errors") == "1");
    CHECK(field(line, "errors") == "1");
    CHECK(field(line, "lost") == "1");
    CHECK(field(line, "noack") == "0");
    CHECK(field(line, "max_write_latency_ms") == "7");
    CHECK(field(line, "windows") == "1");
    CHECK(field(line, "max_window_ms") == "250");
    CHECK(field(line, "open_windows") == "0");
    CHECK(field(line, "watched_slots") == "1");
    CHECK(field(line, "watched_max_window_ms") == "250");
    CHECK(field(line, "watched_fail_unix_ms") == "1000");
    CHECK(field(line, "watched_ok_unix_ms") == "1250");
    CHECK(field(line, "watched_open_since_unix_ms") == "0");
    CHECK(text.find("1 lost writes") != std::string::npos);
    CHECK(text.find("served by h:1") != std::string::npos);
    // CSV ends with the same line and prints nothing readable before it; JSON is one object.
    CHECK(consistency_summary(ConsistencyFormat::Csv, s, {}) == line);
    const std::string json = consistency_summary(ConsistencyFormat::Json, s, {});
    CHECK(json.rfind("{\"type\":\"summary\",\"duration_ms\":3000,", 0) == 0);
    CHECK(json.find("\"max_window_ms\":250") != std::string::npos);
    CHECK(json.substr(json.size() - 2) == "}\n");
}

TEST_CASE("consistency: counter keys are <prefix>:<n>") {
    CHECK(counter_key("P", 0) == "P:0");
    CHECK(counter_key("consistency", 999) == "consistency:999");
}

TEST_CASE("cluster_client: node addresses") {
    NodeAddress a;
    REQUIRE(parse_node_address("127.0.0.1:7000", &a));
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 7000);
    CHECK(a.str() == "127.0.0.1:7000");
    REQUIRE(parse_node_address("::1:7001", &a));
    CHECK(a.host == "::1");
    CHECK(a.port == 7001);
    CHECK_FALSE(parse_node_address("7000", &a));
    CHECK_FALSE(parse_node_address(":7000", &a));
    CHECK_FALSE(parse_node_address("h:", &a));
    CHECK_FALSE(parse_node_address("h:65536", &a));
}

TEST_CASE("cluster_client: MOVED and ASK errors, anything else is no redirect") {
    Redirect r = parse_redirect("MOVED 3999 127.0.0.1:6381");
    CHECK(r.kind == RedirectKind::Moved);
    CHECK(r.slot == 3999);
    CHECK(r.target == NodeAddress{"127.0.0.1", 6381});
    r = parse_redirect("ASK 0 10.1.2.3:7000");
    CHECK(r.kind == RedirectKind::Ask);
    CHECK(r.slot == 0);
    CHECK(r.target.str() == "10.1.2.3:7000");
    CHECK(parse_redirect("CLUSTERDOWN The cluster is down").kind == RedirectKind::None);
    CHECK(parse_redirect("MOVED 16384 h:1").kind == RedirectKind::None);
    CHECK(parse_redirect("MOVED x h:1").kind == RedirectKind::None);
    CHECK(parse_redirect("MOVED 1").kind == RedirectKind::None);
    CHECK(parse_redirect("TRYAGAIN Multiple keys request during rehashing of slot").kind ==
          RedirectKind::None);
}

TEST_CASE("cluster_client: CLUSTER SLOTS in Redis 7's shape, with replicas and metadata") {
    // Two ranges; the first has a replica; node entries carry an id and an empty metadata map.
    const Reply r = parse_reply(
        "*2\r\n"
        "*4\r\n:0\r\n:5460\r\n"
        "*4\r\n$9\r\n127.0.0.1\r\n:7000\r\n$2\r\nid\r\n*0\r\n"
        "*4\r\n$9\r\n127.0.0.1\r\n:7003\r\n$2\r\nid\r\n*0\r\n"
        "*3\r\n:5461\r\n:16383\r\n"
        "*3\r\n$0\r\n\r\n:7001\r\n$2\r\nid\r\n");
    std::vector<SlotRange> ranges;
    std::string err;
    REQUIRE(parse_cluster_slots(r, "seed", &ranges, &err));
    REQUIRE(ranges.size() == 2);
    CHECK(ranges[0].first == 0);
    CHECK(ranges[0].last == 5460);
    CHECK(ranges[0].master.str() == "127.0.0.1:7000");
    REQUIRE(ranges[0].replicas.size() == 1);
    CHECK(ranges[0].replicas[0].port == 7003);
    CHECK(ranges[1].master.str() == "seed:7001");  // an empty ip: the node we asked
    CHECK(ranges[1].replicas.empty());

    CHECK_FALSE(parse_cluster_slots(parse_reply("-ERR nope\r\n"), "s", &ranges, &err));
    CHECK(err == "ERR nope");
    CHECK_FALSE(parse_cluster_slots(parse_reply("*1\r\n*2\r\n:0\r\n:1\r\n"), "s", &ranges, &err));
    CHECK_FALSE(parse_cluster_slots(parse_reply("*1\r\n*3\r\n:9\r\n:1\r\n*2\r\n$1\r\nh\r\n:1\r\n"),
                                    "s", &ranges, &err));
}

TEST_CASE("cluster_client: the slot map follows assignments, MOVED and keeps node indices") {
    SlotMap m;
    CHECK(m.owner(0) == -1);
    const NodeAddress a{"127.0.0.1", 7000};
    const NodeAddress b{"127.0.0.1", 7001};
    const NodeAddress c{"127.0.0.1", 7002};
    m.assign({{0, 99, a, {}}, {100, 16383, b, {}}});
    CHECK(m.node(m.owner(0)) == a);
    CHECK(m.node(m.owner(99)) == a);
    CHECK(m.node(m.owner(100)) == b);
    CHECK(m.slots_of(a).size() == 100);
    const int ia = m.find(a);
    m.set_owner(5, c);  // MOVED 5 c
    CHECK(m.node(m.owner(5)) == c);
    CHECK(m.slots_of(a).size() == 99);
    // A new map without a: its slots go, its index stays (connections are kept by index).
    m.assign({{0, 16383, b, {}}});
    CHECK(m.slots_of(a).empty());
    CHECK(m.find(a) == ia);
    CHECK(m.node_count() == 3);
    m.assign({{0, 10, a, {}}});
    CHECK(m.owner(11) == -1);
    m.assign_all(c);
    CHECK(m.slots_of(c).size() == static_cast<size_t>(slotcache::kSlotCount));
    CHECK(m.slots_of(NodeAddress{"nowhere", 1}).empty());
}
