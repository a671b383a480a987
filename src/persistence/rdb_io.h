// Byte sinks and sources for the RDB codec, so that one writer and one reader serve a file
// (SAVE, BGSAVE, loading at start-up), a socket (a replica's full sync, from a forked child)
// and a memory buffer (DUMP / RESTORE payloads, tests, the fuzzer).
//
// Sinks and sources do blocking I/O: they run in a forked child, at start-up, or over memory,
// never on the loop thread against a socket the loop also polls.
//
// Rejected: iostreams (exceptions, locale machinery, no fsync) and a templated codec per
// medium (one virtual call per buffered chunk is noise next to the syscalls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotcache::persistence {

class Sink {
public:
    virtual ~Sink() = default;
    // Writes all n bytes; false on an I/O error (the caller abandons the snapshot).
    virtual bool write(const void* p, size_t n) = 0;
    // Pushes buffered bytes to the medium.
    virtual bool flush() { return true; }
};

// Appends to a string the caller owns (must outlive the sink).
class StringSink final : public Sink {
public:
    explicit StringSink(std::string* out) : out_(out) {}
    bool write(const void* p, size_t n) override;

private:
    std::string* out_;
};

// Writes to a file descriptor the caller owns (a file or a blocking socket), through a 64 KiB
// buffer; EINTR and short writes are retried.
class FdSink final : public Sink {
public:
    explicit FdSink(int fd) : fd_(fd) {}
    ~FdSink() override = default;
    FdSink(const FdSink&) = delete;
    FdSink& operator=(const FdSink&) = delete;
    bool write(const void* p, size_t n) override;
    bool flush() override;
    // errno of the first failure, 0 when none.
    int error() const { return errno_; }
    uint64_t bytes_written() const { return written_; }

private:
    static constexpr size_t kBufSize = 64 * 1024;
    int fd_;
    int errno_ = 0;
    size_t used_ = 0;
    uint64_t written_ = 0;
    char buf_[kBufSize];
};

class Source {
public:
    virtual ~Source() = default;
    // Reads exactly n bytes into dst; false when fewer remain or on an I/O error.
    virtual bool read(void* dst, size_t n) = 0;
    // Bytes left; the reader checks every length it meets against it before allocating.
    virtual uint64_t remaining() const = 0;
    // Bytes consumed so far (error messages name this offset).
    virtual uint64_t offset() const = 0;
};

// Reads a buffer the caller owns (must outlive the source).
class BufferSource final : public Source {
public:
    explicit BufferSource(std::string_view data) : data_(data) {}
    bool read(void* dst, size_t n) override;
    uint64_t remaining() const override { return data_.size() - pos_; }
    uint64_t offset() const override { return pos_; }

private:
    std::string_view data_;
    size_t pos_ = 0;
};

// Reads a regular file through a 64 KiB buffer; remaining() comes from its size at open.
class FileSource final : public Source {
public:
    FileSource() = default;
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    // Opens path. False with errno set (ENOENT: no file) on failure.
    bool open(const std::string& path);
    bool read(void* dst, size_t n) override;
    uint64_t remaining() const override { return size_ - pos_; }
    uint64_t offset() const override { return pos_; }

private:
    bool fill();
    static constexpr size_t kBufSize = 64 * 1024;
    int fd_ = -1;
    uint64_t size_ = 0;
    uint64_t pos_ = 0;
    size_t buf_pos_ = 0;
    size_t buf_len_ = 0;
    char buf_[kBufSize];
};

}  // namespace slotcache::persistence
