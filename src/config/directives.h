// The directive table: one row per directive, the only place that knows names, aliases, kinds,
// ranges, defaults and flags. config.cpp and rewrite.cpp are generic over these rows.
//
// A row's kind selects how its single argument is parsed, shown and rewritten (Redis' bool,
// numeric with MEMORY/OCTAL flags, enum, string configs); kind Special rows bring their own three
// functions (save, bind, client-output-buffer-limit, replicaof, notify-keyspace-events, dir).
// include and rename-command are not rows: like in Redis they are file-only statements, handled
// by the loader, invisible to CONFIG GET/SET.
// Thread: the table is immutable static data, readable from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace slotcache::config::detail {

enum class Kind : uint8_t { Bool, Int, Memory, Octal, Enum, String, Special };

// Row flags (Redis' *_CONFIG flags of the same meaning).
inline constexpr uint32_t kModifiable = 0;
inline constexpr uint32_t kImmutable = 1u << 0;  // CONFIG SET: "can't set immutable config"
inline constexpr uint32_t kSensitive = 1u << 1;  // value never logged
inline constexpr uint32_t kMultiArg = 1u << 2;   // several arguments (CONFIG SET splits on ' ')
inline constexpr uint32_t kProtected = 1u << 3;  // needs enable-protected-configs yes/local
inline constexpr uint32_t kNeedsHook = 1u << 4;  // settable only once the server registered a hook
inline constexpr uint32_t kEmptyIsNull = 1u << 5;  // string: "" means unset (not rewritten)

struct EnumName {
    std::string_view name;
    int value;
};

// One rewritten line and whether it must be written even where the file has no line for it.
struct RewriteLine {
    std::string text;
    bool force;
};

// Special rows. `append` is true for the second and later occurrence of the directive in one
// config load (save lines accumulate there; CONFIG SET always replaces).
using SpecialSet = std::string (*)(Values& v, const std::vector<std::string>& args, bool append);
using SpecialGet = std::string (*)(const Values& v);
// Appends the lines for the current value; none means "remove the directive's lines".
using SpecialRewrite = void (*)(const Values& v, std::string_view name,
                                std::vector<RewriteLine>* out);

struct Directive {
    std::string_view name;
    std::string_view alias;  // "" when none
    Kind kind;
    uint32_t flags;
    std::string_view def;  // the default as a config argument (documentation and a unit test)
    long long min = 0;
    long long max = 0;
    bool Values::*b = nullptr;
    long long Values::*i = nullptr;
    std::string Values::*s = nullptr;
    std::span<const EnumName> enums = {};
    int (*enum_get)(const Values&) = nullptr;
    void (*enum_set)(Values&, int) = nullptr;
    const char* (*check_int)(long long) = nullptr;          // extra validation, error text or null
    const char* (*check_str)(const std::string&) = nullptr;  // idem
    SpecialSet set = nullptr;
    SpecialGet get = nullptr;
    SpecialRewrite rewrite = nullptr;
};

std::span<const Directive> directives();

// Case-insensitive lookup by name or alias; index into directives() or -1.
int find_directive(std::string_view name);

// Parses `args` into `v` for row `d`. Returns "" or Redis' error text ("argument must be 'yes' or
// 'no'", "argument must be between 0 and 65535 inclusive", ...).
std::string set_value(const Directive& d, Values& v, const std::vector<std::string>& args,
                      bool append);
// The CONFIG GET text of row `d`.
std::string get_value(const Directive& d, const Values& v);
// The CONFIG REWRITE lines of row `d` (name = its canonical name).
void rewrite_value(const Directive& d, const Values& v, std::vector<RewriteLine>* out);

}  // namespace slotcache::config::detail
