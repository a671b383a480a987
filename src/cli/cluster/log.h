// The cluster manager's terminal I/O: redis-cli's coloured log lines (">>> ..." bold, "[OK]"
// green, "[WARNING]" yellow, "[ERR]" red), its yes/no confirmations, and the line prompts of an
// interactive reshard.
//
// Colours follow redis-cli's isColorTerm(): on when $TERM contains "xterm", whether or not
// stdout is a terminal (scripts that grep the output see the same bytes as with redis-cli).
// Input is read with read(2) on fd 0, as redis-cli does, so that a "yes" piped in is consumed
// exactly. Unlike redis-cli, which loops forever re-asking when stdin is at end of file, a
// prompt returns false then and the command stops.
//
// Main thread; writes to stdout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace slotcache::cli::cluster {

// printf-like; the text carries its own newlines, as in redis-cli (the colour is reset after
// the text, so a line may be built from several calls).
void log_info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));  // bold
void log_warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));  // yellow
void log_err(const char* fmt, ...) __attribute__((format(printf, 1, 2)));   // red
void log_ok(const char* fmt, ...) __attribute__((format(printf, 1, 2)));    // green

// Prints prompt as given and reads 4 bytes: true when they start with "yes".
bool ask_yes(const char* prompt);

// Prints "<msg> (type 'yes' to accept): " and reads the answer. True at once, without asking,
// when assume_yes (--cluster-yes) is set and the question may be skipped (redis-cli asks the
// questions of `fix` even with --cluster-yes).
bool confirm_with_yes(const char* msg, bool assume_yes, bool may_skip = true);

// Prints prompt and reads one line of at most max bytes (the rest of a longer line is
// discarded, as redis-cli does), without its newline. False at end of input or on an error.
bool prompt_line(const char* prompt, size_t max, std::string* out);

}  // namespace slotcache::cli::cluster
