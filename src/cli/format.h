// Reply printing, byte for byte as redis-cli 7 prints (redis-cli.c cliFormatReplyTTY,
// cliFormatReplyRaw, cliFormatReplyCSV). Users and scripts parse this output, so the forms,
// the index padding of nested arrays and the "key => value" maps are reproduced exactly.
//
// Pure functions, any thread.
#pragma once

#include <string>

#include "cli/reply.h"

namespace slotcache::cli {

enum class OutputMode : uint8_t {
    Standard,  // human form: the default when stdout is a tty, or --no-raw
    Raw,       // the default when stdout is not a tty, or --raw
    Csv,       // --csv
};

// The human form: `"value"`, `(integer) 1`, `(nil)`, `(error) ERR ...`, `1) "a"` with nested
// arrays indented under their index, `1# "key" => "value"` for maps, `1~ ` for sets. Every line
// ends with "\n". prefix is the indentation of the enclosing aggregate ("" at the top).
std::string format_tty(const Reply& r, const std::string& prefix = "");

// The raw form: values as they are, aggregate elements separated by mb_delim (-d, "\n" by
// default), map entries as "key value", nil as nothing, errors followed by "\n".
std::string format_raw(const Reply& r, const std::string& mb_delim = "\n");

// The CSV form: strings quoted as sdscatrepr does, elements separated by ",".
std::string format_csv(const Reply& r);

// What redis-cli writes for one reply in mode: TTY form; raw form + cmd_delim (-D); CSV + "\n".
// verbatim (INFO, CLIENT LIST, CLUSTER NODES ...) prints the raw form without a delimiter in
// every mode, so multi-line text stays readable.
std::string format_reply(const Reply& r, OutputMode mode, bool verbatim,
                         const std::string& mb_delim = "\n", const std::string& cmd_delim = "\n");

// RESP3 client-side caching invalidation push, as redis-cli shows it on a tty:
// "-> invalidate: 'k1', 'k2'". Returns false when r is not such a push.
bool format_invalidate(const Reply& r, std::string* out);

// Whether a command's reply is shown verbatim (redis-cli's output_raw list: INFO, LOLWUT,
// CLUSTER NODES/INFO, CLIENT LIST/INFO, MEMORY DOCTOR/MALLOC-STATS, LATENCY DOCTOR/GRAPH, ...).
bool is_verbatim_command(const std::vector<std::string>& argv);

}  // namespace slotcache::cli
