// The interactive prompt's line input on a terminal: the line is edited in raw mode (typing,
// backspace, left/right, Home/End, Ctrl-A/E/U/K/W) and up/down recall the lines entered earlier
// in the session, as linenoise does for redis-cli.
//
// Approach: linenoise's single-line mode, reduced to what the prompt needs: raw mode only while
// a line is read (command output runs in the terminal's normal mode), the whole line redrawn
// after each key ("\r", prompt, text, erase to end of line, cursor column). History lives for
// the session only (no ~/.rediscli_history); a line equal to the previous entry is not added.
// Terminals linenoise does not drive ("dumb", "cons25", "emacs") and a stdin that is not a
// terminal keep the plain reading (cli.cpp), so scripts and pipes see no escape sequences.
// Rejected: linenoise or readline as a library (not packaged for Debian / a GPL dependency for a
// client tool), multi-line editing, completion and hints (not needed for history).
//
// Invariants: the terminal's settings are restored before read_line returns, whatever ended the
// line. Main thread; blocking reads on stdin.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace slotcache::cli {

// True when stdin is a terminal whose $TERM the line editor can drive.
bool line_edit_supported();

class LineEditor {
public:
    // Shows prompt and reads one line with editing and history. nullopt at Ctrl-D on an empty
    // line, Ctrl-C, end of input or a read error (the REPL then ends, as redis-cli's does).
    std::optional<std::string> read_line(const std::string& prompt);
    // Adds a line entered by the user (empty lines and repeats of the last entry are skipped).
    void add_history(const std::string& line);

    const std::vector<std::string>& history() const { return history_; }

private:
    std::vector<std::string> history_;
};

}  // namespace slotcache::cli
