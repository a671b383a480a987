// The prompt's line editor (see line_edit.h).
#include "cli/line_edit.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace slotcache::cli {

namespace {

constexpr size_t kMaxHistory = 100;  // linenoise's default history length

void write_all(std::string_view s) {
    while (!s.empty()) {
        const ssize_t n = write(STDOUT_FILENO, s.data(), s.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        s.remove_prefix(static_cast<size_t>(n));
    }
}

// One byte of input; -1 at end of input or on an error.
int read_byte() {
    unsigned char c;
    for (;;) {
        const ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n == 1) {
            return c;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return -1;
    }
}

// Restores the saved terminal settings when the line is done, whatever ended it.
class RawMode {
public:
    RawMode() {
        if (tcgetattr(STDIN_FILENO, &saved_) != 0) {
            return;
        }
        termios raw = saved_;
        raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
        raw.c_oflag &= ~static_cast<tcflag_t>(OPOST);
        raw.c_cflag |= CS8;
        raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        // TCSANOW, not linenoise's TCSAFLUSH: lines typed ahead while a command ran are kept.
        active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    ~RawMode() {
        if (active_) {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
        }
    }
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    termios saved_{};
    bool active_ = false;
};

struct EditState {
    const std::string& prompt;
    std::string buf;
    size_t pos = 0;

    void refresh() const {
        std::string out = "\r" + prompt + buf + "\x1b[0K\r";
        const size_t col = prompt.size() + pos;
        if (col > 0) {
            out += "\x1b[" + std::to_string(col) + "C";
        }
        write_all(out);
    }
    void insert(char c) {
        buf.insert(pos, 1, c);
        pos++;
    }
    // The start of the UTF-8 character before pos.
    size_t prev_char(size_t p) const {
        while (p > 0) {
            p--;
            if ((static_cast<unsigned char>(buf[p]) & 0xC0) != 0x80) {
                break;
            }
        }
        return p;
    }
    size_t next_char(size_t p) const {
        while (p < buf.size()) {
            p++;
            if (p == buf.size() || (static_cast<unsigned char>(buf[p]) & 0xC0) != 0x80) {
                break;
            }
        }
        return p;
    }
    void backspace() {
        const size_t from = prev_char(pos);
        buf.erase(from, pos - from);
        pos = from;
    }
    void delete_word() {
        size_t p = pos;
        while (p > 0 && buf[p - 1] == ' ') {
            p--;
        }
        while (p > 0 && buf[p - 1] != ' ') {
            p--;
        }
        buf.erase(p, pos - p);
        pos = p;
    }
};

enum class Key : uint8_t { None, Up, Down, Left, Right, Home, End, Delete };

// The rest of an escape sequence after ESC: "[A" / "OA" arrows, "[H" "[F" "[1~" "[4~" Home/End,
// "[3~" Delete. Unknown sequences are ignored.
Key read_escape() {
    const int a = read_byte();
    const int b = read_byte();
    if (a == '[' && b >= '0' && b <= '9') {
        const int c = read_byte();
        if (c != '~') {
            return Key::None;
        }
        switch (b) {
            case '1':
            case '7': return Key::Home;
            case '4':
            case '8': return Key::End;
            case '3': return Key::Delete;
            default: return Key::None;
        }
    }
    if (a != '[' && a != 'O') {
        return Key::None;
    }
    switch (b) {
        case 'A': return Key::Up;
        case 'B': return Key::Down;
        case 'C': return Key::Right;
        case 'D': return Key::Left;
        case 'H': return Key::Home;
        case 'F': return Key::End;
        default: return Key::None;
    }
}

}  // namespace

bool line_edit_supported() {
    if (isatty(STDIN_FILENO) == 0) {
        return false;
    }
    const char* term = std::getenv("TERM");
    if (term == nullptr) {
        return true;
    }
    for (const char* bad : {"dumb", "cons25", "emacs"}) {
        if (strcasecmp(term, bad) == 0) {
            return false;
        }
    }
    return true;
}

void LineEditor::add_history(const std::string& line) {
    if (line.empty() || (!history_.empty() && history_.back() == line)) {
        return;
    }
    if (history_.size() == kMaxHistory) {
        history_.erase(history_.begin());
    }
    history_.push_back(line);
}

std::optional<std::string> LineEditor::read_line(const std::string& prompt) {
    RawMode raw;
    EditState st{prompt, std::string(), 0};
    // Browsing: entries [0, size) are the history, entry size is the line being typed.
    std::vector<std::string> entries = history_;
    entries.emplace_back();
    size_t index = history_.size();
    write_all(prompt);
    for (;;) {
        const int c = read_byte();
        Key key = Key::None;
        switch (c) {
            case -1: write_all("\r\n"); return std::nullopt;
            case '\r':
            case '\n': write_all("\r\n"); return st.buf;
            case 3: write_all("^C\r\n"); return std::nullopt;  // Ctrl-C: linenoise ends the read
            case 4:  // Ctrl-D: end of input on an empty line, delete otherwise
                if (st.buf.empty()) {
                    write_all("\r\n");
                    return std::nullopt;
                }
                key = Key::Delete;
                break;
            case 127:
            case 8: st.backspace(); break;
            case 1: key = Key::Home; break;
            case 5: key = Key::End; break;
            case 2: key = Key::Left; break;
            case 6: key = Key::Right; break;
            case 16: key = Key::Up; break;    // Ctrl-P
            case 14: key = Key::Down; break;  // Ctrl-N
            case 21:  // Ctrl-U
                st.buf.erase(0, st.pos);
                st.pos = 0;
                break;
            case 11: st.buf.erase(st.pos); break;  // Ctrl-K
            case 23: st.delete_word(); break;      // Ctrl-W
            case 27: key = read_escape(); break;
            default:
                if (c >= 32) {
                    st.insert(static_cast<char>(c));
                }
                break;
        }
        switch (key) {
            case Key::Up:
            case Key::Down:
                if ((key == Key::Up && index > 0) ||
                    (key == Key::Down && index + 1 < entries.size())) {
                    entries[index] = st.buf;  // keeps an edit of a recalled line while browsing
                    index = key == Key::Up ? index - 1 : index + 1;
                    st.buf = entries[index];
                    st.pos = st.buf.size();
                }
                break;
            case Key::Left: st.pos = st.prev_char(st.pos); break;
            case Key::Right: st.pos = st.next_char(st.pos); break;
            case Key::Home: st.pos = 0; break;
            case Key::End: st.pos = st.buf.size(); break;
            case Key::Delete: st.buf.erase(st.pos, st.next_char(st.pos) - st.pos); break;
            case Key::None: break;
        }
        st.refresh();
    }
}

}  // namespace slotcache::cli
