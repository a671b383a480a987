// Unit tests for the pure parts of slotcache-cli and slotcache-benchmark: redis-cli's argument
// splitting and quoting, the RESP2/RESP3 reply reader, reply printing in tty/raw/csv forms,
// option parsing, and the benchmark's plan and statistics. No sockets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/bench_plan.h"
#include "cli/format.h"
#include "cli/options.h"
#include "cli/reply.h"
#include "cli/text.h"

using namespace slotcache::cli;

namespace {

using Args = std::vector<std::string>;

Reply parse_one(const std::string& wire) {
    ReplyReader r;
    r.feed(wire.data(), wire.size());
    REQUIRE(r.next() == ReadStatus::Complete);
    return r.take();
}

std::string tty(const std::string& wire) {
    return format_tty(parse_one(wire));
}

std::string raw(const std::string& wire) {
    return format_raw(parse_one(wire));
}

}  // namespace

TEST_CASE("split_args: blanks separate words, quotes group them") {
    CHECK(*split_args("set a b") == Args{"set", "a", "b"});
    CHECK(*split_args("  set   a\tb  ") == Args{"set", "a", "b"});
    CHECK(*split_args("set \"hello world\" 'x y'") == Args{"set", "hello world", "x y"});
    CHECK(split_args("")->empty());
    CHECK(split_args("   ")->empty());
    CHECK(*split_args("\"\"") == Args{""});
}

TEST_CASE("split_args: double quotes understand escapes, single quotes only \\'") {
    CHECK(*split_args(R"("a\nb\tc\x41\"")") == Args{std::string("a\nb\tcA\"")});
    CHECK(*split_args(R"("\x00z")") == Args{std::string("\0z", 2)});
    CHECK(*split_args(R"("\q")") == Args{"q"});
    CHECK(*split_args(R"('it\'s' 'a\nb')") == Args{"it's", "a\\nb"});
}

TEST_CASE("split_args: a quote inside a word opens a quoted part of the same word") {
    CHECK(*split_args("a\"b c\"") == Args{"ab c"});
}

TEST_CASE("split_args: unbalanced quotes and text after a closing quote are errors") {
    CHECK_FALSE(split_args("\"unterminated").has_value());
    CHECK_FALSE(split_args("'unterminated").has_value());
    CHECK_FALSE(split_args("\"a\"b").has_value());
    CHECK_FALSE(split_args("'a'b").has_value());
    CHECK_FALSE(split_args("\"ends with backslash\\").has_value());
}

TEST_CASE("repr: quotes and escapes like sdscatrepr") {
    CHECK(repr("abc") == "\"abc\"");
    CHECK(repr("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(repr("\n\r\t\a\b") == "\"\\n\\r\\t\\a\\b\"");
    CHECK(repr(std::string("\x01\xff", 2)) == "\"\\x01\\xff\"");
    CHECK(repr("") == "\"\"");
}

TEST_CASE("encode_command: RESP multibulk") {
    std::string out;
    encode_command({"SET", "k", ""}, &out);
    CHECK(out == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
}

TEST_CASE("reply reader: every RESP2 and RESP3 type") {
    CHECK(parse_one("+OK\r\n").type == ReplyType::Status);
    CHECK(parse_one("-ERR x\r\n").str == "ERR x");
    CHECK(parse_one(":-42\r\n").integer == -42);
    CHECK(parse_one("$-1\r\n").type == ReplyType::Nil);
    CHECK(parse_one("*-1\r\n").type == ReplyType::Nil);
    CHECK(parse_one("_\r\n").type == ReplyType::Nil);
    CHECK(parse_one("$5\r\na\r\nbc\r\n").str == "a\r\nbc");
    CHECK(parse_one(",1.5\r\n").str == "1.5");
    CHECK(parse_one("#t\r\n").integer == 1);
    CHECK(parse_one("(123\r\n").type == ReplyType::BigNum);
    CHECK(parse_one("!3\r\nERR\r\n").type == ReplyType::Error);
    Reply v = parse_one("=7\r\ntxt:abc\r\n");
    CHECK(v.type == ReplyType::Verbatim);
    CHECK(v.str == "abc");
    CHECK(v.vtype == "txt");
    Reply m = parse_one("%1\r\n+k\r\n*2\r\n:1\r\n~1\r\n+x\r\n");
    REQUIRE(m.elements.size() == 2);
    CHECK(m.elements[1].elements[1].type == ReplyType::Set);
    CHECK(parse_one(">2\r\n+a\r\n+b\r\n").type == ReplyType::Push);
}

TEST_CASE("reply reader: a reply split at every byte is assembled once complete") {
    const std::string wire = "*3\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$-1\r\n%1\r\n+k\r\n,2.5\r\n+next\r\n";
    ReplyReader r;
    size_t completes = 0;
    for (char c : wire) {
        r.feed(&c, 1);
        while (r.next() == ReadStatus::Complete) {
            Reply x = r.take();
            completes++;
            if (completes == 1) {
                REQUIRE(x.elements.size() == 3);
                CHECK(x.elements[0].str == "foo");
                CHECK(x.elements[1].elements[1].type == ReplyType::Nil);
                CHECK(x.elements[2].elements[1].str == "2.5");
            } else {
                CHECK(x.str == "next");
            }
        }
    }
    CHECK(completes == 2);
    CHECK(r.buffered() == 0);
}

TEST_CASE("reply reader: protocol errors are reported, not crashed on") {
    ReplyReader r;
    r.feed("?x\r\n", 4);
    CHECK(r.next() == ReadStatus::Error);
    CHECK(r.error() == "Protocol error, got \"?\" as reply type byte");
    ReplyReader bad_len;
    bad_len.feed("$-5\r\n", 5);
    CHECK(bad_len.next() == ReadStatus::Error);
    ReplyReader bad_int;
    bad_int.feed(":12a\r\n", 6);
    CHECK(bad_int.next() == ReadStatus::Error);
    ReplyReader bad_bool;
    bad_bool.feed("#x\r\n", 4);
    CHECK(bad_bool.next() == ReadStatus::Error);
}

TEST_CASE("format tty: scalars as redis-cli prints them") {
    CHECK(tty("+OK\r\n") == "OK\n");
    CHECK(tty("-ERR bad\r\n") == "(error) ERR bad\n");
    CHECK(tty(":7\r\n") == "(integer) 7\n");
    CHECK(tty("$-1\r\n") == "(nil)\n");
    CHECK(tty("$3\r\na\nb\r\n") == "\"a\\nb\"\n");
    CHECK(tty(",1.5\r\n") == "(double) 1.5\n");
    CHECK(tty("#f\r\n") == "(false)\n");
    CHECK(tty("=7\r\ntxt:abc\r\n") == "abc\n");
    CHECK(tty("(99\r\n") == "(big number) 99\n");
}

TEST_CASE("format tty: empty aggregates name their type") {
    CHECK(tty("*0\r\n") == "(empty array)\n");
    CHECK(tty("%0\r\n") == "(empty hash)\n");
    CHECK(tty("~0\r\n") == "(empty set)\n");
}

TEST_CASE("format tty: arrays pad indices to the widest and nest under their index") {
    std::string wire = "*10\r\n";
    for (int i = 0; i < 9; i++) {
        wire += ":1\r\n";
    }
    wire += "*2\r\n$1\r\na\r\n*1\r\n$1\r\nb\r\n";
    const std::string out = tty(wire);
    CHECK(out.rfind(" 1) (integer) 1\n 2) (integer) 1\n", 0) == 0);
    CHECK(out.find("10) 1) \"a\"\n    2) 1) \"b\"\n") != std::string::npos);
}

TEST_CASE("format tty: maps print key => value; a multi-line value starts on its own line") {
    CHECK(tty("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n") ==
          "1# \"a\" => (integer) 1\n2# \"b\" => 1) (integer) 2\n");
    CHECK(tty("%1\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n") ==
          "1# \"a\" => \n   1) (integer) 1\n   2) (integer) 2\n");
    CHECK(tty("~2\r\n$1\r\nx\r\n+y\r\n") == "1~ \"x\"\n2~ y\n");
}

TEST_CASE("format raw: values bare, nil empty, errors with a newline, maps as key value") {
    CHECK(raw("+OK\r\n") == "OK");
    CHECK(raw("$-1\r\n") == "");
    CHECK(raw("-ERR x\r\n") == "ERR x\n");
    CHECK(raw(":3\r\n") == "3");
    CHECK(raw("#t\r\n") == "(true)");
    CHECK(raw("*3\r\n+a\r\n*2\r\n+b\r\n+c\r\n$-1\r\n") == "a\nb\nc\n");
    CHECK(raw("%2\r\n+k\r\n+v\r\n+k2\r\n:2\r\n") == "k v\nk2 2");
    CHECK(format_raw(parse_one("*2\r\n+a\r\n+b\r\n"), ",") == "a,b");
}

TEST_CASE("format_reply: raw adds the command delimiter, verbatim commands do not") {
    Reply r = parse_one("$5\r\nhello\r\n");
    CHECK(format_reply(r, OutputMode::Raw, false) == "hello\n");
    CHECK(format_reply(r, OutputMode::Standard, false) == "\"hello\"\n");
    CHECK(format_reply(r, OutputMode::Standard, true) == "hello");
    CHECK(format_reply(r, OutputMode::Csv, false) == "\"hello\"\n");
    CHECK(format_csv(parse_one("*3\r\n:1\r\n$-1\r\n-ERR x\r\n")) == "1,NULL,ERROR,\"ERR x\"");
    CHECK(is_verbatim_command({"INFO"}));
    CHECK(is_verbatim_command({"cluster", "nodes"}));
    CHECK_FALSE(is_verbatim_command({"cluster", "nodes", "x"}));
    CHECK_FALSE(is_verbatim_command({"get", "info"}));
}

TEST_CASE("format_invalidate: RESP3 invalidation pushes are summarised") {
    std::string out;
    REQUIRE(format_invalidate(parse_one(">2\r\n$10\r\ninvalidate\r\n*2\r\n+a\r\n+b\r\n"), &out));
    CHECK(out == "-> invalidate: 'a', 'b'\n");
    CHECK_FALSE(format_invalidate(parse_one(">1\r\n+message\r\n"), &out));
}

TEST_CASE("cli options: defaults, values, flags, and the command after them") {
    CliParse p = parse_cli_options({});
    CHECK(p.action == CliAction::Run);
    CHECK(p.options.host == "127.0.0.1");
    CHECK(p.options.port == 6379);
    CHECK(p.options.command.empty());

    p = parse_cli_options({"-h", "10.0.0.1", "-p", "7000", "-n", "2", "-a", "pw", "--user", "u",
                           "-c", "-3", "-e", "--raw", "-r", "5", "-i", "0.5", "get", "-x"});
    CHECK(p.action == CliAction::Run);
    CHECK(p.options.host == "10.0.0.1");
    CHECK(p.options.port == 7000);
    CHECK(p.options.dbnum == 2);
    CHECK(p.options.has_pass);
    CHECK(p.options.pass == "pw");
    CHECK(p.options.user == "u");
    CHECK(p.options.cluster_mode);
    CHECK(p.options.resp3);
    CHECK(p.options.set_errcode);
    CHECK(p.options.output == OutputMode::Raw);
    CHECK(p.options.output_forced);
    CHECK(p.options.repeat == 5);
    CHECK(p.options.interval_us == 500000);
    CHECK(p.options.command == Args{"get", "-x"});
    CHECK_FALSE(p.options.stdin_arg);
}

TEST_CASE("cli options: help, version and bad options") {
    CHECK(parse_cli_options({"--help"}).action == CliAction::Help);
    CHECK(parse_cli_options({"-h"}).action == CliAction::Help);
    CHECK(parse_cli_options({"--version"}).action == CliAction::Version);
    CliParse p = parse_cli_options({"-p"});
    CHECK(p.action == CliAction::Error);
    CHECK(p.error == "Unrecognized option or bad number of args for: '-p'");
    CHECK(parse_cli_options({"--bogus", "ping"}).action == CliAction::Error);
    CHECK(parse_cli_options({"--pass", "x", "--no-raw"}).options.output == OutputMode::Standard);
}

TEST_CASE("cli options: --pipe and --pipe-timeout (default 30 s, 0 waits forever)") {
    CliParse d = parse_cli_options({"--pipe"});
    REQUIRE(d.action == CliAction::Run);
    CHECK(d.options.pipe);
    CHECK(d.options.pipe_timeout_s == 30);
    CHECK_FALSE(parse_cli_options({}).options.pipe);
    CHECK(parse_cli_options({"--pipe", "--pipe-timeout", "0"}).options.pipe_timeout_s == 0);
    CHECK(parse_cli_options({"--pipe-timeout"}).action == CliAction::Error);
}

TEST_CASE("bench options: redis-benchmark defaults and clamps") {
    BenchParse p = parse_bench_options({});
    CHECK(p.options.clients == 50);
    CHECK(p.options.requests == 100000);
    CHECK(p.options.datasize == 3);
    CHECK(p.options.pipeline == 1);
    p = parse_bench_options({"-c", "0", "-P", "-3", "-d", "0", "-t", "SET,Get", "-q", "--csv",
                             "--threads", "4", "-r", "100"});
    CHECK(p.options.clients == 1);
    CHECK(p.options.pipeline == 1);
    CHECK(p.options.datasize == 1);
    CHECK(p.options.tests == "set,get");
    CHECK(p.options.quiet);
    CHECK(p.options.csv);
    CHECK(p.options.keyspace == 100);
    CHECK(parse_bench_options({"-z"}).action == BenchAction::Error);
    CHECK(parse_bench_options({"-n", "5", "set", "k", "v"}).options.command == Args{"set", "k", "v"});
}

TEST_CASE("bench plan: -t selects tests in redis-benchmark's order; ping selects both") {
    BenchOptions o;
    o.tests = "get,ping,mset";
    std::vector<BenchTest> t = plan_tests(o);
    REQUIRE(t.size() == 4);
    CHECK(t[0].name == "PING_INLINE");
    CHECK(t[0].wire == "PING\r\n");
    CHECK(t[1].name == "PING_MBULK");
    CHECK(t[2].name == "GET");
    CHECK(t[3].name == "MSET (10 keys)");
    CHECK(t[3].rand_offsets.size() == 10);
    o.tests.clear();
    CHECK(plan_tests(o).size() == 15);
}

TEST_CASE("bench plan: SET carries the payload and one __rand_int__ placeholder") {
    BenchOptions o;
    o.tests = "set";
    o.datasize = 5;
    BenchTest t = plan_tests(o)[0];
    CHECK(t.wire == "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$5\r\nxxxxx\r\n");
    REQUIRE(t.rand_offsets.size() == 1);
    write_rand_int(&t.wire[t.rand_offsets[0]], 42);
    CHECK(t.wire.find("key:000000000042") != std::string::npos);
}

TEST_CASE("bench stats: percentiles, averages and report lines") {
    std::vector<uint32_t> v;
    for (uint32_t i = 100; i >= 1; i--) {
        v.push_back(i * 1000);  // 1..100 ms, unsorted
    }
    LatencyStats s = summarise(&v);
    CHECK(s.min_ms == doctest::Approx(1.0));
    CHECK(s.max_ms == doctest::Approx(100.0));
    CHECK(s.p50_ms == doctest::Approx(50.0));
    CHECK(s.p95_ms == doctest::Approx(95.0));
    CHECK(s.p99_ms == doctest::Approx(99.0));
    CHECK(s.avg_ms == doctest::Approx(50.5));
    CHECK(quiet_line("SET", 1234.567, s) == "SET: 1234.57 requests per second, p50=50.000 msec\n");
    CHECK(csv_line("SET", 10, s) ==
          "\"SET\",\"10.00\",\"50.500\",\"1.000\",\"50.000\",\"95.000\",\"99.000\",\"100.000\"\n");
    const std::string dist = percentile_distribution(v);
    CHECK(dist.rfind("0.000% <= 1.000 milliseconds (cumulative count 1)\n", 0) == 0);
    CHECK(dist.find("50.000% <= 50.000 milliseconds (cumulative count 50)\n") != std::string::npos);
    CHECK(dist.find("100.000% <= 100.000 milliseconds (cumulative count 100)\n") !=
          std::string::npos);
    std::vector<uint32_t> empty;
    CHECK(summarise(&empty).p50_ms == 0);
}
