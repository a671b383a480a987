// common/splitargs: sdssplitargs and sdscatrepr as Redis 7's sds.c has them. The cli, config and
// resp tests pin each caller's use; these pin the shared rules, the reuse contract the RESP
// parser relies on, and that repr's output splits back to the original bytes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/splitargs.h"

namespace {

using Args = std::vector<std::string>;

Args split_ok(std::string_view line) {
    Args out;
    REQUIRE(slotcache::split_args(line, &out));
    return out;
}

bool rejects(std::string_view line) {
    Args out{"stale"};
    bool ok = slotcache::split_args(line, &out);
    CHECK(out.empty());
    return !ok;
}

}  // namespace

TEST_CASE("split_args: blanks separate arguments and a blank line has none") {
    CHECK(split_ok("set a b") == Args{"set", "a", "b"});
    CHECK(split_ok(" \t\v\f\r\nset  a\t\tb \r\n") == Args{"set", "a", "b"});
    CHECK(split_ok("").empty());
    CHECK(split_ok(" \t\r\n\v\f").empty());
}

TEST_CASE("split_args: an unquoted word ends only at space, tab, CR or LF") {
    CHECK(split_ok("a\vb c\fd") == Args{"a\vb", "c\fd"});
    CHECK(split_ok("a\rb\nc") == Args{"a", "b", "c"});
}

TEST_CASE("split_args: double quotes understand C escapes and \\xHH") {
    CHECK(split_ok(R"("a\nb\r\t\b\a")") == Args{"a\nb\r\t\b\a"});
    CHECK(split_ok(R"("\x41\x6a\x6A\xff")") == Args{std::string("Ajj\xff")});
    CHECK(split_ok(R"("\x00z")") == Args{std::string("\0z", 2)});
    CHECK(split_ok(R"("\"\\\q")") == Args{"\"\\q"});
    // Not two hex digits: the backslash escapes the 'x' alone.
    CHECK(split_ok(R"("\x4g" "\xg1")") == Args{"x4g", "xg1"});
    CHECK(split_ok("\"a b\"") == Args{"a b"});
    CHECK(split_ok("\"\"") == Args{""});
}

TEST_CASE("split_args: single quotes understand only \\'") {
    CHECK(split_ok(R"('it\'s' 'a\nb\x41')") == Args{"it's", R"(a\nb\x41)"});
    CHECK(split_ok("''") == Args{""});
}

TEST_CASE("split_args: a quote inside a word opens a quoted part of that word") {
    CHECK(split_ok("a\"b c\" d") == Args{"ab c", "d"});
    CHECK(split_ok("x'y z'") == Args{"xy z"});
}

TEST_CASE("split_args: a closing quote may be followed by any isspace blank or the end") {
    CHECK(split_ok("\"a\"\vb") == Args{"a", "b"});
    CHECK(split_ok("'a'\fb") == Args{"a", "b"});
    CHECK(split_ok("\"a\"") == Args{"a"});
}

TEST_CASE("split_args: unbalanced quotes and text glued to a closing quote are rejected") {
    CHECK(rejects("\"unterminated"));
    CHECK(rejects("'unterminated"));
    CHECK(rejects("set \"a\"b"));
    CHECK(rejects("set 'a'b"));
    CHECK(rejects(R"("ends with backslash\)"));
    CHECK(rejects(R"('escaped close\')"));
    CHECK(rejects("\"\\x4"));
}

TEST_CASE("split_args: a NUL byte ends the line as in a C string") {
    CHECK(split_ok(std::string_view("a b\0c d", 7)) == Args{"a", "b"});
    CHECK(split_ok(std::string_view("ab\0", 3)) == Args{"ab"});
    CHECK(rejects(std::string_view("\"a\0\"", 4)));
    CHECK(split_ok(std::string_view("\"a\"\0x", 5)) == Args{"a"});
}

TEST_CASE("split_args_reusing: reuses the strings it has and leaves spares past argc") {
    std::vector<std::string> args;
    size_t argc = 99;
    REQUIRE(slotcache::split_args_reusing("a-long-first-argument b c", &args, &argc));
    CHECK(argc == 3);
    REQUIRE(args.size() == 3);
    const char* first = args[0].data();
    size_t cap = args[0].capacity();

    REQUIRE(slotcache::split_args_reusing("x", &args, &argc));
    CHECK(argc == 1);
    CHECK(args.size() == 3);
    CHECK(args[0] == "x");
    CHECK(args[0].data() == first);
    CHECK(args[0].capacity() == cap);

    REQUIRE(slotcache::split_args_reusing("  ", &args, &argc));
    CHECK(argc == 0);

    REQUIRE(slotcache::split_args_reusing("1 2 3 4", &args, &argc));
    CHECK(argc == 4);
    CHECK(args == Args{"1", "2", "3", "4"});

    CHECK_FALSE(slotcache::split_args_reusing("ok \"open", &args, &argc));
}

TEST_CASE("repr: escapes what sdscatrepr escapes, lowercase hex for the rest") {
    CHECK(slotcache::repr("abc") == "\"abc\"");
    CHECK(slotcache::repr("") == "\"\"");
    CHECK(slotcache::repr("a\"b\\c") == R"("a\"b\\c")");
    CHECK(slotcache::repr("\n\r\t\a\b") == R"("\n\r\t\a\b")");
    CHECK(slotcache::repr(std::string("\0\x1f\x7f\x80\xff", 5)) == R"("\x00\x1f\x7f\x80\xff")");
    CHECK(slotcache::repr(" ~") == "\" ~\"");
}

TEST_CASE("repr: its output splits back to the original bytes") {
    std::string all;
    for (int c = 0; c < 256; c++) {
        all.push_back(static_cast<char>(c));
    }
    for (const std::string& s : {all, std::string("plain"), std::string(), std::string("'\"")}) {
        CHECK(split_ok(slotcache::repr(s)) == Args{s});
    }
}
