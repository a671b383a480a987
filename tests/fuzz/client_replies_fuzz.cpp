// libFuzzer target for what slotcache reads as a client of another server: the cli's RESP2/3
// reply reader (src/cli/reply.h; slotcache-cli, slotcache-benchmark and the --cluster manager),
// the manager's CLUSTER NODES parser and config signature (src/cli/cluster/nodes_text.h), and
// MIGRATE's judgement of a target's reply lines (src/cluster/migrate.h).
//
// The input is fed to the reader in two pieces (split at its first byte's value), as replies
// arrive in several reads; every complete reply's strings go to the CLUSTER NODES parser; the
// input's lines are judged as MIGRATE's AUTH/SELECT/RESTORE replies. Nothing may crash, hang or
// read out of bounds (ASan, UBSan).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cluster/nodes_text.h"
#include "cli/reply.h"
#include "cluster/migrate.h"

namespace {

using namespace slotcache;

void walk(const cli::Reply& r, int depth) {
    if (depth > 8) return;
    if (!r.str.empty()) {
        std::vector<cli::cluster::NodeLine> lines;
        std::string err;
        cli::cluster::parse_cluster_nodes(r.str, &lines, &err);
        (void)cli::cluster::config_signature(r.str);
        (void)cli::cluster::info_field(r.str, "cluster_state");
    }
    for (const auto& e : r.elements) walk(e, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* p = reinterpret_cast<const char*>(data);
    size_t cut = size == 0 ? 0 : data[0] % (size + 1);
    cli::ReplyReader reader;
    reader.feed(p, cut);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 1000; i++) {
            cli::ReadStatus st = reader.next();
            if (st != cli::ReadStatus::Complete) break;
            walk(reader.take(), 0);
        }
        if (round == 0) reader.feed(p + cut, size - cut);
    }

    std::vector<std::string> lines;
    std::string_view in(p, size);
    while (!in.empty() && lines.size() < 64) {
        size_t nl = in.find('\n');
        lines.emplace_back(in.substr(0, nl));
        in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    }
    for (int mask = 0; mask < 4 && !lines.empty(); mask++) {
        bool auth = mask & 1, select = mask & 2;
        size_t i = 0;
        std::string_view auth_line = auth && i < lines.size() ? std::string_view(lines[i++]) : "";
        std::string_view select_line =
            select && i < lines.size() ? std::string_view(lines[i++]) : "";
        std::vector<std::string> restores(lines.begin() + static_cast<long>(i), lines.end());
        cluster::MigrateResult res;
        cluster::judge_replies(auth, auth_line, select, select_line, restores, &res);
        (void)cluster::migrate_error_text(res);
    }
    return 0;
}
