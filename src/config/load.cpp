// Loading: the config file, stdin and command-line options as one text, line by line, the way
// Redis 7.0's loadServerConfig / loadServerConfigFromString do it (same order of checks, same
// error texts and line numbers), and redis-server's argv convention (parse_command_line).
// Directives go through the table; include and rename-command are handled here.
// Thread: start-up, loop thread, before the loop runs.
#include <glob.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "config/config.h"
#include "config/directives.h"
#include "config/text.h"

namespace slotcache::config {

namespace {

constexpr int kMaxIncludeDepth = 16;  // Redis has no limit and overflows its stack on a cycle
constexpr long long kMinHz = 1;       // CONFIG_MIN_HZ
constexpr long long kMaxHz = 500;     // CONFIG_MAX_HZ

bool read_all(FILE* f, std::string* out) {
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        out->append(buf, n);
    }
    return !ferror(f);
}

std::string cant_open(const std::string& path, int err) {
    return "Fatal error, can't open config file '" + path + "': " + strerror(err) + "\n";
}

bool is_deprecated(const std::string& name, size_t argc) {
    return argc == 2 && (name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
                         name == "lua-replicate-commands");
}

bool contains_nocase(const std::vector<std::string>& v, std::string_view s) {
    for (const std::string& x : v) {
        if (text::iequals(x, s)) {
            return true;
        }
    }
    return false;
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
    CommandLine cl;
    int j = 1;
    if (argc >= 2 && argv[1][0] != '-') {
        char* abs = realpath(argv[1], nullptr);
        cl.config_file = abs ? abs : argv[1];  // a missing file is reported by load()
        free(abs);
        j = 2;
    }
    bool handled_last = true;  // the last --name already has at least one value
    for (; j < argc; ++j) {
        std::string_view a = argv[j];
        if (a == "-" && (j == 1 || j == argc - 1)) {
            cl.config_from_stdin = true;
        } else if (handled_last && a.size() >= 2 && a[0] == '-' && a[1] == '-') {
            if (!cl.options.empty()) {
                cl.options += "\n";
            }
            cl.options += std::string(a.substr(2)) + " ";
            std::vector<std::string> parts;
            bool balanced = text::split_args(a, &parts);
            if (balanced && parts.size() == 1) {
                handled_last = false;
                // `--save` with no value (last, or followed by another --name) means save "".
                bool is_save = text::iequals(a, "--save");
                bool next_is_option =
                    j != argc - 1 && argv[j + 1][0] == '-' && argv[j + 1][1] == '-';
                if (is_save && (next_is_option || j == argc - 1)) {
                    cl.options += "\"\"";
                    handled_last = next_is_option;
                }
            } else {
                handled_last = true;  // "--port 6380" as one argument
            }
        } else {
            cl.options += text::quote(a) + " ";
            handled_last = true;
        }
    }
    return cl;
}

std::string Config::load(const CommandLine& cl) {
    std::string content;
    if (!cl.config_file.empty()) {
        FILE* f = fopen(cl.config_file.c_str(), "r");
        if (!f) {
            return cant_open(cl.config_file, errno);
        }
        bool ok = read_all(f, &content);
        int err = errno;
        fclose(f);
        if (!ok) {
            return cant_open(cl.config_file, err);
        }
        config_file_ = cl.config_file;
    }
    if (cl.config_from_stdin) {
        read_all(stdin, &content);
    }
    // redis-server always appends "\n" + options, so option lines are numbered after the file's.
    content += "\n";
    content += cl.options;
    return load_top(content);
}

std::string Config::load_string(std::string_view text) { return load_top(text); }

std::string Config::load_top(std::string_view text) {
    seen_.assign(detail::directives().size(), false);
    renamed_away_.clear();
    renamed_to_.clear();
    return load_text(text, 0);
}

std::string Config::fatal(int linenum, std::string_view line, std::string_view reason) const {
    std::string r = "\n*** FATAL CONFIG FILE ERROR (slotcache " + version_ + ") ***\n";
    if (linenum > 0) {
        r += "Reading the configuration file, at line " + std::to_string(linenum) + "\n";
        r += ">>> '" + std::string(line) + "'\n";
    }
    r += std::string(reason) + "\n";
    return r;
}

std::string Config::load_text(std::string_view text, int depth) {
    std::vector<std::string> lines = text::split(text, '\n');
    std::vector<std::string> argv;
    for (size_t i = 0; i < lines.size(); ++i) {
        int linenum = static_cast<int>(i) + 1;
        std::string_view line = text::trim(lines[i]);
        if (line.empty() || line[0] == '#') {
            continue;
        }
        if (!text::split_args(line, &argv)) {
            return fatal(linenum, line, "Unbalanced quotes in configuration line");
        }
        if (argv.empty()) {
            continue;
        }
        std::string err = load_line(argv, depth);
        if (err.empty()) {
            continue;
        }
        // An error from an included file is already complete (its own file and line).
        if (err[0] == '\n' || err.starts_with("Fatal error")) {
            return err;
        }
        return fatal(linenum, line, err);
    }
    // Redis' sanity checks after each loaded text; reported without a line.
    if (!values_.logfile.empty()) {
        FILE* f = fopen(values_.logfile.c_str(), "a");
        if (!f) {
            return fatal(0, {}, std::string("Can't open the log file: ") + strerror(errno));
        }
        fclose(f);
    }
    if (values_.cluster_enabled && !values_.replicaof_host.empty()) {
        return fatal(0, {}, "replicaof directive not allowed in cluster mode");
    }
    values_.hz = std::clamp(values_.hz, kMinHz, kMaxHz);
    return {};
}

// One non-empty line, split. Returns "" or the reason (or a complete message from an include).
std::string Config::load_line(const std::vector<std::string>& argv, int depth) {
    std::string name = text::lower(argv[0]);
    int idx = detail::find_directive(name);
    if (idx >= 0) {
        const detail::Directive& d = detail::directives()[idx];
        bool multi = (d.flags & detail::kMultiArg) != 0;
        if (!multi && argv.size() != 2) {
            return "wrong number of arguments";
        }
        std::vector<std::string> args(argv.begin() + 1, argv.end());
        // `--save "900 1"` arrives as one quoted argument: split it like Redis 7.0.1+.
        if (multi && args.size() == 1 && !args[0].empty()) {
            std::vector<std::string> parts;
            if (!text::split_args(args[0], &parts)) {
                return "Unbalanced quotes in configuration line";
            }
            args = std::move(parts);
        }
        std::string err = detail::set_value(d, values_, args, seen_[idx]);
        seen_[idx] = true;
        return err;
    }
    if (is_deprecated(name, argv.size())) {
        return {};
    }
    if (name == "include" && argv.size() == 2) {
        if (depth >= kMaxIncludeDepth) {
            return "include nesting is too deep";
        }
        return load_file(argv[1], depth + 1);
    }
    if (name == "rename-command" && argv.size() == 3) {
        return rename_command(argv[1], argv[2]);
    }
    return "Bad directive or wrong number of arguments";
}

// Redis renames in its live command table; here the renames so far stand for that table.
std::string Config::rename_command(const std::string& name, const std::string& new_name) {
    if (command_exists_) {
        auto exists = [&](const std::string& n) {
            return contains_nocase(renamed_to_, n) ||
                   (command_exists_(n) && !contains_nocase(renamed_away_, n));
        };
        if (!exists(name)) {
            return "No such command in rename-command";
        }
        renamed_away_.push_back(name);
        std::erase_if(renamed_to_, [&](const std::string& x) { return text::iequals(x, name); });
        if (!new_name.empty()) {
            if (exists(new_name)) {
                return "Target command name already exists";
            }
            renamed_to_.push_back(new_name);
        }
    }
    values_.rename_command.push_back({name, new_name});
    return {};
}

// include: a path, or a glob pattern whose matches are read in order (none is not an error).
std::string Config::load_file(const std::string& path, int depth) {
    std::vector<std::string> paths;
    if (path.find_first_of("*?[") != std::string::npos) {
        glob_t g;
        if (glob(path.c_str(), 0, nullptr, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc; ++k) {
                paths.emplace_back(g.gl_pathv[k]);
            }
            globfree(&g);
        }
        if (paths.empty()) {
            return {};
        }
    } else {
        paths.push_back(path);
    }
    std::string content;
    for (const std::string& p : paths) {
        FILE* f = fopen(p.c_str(), "r");
        if (!f) {
            return cant_open(p, errno);
        }
        bool ok = read_all(f, &content);
        int err = errno;
        fclose(f);
        if (!ok) {
            return cant_open(p, err);
        }
    }
    return load_text(content, depth);
}

}  // namespace slotcache::config
