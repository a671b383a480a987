// MIGRATE's pure decisions (see migrate.h).
#include "cluster/migrate.h"

namespace slotcache::cluster {

namespace {

bool is_error(std::string_view line) { return !line.empty() && line[0] == '-'; }

void append_header(std::string* out, char kind, size_t n) {
    out->push_back(kind);
    out->append(std::to_string(n));
    out->append("\r\n");
}

}  // namespace

void judge_replies(bool auth, std::string_view auth_line, bool select,
                   std::string_view select_line, const std::vector<std::string>& restore_lines,
                   MigrateResult* out) {
    out->acked.clear();
    out->target_error.clear();
    out->target_failed = false;
    bool auth_failed = auth && is_error(auth_line);
    bool select_failed = select && is_error(select_line);
    for (size_t i = 0; i < restore_lines.size(); i++) {
        const std::string& line = restore_lines[i];
        if (!auth_failed && !select_failed && !is_error(line)) {
            out->acked.push_back(i);
            continue;
        }
        if (out->target_failed) continue;
        out->target_failed = true;
        std::string_view first = auth_failed ? auth_line : select_failed ? select_line : line;
        out->target_error.assign(first.substr(1));
    }
}

std::string migrate_error_text(const MigrateResult& r) {
    if (r.target_failed) {
        return "ERR Target instance replied with error: " + r.target_error;
    }
    switch (r.io) {
        case MigrateIo::None: return "";
        case MigrateIo::Resolve: return std::string(kMigrateResolveError);
        case MigrateIo::Write: return std::string(kMigrateWriteError);
        case MigrateIo::Read: return std::string(kMigrateReadError);
    }
    return "";
}

void append_command(std::string* out, const std::vector<std::string_view>& args) {
    append_header(out, '*', args.size());
    for (std::string_view a : args) {
        append_header(out, '$', a.size());
        out->append(a.data(), a.size());
        out->append("\r\n");
    }
}

}  // namespace slotcache::cluster
