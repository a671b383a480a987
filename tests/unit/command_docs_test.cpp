// COMMAND DOCS (src/commands/command_docs.h): every registered command and subcommand has a
// doc, the argument notation of every doc is well formed, and replies are redis-server
// 7.0.15's bytes (RESP2 and RESP3; expected bytes captured with COMMAND DOCS from it).
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_docs.h"
#include "common/strutil.h"
#include "server/command.h"

using namespace slotcache;
using namespace slotcache::commands;

namespace {

using Names = std::vector<std::string_view>;

const server::CommandTable& table() {
    static const server::CommandTable t = [] {
        server::CommandTable table;
        server::register_all_commands(table);
        return table;
    }();
    return t;
}

std::string docs_reply(int proto, const Names& names) {
    auto out = std::make_unique<resp::OutBuffer>();
    resp::Reply r(*out, proto);
    reply_command_docs(r, table(), names);
    std::string s;
    iovec v[64];
    size_t n = out->iov(v, std::size(v));
    for (size_t i = 0; i < n; i++) {
        s.append(static_cast<const char*>(v[i].iov_base), v[i].iov_len);
    }
    REQUIRE(s.size() == out->size());
    return s;
}

// Checks one level of the argument notation; returns an error text, empty when well formed.
std::string check_args(std::string_view list) {
    static const std::set<std::string_view> kTypes = {
        "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof",
        "block"};
    while (!list.empty()) {
        int depth = 0;
        size_t end = 0;
        for (; end < list.size(); end++) {
            depth += list[end] == '(' ? 1 : list[end] == ')' ? -1 : 0;
            if (depth < 0) return "unbalanced ')' in " + std::string(list);
            if (list[end] == ' ' && depth == 0) break;
        }
        if (depth != 0) return "unbalanced '(' in " + std::string(list);
        std::string_view item = list.substr(0, end);
        list.remove_prefix(end < list.size() ? end + 1 : end);
        std::string_view head = item.substr(0, item.find_first_of("#=@~?*+("));
        size_t colon = head.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            return "no name:type in " + std::string(item);
        }
        std::string_view type = head.substr(colon + 1);
        if (!kTypes.count(type)) return "unknown type in " + std::string(item);
        size_t open = item.find('(');
        bool nested = type == "oneof" || type == "block";
        if (nested != (open != std::string_view::npos)) {
            return "nested arguments must go with oneof/block: " + std::string(item);
        }
        if (nested) {
            std::string inner = check_args(item.substr(open + 1, item.size() - open - 2));
            if (!inner.empty()) return inner;
        }
    }
    return "";
}

}  // namespace

TEST_CASE("command docs: every registered command and subcommand has a doc") {
    std::string missing;
    for (const auto& c : table().all()) {
        if (!find_command_doc(c->name)) missing += c->name + " ";
        for (const auto& sub : c->subcommands) {
            if (!find_command_doc(sub.name)) missing += sub.name + " ";
        }
    }
    CHECK_MESSAGE(missing.empty(), "no docs for: " << missing);
    CHECK(table().size() > 50);
}

TEST_CASE("command docs: argument notation is well formed and names are lowercase") {
    for (const CommandDoc& d : all_command_docs()) {
        INFO(std::string(d.name));
        CHECK(check_args(d.arguments) == "");
        CHECK(std::string(d.name) == to_lower(d.name));
        CHECK_FALSE(d.summary.empty());
        CHECK_FALSE(d.since.empty());
        CHECK_FALSE(d.group.empty());
        // Redis documents PSYNC and SYNC without a complexity.
        if (d.name != "psync" && d.name != "sync") CHECK_FALSE(d.complexity.empty());
        if (!d.extra.history.empty()) CHECK(d.extra.history.back() == '\n');
    }
}

TEST_CASE("command docs: lookup is case-insensitive and knows subcommands") {
    REQUIRE(find_command_doc("GET") != nullptr);
    CHECK(find_command_doc("GET")->name == "get");
    REQUIRE(find_command_doc("Config|Get") != nullptr);
    CHECK(find_command_doc("Config|Get")->summary == "Get the values of configuration parameters");
    CHECK(find_command_doc("nosuch") == nullptr);
    CHECK(find_command_doc("config|nosuch") == nullptr);
}

TEST_CASE("command docs: GET is Redis' bytes, RESP2 and RESP3") {
    CHECK(docs_reply(2, {"get"}) ==
          "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\n"
          "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\n"
          "O(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\n"
          "key\r\n$14\r\nkey_spec_index\r\n:0\r\n");
    CHECK(docs_reply(3, {"GET"}) ==
          "%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\n"
          "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\n"
          "O(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\n"
          "key\r\n$14\r\nkey_spec_index\r\n:0\r\n");
}

TEST_CASE("command docs: GETSET shows doc_flags, deprecated_since and replaced_by (RESP2)") {
    CHECK(docs_reply(2, {"getset"}) ==
          "*2\r\n$6\r\ngetset\r\n*16\r\n$7\r\nsummary\r\n$54\r\n"
          "Set the string value of a key and return its old value\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n"
          "$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\ndoc_flags\r\n"
          "*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n"
          "$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n"
          "$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\n"
          "name\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n");
}

TEST_CASE("command docs: SET's history and nested arguments are Redis' bytes (RESP3)") {
    CHECK(docs_reply(3, {"set"}) ==
          "%1\r\n$3\r\nset\r\n%6\r\n$7\r\nsummary\r\n$29\r\nSet the string value of a key\r\n"
          "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\n"
          "O(1)\r\n$7\r\nhistory\r\n~4\r\n*2\r\n$6\r\n2.6.12\r\n$44\r\n"
          "Added the `EX`, `PX`, `NX` and `XX` options.\r\n*2\r\n$5\r\n6.0.0\r\n$27\r\n"
          "Added the `KEEPTTL` option.\r\n*2\r\n$5\r\n6.2.0\r\n$42\r\n"
          "Added the `GET`, `EXAT` and `PXAT` option.\r\n*2\r\n$5\r\n7.0.0\r\n$55\r\n"
          "Allowed the `NX` and `GET` options to be used together.\r\n$9\r\narguments\r\n*5\r\n"
          "%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n"
          ":0\r\n%2\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n%5\r\n$4\r\n"
          "name\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n"
          "$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\n"
          "nx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n"
          "$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%5\r\n$4\r\n"
          "name\r\n$3\r\nget\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nGET\r\n"
          "$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n"
          "$10\r\nexpiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n"
          "$9\r\narguments\r\n*5\r\n%4\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\n"
          "integer\r\n$5\r\ntoken\r\n$2\r\nEX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\n"
          "name\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\n"
          "PX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n%4\r\n$4\r\nname\r\n$17\r\nunix-time-seconds\r\n"
          "$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n$5\r\nsince\r\n$5\r\n"
          "6.2.0\r\n%4\r\n$4\r\nname\r\n$22\r\nunix-time-milliseconds\r\n$4\r\ntype\r\n$9\r\n"
          "unix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n%4\r\n$4\r\n"
          "name\r\n$7\r\nkeepttl\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\n"
          "KEEPTTL\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n");
}

TEST_CASE("command docs: unknown names are skipped, subcommands are found by full name") {
    CHECK(docs_reply(3, {"nosuch"}) == "%0\r\n");
    CHECK(docs_reply(2, {"nosuch", "config|nosuch"}) == "*0\r\n");
    std::string r = docs_reply(3, {"nosuch", "CONFIG|Get"});
    CHECK(r.rfind("%1\r\n$10\r\nconfig|get\r\n%6\r\n$7\r\nsummary\r\n", 0) == 0);
}

TEST_CASE("command docs: a container lists its registered subcommands' docs") {
    std::string r = docs_reply(3, {"config"});
    CHECK(r.rfind("%1\r\n$6\r\nconfig\r\n%5\r\n", 0) == 0);
    const server::CommandDef* config = table().find("config");
    REQUIRE(config != nullptr);
    std::string subs = "$11\r\nsubcommands\r\n%" + std::to_string(config->subcommands.size());
    CHECK(r.find(subs) != std::string::npos);
    for (const auto& sub : config->subcommands) {
        std::string key = "$" + std::to_string(sub.name.size()) + "\r\n" + sub.name + "\r\n";
        CHECK_MESSAGE(r.find(key) != std::string::npos, sub.name);
    }
}

TEST_CASE("command docs: no names -> every registered command") {
    std::string r = docs_reply(3, {});
    CHECK(r.rfind("%" + std::to_string(table().size()) + "\r\n", 0) == 0);
    for (const auto& c : table().all()) {
        std::string key = "$" + std::to_string(c->name.size()) + "\r\n" + c->name + "\r\n%";
        CHECK_MESSAGE(r.find(key) != std::string::npos, c->name);
    }
}
