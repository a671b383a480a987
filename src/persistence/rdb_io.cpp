// Sinks and sources for the RDB codec (see rdb_io.h).
#include "persistence/rdb_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace slotcache::persistence {

bool StringSink::write(const void* p, size_t n) {
    out_->append(static_cast<const char*>(p), n);
    return true;
}

bool FdSink::write(const void* p, size_t n) {
    if (errno_ != 0) {
        return false;
    }
    auto src = static_cast<const char*>(p);
    if (used_ + n > kBufSize) {
        if (!flush()) {
            return false;
        }
        if (n >= kBufSize) {
            // Large writes bypass the buffer (flush() emptied it).
            while (n > 0) {
                ssize_t w = ::write(fd_, src, n);
                if (w < 0) {
                    if (errno == EINTR) {
                        continue;
                    }
                    errno_ = errno;
                    return false;
                }
                src += w;
                n -= static_cast<size_t>(w);
                written_ += static_cast<uint64_t>(w);
            }
            return true;
        }
    }
    std::memcpy(buf_ + used_, src, n);
    used_ += n;
    return true;
}

bool FdSink::flush() {
    size_t off = 0;
    while (off < used_) {
        ssize_t w = ::write(fd_, buf_ + off, used_ - off);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            errno_ = errno;
            return false;
        }
        off += static_cast<size_t>(w);
        written_ += static_cast<uint64_t>(w);
    }
    used_ = 0;
    return errno_ == 0;
}

bool BufferSource::read(void* dst, size_t n) {
    if (n > data_.size() - pos_) {
        return false;
    }
    std::memcpy(dst, data_.data() + pos_, n);
    pos_ += n;
    return true;
}

FileSource::~FileSource() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool FileSource::open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
        return false;
    }
    struct stat st;
    if (fstat(fd_, &st) != 0) {
        return false;
    }
    size_ = static_cast<uint64_t>(st.st_size);
    return true;
}

bool FileSource::fill() {
    buf_pos_ = 0;
    buf_len_ = 0;
    for (;;) {
        ssize_t r = ::read(fd_, buf_, kBufSize);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        buf_len_ = static_cast<size_t>(r);
        return true;
    }
}

bool FileSource::read(void* dst, size_t n) {
    if (n > remaining()) {
        return false;
    }
    auto out = static_cast<char*>(dst);
    while (n > 0) {
        if (buf_pos_ == buf_len_ && !fill()) {
            return false;
        }
        size_t k = buf_len_ - buf_pos_ < n ? buf_len_ - buf_pos_ : n;
        std::memcpy(out, buf_ + buf_pos_, k);
        buf_pos_ += k;
        out += k;
        n -= k;
        pos_ += k;
    }
    return true;
}

}  // namespace slotcache::persistence
