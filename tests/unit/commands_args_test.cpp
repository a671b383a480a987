// Argument parsers of the string and key commands (src/commands/set_args.h, key_args.h),
// checked against Redis 7.0.15's replies for the same command lines.
#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/key_args.h"
#include "commands/set_args.h"

using namespace slotcache;
using namespace slotcache::commands;

namespace {
using Args = std::vector<std::string_view>;
}

TEST_CASE("set options: plain SET has no options") {
    auto r = parse_set_options(Args{"set", "k", "v"});
    REQUIRE(r.ok());
    CHECK_FALSE(r->nx);
    CHECK_FALSE(r->xx);
    CHECK_FALSE(r->get);
    CHECK(r->expire == ExpireKind::None);
}

TEST_CASE("set options: every option, case-insensitive") {
    auto r = parse_set_options(Args{"SET", "k", "v", "Nx", "gEt", "pXaT", "123"});
    REQUIRE(r.ok());
    CHECK(r->nx);
    CHECK(r->get);
    CHECK(r->expire == ExpireKind::PxAt);
    CHECK(r->expire_arg == "123");
    auto k = parse_set_options(Args{"set", "k", "v", "xx", "keepttl"});
    REQUIRE(k.ok());
    CHECK(k->xx);
    CHECK(k->expire == ExpireKind::KeepTtl);
}

TEST_CASE("set options: the same option twice is accepted, the last time wins") {
    auto r = parse_set_options(Args{"set", "k", "v", "ex", "10", "ex", "20"});
    REQUIRE(r.ok());
    CHECK(r->expire == ExpireKind::Ex);
    CHECK(r->expire_arg == "20");
    CHECK(parse_set_options(Args{"set", "k", "v", "nx", "nx"}).ok());
    CHECK(parse_set_options(Args{"set", "k", "v", "get", "get"}).ok());
    CHECK(parse_set_options(Args{"set", "k", "v", "keepttl", "keepttl"}).ok());
}

TEST_CASE("set options: conflicts and unknown options are syntax errors") {
    for (const Args& a : {Args{"set", "k", "v", "nx", "xx"}, Args{"set", "k", "v", "xx", "nx"},
                          Args{"set", "k", "v", "ex", "10", "px", "10"},
                          Args{"set", "k", "v", "keepttl", "ex", "10"},
                          Args{"set", "k", "v", "ex", "10", "keepttl"},
                          Args{"set", "k", "v", "exat", "1", "pxat", "1"},
                          Args{"set", "k", "v", "ex"}, Args{"set", "k", "v", "foo"},
                          Args{"set", "k", "v", "persist"}}) {
        auto r = parse_set_options(a);
        CHECK(r.err() == Err::Syntax);
    }
}

TEST_CASE("set options: the expire value is kept raw, even when it looks like an option") {
    auto r = parse_set_options(Args{"set", "k", "v", "ex", "nx"});
    REQUIRE(r.ok());
    CHECK(r->expire_arg == "nx");
    CHECK_FALSE(r->nx);
}

TEST_CASE("getex options: PERSIST or one expire kind, SET's options rejected") {
    auto p = parse_getex_options(Args{"getex", "k", "PERSIST"});
    REQUIRE(p.ok());
    CHECK(p->expire == ExpireKind::Persist);
    auto e = parse_getex_options(Args{"getex", "k", "exat", "5"});
    REQUIRE(e.ok());
    CHECK(e->expire == ExpireKind::ExAt);
    CHECK(parse_getex_options(Args{"getex", "k"})->expire == ExpireKind::None);
    for (const Args& a : {Args{"getex", "k", "persist", "ex", "10"},
                          Args{"getex", "k", "ex", "10", "persist"}, Args{"getex", "k", "nx"},
                          Args{"getex", "k", "keepttl"}, Args{"getex", "k", "get"},
                          Args{"getex", "k", "px"}, Args{"getex", "k", "foo"}}) {
        CHECK(parse_getex_options(a).err() == Err::Syntax);
    }
}

TEST_CASE("set expire: relative times add now, absolute ones are taken as is") {
    CHECK(resolve_set_expire(ExpireKind::Ex, "10", 1000).value() == 11000);
    CHECK(resolve_set_expire(ExpireKind::Px, "10", 1000).value() == 1010);
    CHECK(resolve_set_expire(ExpireKind::ExAt, "10", 1000).value() == 10000);
    CHECK(resolve_set_expire(ExpireKind::PxAt, "10", 1000).value() == 10);
}

TEST_CASE("set expire: zero, negative and overflowing times are invalid") {
    CHECK(resolve_set_expire(ExpireKind::Ex, "0", 1000).err() == Err::Invalid);
    CHECK(resolve_set_expire(ExpireKind::Px, "-1", 1000).err() == Err::Invalid);
    CHECK(resolve_set_expire(ExpireKind::Ex, "9223372036854775807", 1).err() == Err::Invalid);
    CHECK(resolve_set_expire(ExpireKind::ExAt, "9223372036854775807", 1).err() == Err::Invalid);
    CHECK(resolve_set_expire(ExpireKind::Px, "9223372036854775807", 1).err() == Err::Invalid);
    CHECK(resolve_set_expire(ExpireKind::PxAt, "9223372036854775807", 1).value() == LLONG_MAX);
    CHECK(resolve_set_expire(ExpireKind::Ex, "9223372036854775", 0).value() ==
          9223372036854775000LL);
    CHECK(resolve_set_expire(ExpireKind::Ex, "abc", 0).err() == Err::NotInteger);
    CHECK(resolve_set_expire(ExpireKind::Ex, " 1", 0).err() == Err::NotInteger);
}

TEST_CASE("set expire: the error names the command") {
    CHECK(invalid_expire_error("setex") == "ERR invalid expire time in 'setex' command");
}

TEST_CASE("expire condition: each option alone, and the compatible pairs") {
    auto r = parse_expire_condition(Args{"expire", "k", "10", "xx", "GT"});
    REQUIRE(r.ok());
    CHECK(r->xx);
    CHECK(r->gt);
    CHECK(parse_expire_condition(Args{"expire", "k", "10", "nx", "nx"}).ok());
    CHECK_FALSE(parse_expire_condition(Args{"expire", "k", "10"})->any());
}

TEST_CASE("expire condition: incompatible options and unknown ones, with Redis' texts") {
    const char* nx_err = "ERR NX and XX, GT or LT options at the same time are not compatible";
    CHECK(parse_expire_condition(Args{"expire", "k", "1", "nx", "xx"}).error() == nx_err);
    CHECK(parse_expire_condition(Args{"expire", "k", "1", "lt", "nx"}).error() == nx_err);
    CHECK(parse_expire_condition(Args{"expire", "k", "1", "gt", "lt"}).error() ==
          "ERR GT and LT options at the same time are not compatible");
    CHECK(parse_expire_condition(Args{"expire", "k", "1", "nx", "xx", "foo"}).error() ==
          "ERR Unsupported option foo");
}

TEST_CASE("expire condition: a key without TTL is infinite for GT and LT") {
    ExpireCondition gt{.gt = true};
    ExpireCondition lt{.lt = true};
    CHECK_FALSE(expire_condition_allows(gt, -1, 5000));
    CHECK(expire_condition_allows(lt, -1, 5000));
    CHECK(expire_condition_allows(gt, 4000, 5000));
    CHECK_FALSE(expire_condition_allows(gt, 5000, 5000));
    CHECK(expire_condition_allows(lt, 6000, 5000));
    CHECK_FALSE(expire_condition_allows(lt, 5000, 5000));
    ExpireCondition nx{.nx = true};
    ExpireCondition xx{.xx = true};
    CHECK(expire_condition_allows(nx, -1, 1));
    CHECK_FALSE(expire_condition_allows(nx, 10, 1));
    CHECK_FALSE(expire_condition_allows(xx, -1, 1));
    CHECK(expire_condition_allows(xx, 10, 1));
    CHECK(expire_condition_allows(ExpireCondition{}, 10, 1));
}

TEST_CASE("expire time: units, base time, negatives allowed, overflow invalid") {
    CHECK(resolve_expire_time("10", 1000, true).value() == 11000);
    CHECK(resolve_expire_time("10", 1000, false).value() == 1010);
    CHECK(resolve_expire_time("-5", 1000, true).value() == -4000);
    CHECK(resolve_expire_time("-9223372036854775808", 1000, false).value() ==
          LLONG_MIN + 1000);
    CHECK(resolve_expire_time("9223372036854775807", 0, false).value() == LLONG_MAX);
    CHECK(resolve_expire_time("9223372036854775807", 1, false).err() == Err::Invalid);
    CHECK(resolve_expire_time("9223372036854775807", 0, true).err() == Err::Invalid);
    CHECK(resolve_expire_time("-9223372036854775808", 0, true).err() == Err::Invalid);
    CHECK(resolve_expire_time("1x", 0, true).err() == Err::NotInteger);
}

TEST_CASE("scan cursor: strtoul's acceptance rules") {
    uint64_t c = 99;
    CHECK(parse_scan_cursor("0", &c));
    CHECK(c == 0);
    CHECK(parse_scan_cursor("", &c));
    CHECK(c == 0);
    CHECK(parse_scan_cursor("+7", &c));
    CHECK(c == 7);
    CHECK(parse_scan_cursor("007", &c));
    CHECK(c == 7);
    CHECK(parse_scan_cursor("-1", &c));
    CHECK(c == UINT64_MAX);
    CHECK(parse_scan_cursor("18446744073709551615", &c));
    CHECK(c == UINT64_MAX);
    CHECK_FALSE(parse_scan_cursor("18446744073709551616", &c));
    CHECK_FALSE(parse_scan_cursor(" 1", &c));
    CHECK_FALSE(parse_scan_cursor("1 ", &c));
    CHECK_FALSE(parse_scan_cursor("abc", &c));
    CHECK_FALSE(parse_scan_cursor("-", &c));
    CHECK_FALSE(parse_scan_cursor("0x1", &c));
}

TEST_CASE("scan options: defaults, MATCH '*' means no pattern, TYPE only for SCAN") {
    auto d = parse_scan_options(Args{"scan", "0"}, 2, true);
    REQUIRE(d.ok());
    CHECK(d->count == 10);
    CHECK_FALSE(d->has_pattern);
    CHECK_FALSE(d->has_type);
    auto r = parse_scan_options(Args{"scan", "0", "MATCH", "a*", "count", "5", "type", "list"},
                                2, true);
    REQUIRE(r.ok());
    CHECK(r->has_pattern);
    CHECK(r->pattern == "a*");
    CHECK(r->count == 5);
    CHECK(r->type == "list");
    CHECK_FALSE(parse_scan_options(Args{"scan", "0", "match", "*"}, 2, true)->has_pattern);
    CHECK(parse_scan_options(Args{"hscan", "h", "0", "type", "x"}, 3, false).error() ==
          "ERR syntax error");
}

TEST_CASE("scan options: COUNT errors and missing values") {
    CHECK(parse_scan_options(Args{"scan", "0", "count", "0"}, 2, true).error() ==
          "ERR syntax error");
    CHECK(parse_scan_options(Args{"scan", "0", "count", "-1"}, 2, true).error() ==
          "ERR syntax error");
    CHECK(parse_scan_options(Args{"scan", "0", "count", "abc"}, 2, true).error() ==
          "ERR value is not an integer or out of range");
    CHECK(parse_scan_options(Args{"scan", "0", "match"}, 2, true).error() == "ERR syntax error");
    CHECK(parse_scan_options(Args{"scan", "0", "type"}, 2, true).error() == "ERR syntax error");
    CHECK(parse_scan_options(Args{"scan", "0", "foo", "x"}, 2, true).error() ==
          "ERR syntax error");
}

TEST_CASE("copy options: DB and REPLACE, errors in Redis' order") {
    auto r = parse_copy_options(Args{"copy", "a", "b", "DB", "3", "replace"}, 16);
    REQUIRE(r.ok());
    CHECK(r->db == 3);
    CHECK(r->replace);
    CHECK(parse_copy_options(Args{"copy", "a", "b"}, 16)->db == -1);
    CHECK(parse_copy_options(Args{"copy", "a", "b", "replace", "replace"}, 16).ok());
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db"}, 16).error() == "ERR syntax error");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db", "x"}, 16).error() ==
          "ERR value is not an integer or out of range");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db", "16"}, 16).error() ==
          "ERR DB index is out of range");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db", "-1"}, 16).error() ==
          "ERR DB index is out of range");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db", "99", "foo"}, 16).error() ==
          "ERR DB index is out of range");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "foo", "db", "99"}, 16).error() ==
          "ERR syntax error");
    CHECK(parse_copy_options(Args{"copy", "a", "b", "db", "4294967296"}, 16).error() ==
          "ERR value is not an integer or out of range");
}
