// slotcache-benchmark: redis-benchmark's load on one libuv loop (see benchmark.h).
//
// Approach: for each test, -c clients connect; each sends a batch of min(-P, remaining)
// requests, waits for that many replies, records the batch's latency once per reply (as
// redis-benchmark does), and sends the next batch until -n requests were issued. AUTH and
// SELECT go first on every connection and their replies are not counted.
//
// --threads N (N >= 2), as redis-benchmark 7: N threads, each running its own libuv loop with
// the clients i % N == its index (distribute_clients). The loops share only the request counter
// (an atomic, claimed a batch at a time: claim_requests, so a run still issues exactly -n), the
// stop flag and the first fatal message; each loop keeps its own latency samples, error counts,
// read buffer and key generator, merged after the threads are joined. --threads 0 or 1 runs the
// one loop on the main thread, as before.
//
// Rejected: hiredis async (Debian's 0.14 cannot read RESP3 and would add a link dependency for
// a tool that only counts replies); one thread per client (the load generator would then
// measure the scheduler); a shared latency array or histogram under a lock (contention on the
// hot path).
//
// Invariants: a client has at most one write in flight (write_req is reused); its batch buffer
// is rewritten (__rand_int__) only when the previous batch is fully answered, hence fully
// written. Clients are heap objects whose handles are closed before they are freed. A client
// and its handles belong to one loop and are touched by that loop's thread only.
//
// --cluster (bench_cluster.h): client i is bound to master i % masters and writes its master's
// slot tag into its batch; a MOVED or ASK reply re-reads CLUSTER SLOTS (once per wave: a client
// that was tagged before the last reload only re-tags) and the client re-tags before its next
// batch, as redis-benchmark does. Error replies are counted and reported on stderr so that the
// stdout formats stay redis-benchmark's. With threads the slot map (masters, version) is shared:
// a loop reads the atomic version on each batch and takes ClusterRun::mu only to re-tag or
// reload (off the hot path); the CLUSTERDOWN second is slept under it: the other loops wait
// too when they need the map (an error reply or a re-tag), otherwise they keep sending.
//
// Main thread, plus the --threads loops inside run_test().
#include "cli/benchmark.h"

#include <uv.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/bench_cluster.h"
#include "cli/bench_plan.h"
#include "cli/connection.h"
#include "cli/consistency.h"
#include "cli/reply.h"
#include "cli/text.h"
#include "common/random.h"

namespace slotcache::cli {

namespace {

struct Run;

struct Client {
    union {
        uv_tcp_t tcp;
        uv_pipe_t pipe;
    } h;
    uv_connect_t connect_req;
    uv_write_t write_req;
    Run* run = nullptr;
    std::string batch;    // -P copies of the request
    std::string prefix;   // AUTH / SELECT, sent once before the first batch
    size_t skip = 0;      // prefix replies still to discard
    size_t pending = 0;   // replies of the current batch still expected
    uint64_t batch_start_ns = 0;
    int master = -1;            // --cluster: index in Run::cluster->masters
    long long tag_version = -1;  // the slot map version its batch's tag was taken from
    bool writing = false;
    bool send_when_written = false;
    bool closed = false;
    ReplyReader reader;

    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&h); }
    uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&h); }
};

// --cluster's state, kept across tests: redis-benchmark too keeps the slots it re-read.
struct ClusterRun {
    std::vector<BenchMaster> masters;
    std::vector<sockaddr_storage> addrs;  // by master
    BenchConnectOptions auth;
    std::string seed_host;
    std::mutex mu;                      // masters, across the loops (re-tag, reload)
    std::atomic<long long> version{0};  // bumped by each reload of the slot map
};

// One test's state shared by its loops.
struct Shared {
    const BenchOptions* opts = nullptr;
    const BenchTest* test = nullptr;
    ClusterRun* cluster = nullptr;
    bool threaded = false;
    std::atomic<long long> issued{0};
    std::atomic<bool> stop{false};  // a fatal error: every loop closes its clients
    std::atomic<bool> reported_error{false};
    std::mutex mu;       // fatal
    std::string fatal;   // the first connection error: the program stops
};

// One loop's state.
struct Run {
    Shared* shared = nullptr;
    const BenchOptions* opts = nullptr;
    ClusterRun* cluster = nullptr;
    const BenchTest* test = nullptr;
    uv_loop_t* loop = nullptr;
    std::vector<std::unique_ptr<Client>> clients;
    long long finished = 0;
    std::vector<uint32_t> latencies_us;
    long long errors = 0;     // error replies
    long long redirects = 0;  // of which MOVED / ASK
    long long reloads = 0;
    size_t open = 0;
    uint64_t rng = 0;                     // threaded runs: this loop's key generator
    std::vector<char> read_buf = std::vector<char>(64 * 1024);  // serves every read of the loop
};

// __rand_int__'s value: common's generator on the single loop (its state is not thread-safe),
// a per-loop splitmix64 with threads.
uint64_t next_key(Run* run, uint64_t bound) {
    if (!run->shared->threaded) {
        return random_below(bound);
    }
    uint64_t z = (run->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z % bound;
}

void close_client(Client* c);
void send_batch(Client* c);

void on_closed(uv_handle_t* h) {
    Client* c = static_cast<Client*>(h->data);
    c->run->open--;
}

void close_client(Client* c) {
    if (!c->closed) {
        c->closed = true;
        uv_read_stop(c->stream());
        uv_close(c->handle(), on_closed);
    }
}

void abort_run(Run* run, std::string why) {
    {
        std::lock_guard<std::mutex> lock(run->shared->mu);
        if (run->shared->fatal.empty()) {
            run->shared->fatal = std::move(why);
        }
    }
    run->shared->stop.store(true, std::memory_order_relaxed);
    for (auto& c : run->clients) {
        close_client(c.get());
    }
}

void on_written(uv_write_t* req, int status) {
    Client* c = static_cast<Client*>(req->data);
    c->writing = false;
    if (status < 0) {
        abort_run(c->run, std::string("Error writing to socket: ") + uv_strerror(status));
        return;
    }
    if (c->send_when_written) {
        c->send_when_written = false;
        send_batch(c);
    }
}

void write_bytes(Client* c, const char* data, size_t len) {
    uv_buf_t buf = uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(len));
    c->writing = true;
    c->write_req.data = c;
    int rc = uv_write(&c->write_req, c->stream(), &buf, 1, on_written);
    if (rc < 0) {
        c->writing = false;
        abort_run(c->run, std::string("Error writing to socket: ") + uv_strerror(rc));
    }
}

void send_batch(Client* c) {
    Run* run = c->run;
    if (c->writing) {
        c->send_when_written = true;
        return;
    }
    if (run->shared->stop.load(std::memory_order_relaxed)) {
        close_client(c);
        return;
    }
    const size_t n = static_cast<size_t>(
        claim_requests(&run->shared->issued, run->opts->requests, run->opts->pipeline));
    if (n == 0) {
        close_client(c);
        return;
    }
    const size_t one = run->test->wire.size();
    ClusterRun* cl = run->cluster;
    if (cl != nullptr && c->tag_version != cl->version.load(std::memory_order_acquire)) {
        std::unique_lock<std::mutex> lock(cl->mu);
        const BenchMaster& m = cl->masters[static_cast<size_t>(c->master)];
        if (m.slots.empty()) {
            std::string why = "Cluster node " + m.addr() + " serves no slot any more";
            lock.unlock();
            abort_run(run, std::move(why));
            return;
        }
        const std::string& tag = slot_tag(m.slots.front());
        for (size_t k = 0; k < static_cast<size_t>(run->opts->pipeline); k++) {
            for (size_t off : run->test->tag_offsets) {
                std::memcpy(&c->batch[k * one + off], tag.data(), kSlotTagLen);
            }
        }
        c->tag_version = cl->version.load(std::memory_order_relaxed);
    }
    if (run->opts->keyspace > 0) {
        for (size_t k = 0; k < n; k++) {
            for (size_t off : run->test->rand_offsets) {
                write_rand_int(&c->batch[k * one + off],
                               next_key(run, static_cast<uint64_t>(run->opts->keyspace)));
            }
        }
    }
    c->pending = n;
    c->batch_start_ns = uv_hrtime();
    write_bytes(c, c->batch.data(), n * one);
}

// redis-benchmark's answer to an error reply: MOVED / ASK reload the slot map (once for all the
// clients tagged from the same map), CLUSTERDOWN waits a second first; any other error is shown
// once. Every error is counted.
void on_error_reply(Client* c, const std::string& text) {
    Run* run = c->run;
    run->errors++;
    ClusterRun* cl = run->cluster;
    const bool redirect = text.rfind("MOVED ", 0) == 0 || text.rfind("ASK ", 0) == 0;
    const bool down = text.rfind("CLUSTERDOWN", 0) == 0;
    if (cl == nullptr || (!redirect && !down)) {
        if (!run->shared->reported_error.exchange(true)) {
            if (cl != nullptr) {
                std::lock_guard<std::mutex> lock(cl->mu);
                std::fprintf(stderr, "Error from server %s: %s\n",
                             cl->masters[static_cast<size_t>(c->master)].addr().c_str(),
                             text.c_str());
            } else {
                std::fprintf(stderr, "Error from server: %s\n", text.c_str());
            }
        }
        return;
    }
    run->redirects += redirect ? 1 : 0;
    std::unique_lock<std::mutex> lock(cl->mu);
    if (c->tag_version != cl->version.load(std::memory_order_relaxed)) {
        return;  // the map was re-read since this client's batch was tagged
    }
    const BenchMaster from = cl->masters[static_cast<size_t>(c->master)];
    if (down) {
        std::fprintf(stderr, "Error from server %s: %s.\n", from.addr().c_str(), text.c_str());
        // The cluster usually heals within a second; the whole load waits, as redis-benchmark's
        // (other loops only once they need cl->mu: at their next error reply or re-tag).
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    std::string err;
    if (!reload_bench_slots(from, cl->auth, cl->seed_host, &cl->masters, &err)) {
        lock.unlock();
        abort_run(run, err);
        return;
    }
    cl->version.fetch_add(1, std::memory_order_release);
    run->reloads++;
}

void on_reply(Client* c, const Reply& r) {
    Run* run = c->run;
    if (c->skip > 0) {
        c->skip--;
        if (r.is_error()) {
            abort_run(run, "Error from server: " + r.str);
        } else if (c->skip == 0) {
            send_batch(c);
        }
        return;
    }
    if (r.is_error()) {
        on_error_reply(c, r.str);
        if (c->closed) {
            return;  // the reload failed: the run is over
        }
    }
    const uint64_t us = (uv_hrtime() - c->batch_start_ns) / 1000;
    run->latencies_us.push_back(static_cast<uint32_t>(us > UINT32_MAX ? UINT32_MAX : us));
    run->finished++;
    if (--c->pending == 0) {
        send_batch(c);
    }
}

void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    std::vector<char>& b = static_cast<Client*>(h->data)->run->read_buf;
    *buf = uv_buf_init(b.data(), static_cast<unsigned>(b.size()));
}

void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    Client* c = static_cast<Client*>(s->data);
    if (nread < 0) {
        const int err = static_cast<int>(nread);
        abort_run(c->run, err == UV_EOF ? std::string("Server closed the connection")
                                        : std::string("Error: ") + std::strerror(-err));
        return;
    }
    if (c->run->shared->stop.load(std::memory_order_relaxed)) {
        close_client(c);  // another loop failed
        return;
    }
    c->reader.feed(buf->base, static_cast<size_t>(nread));
    for (;;) {
        ReadStatus st = c->reader.next();
        if (st == ReadStatus::NeedMore || c->closed) {
            return;
        }
        if (st == ReadStatus::Error) {
            abort_run(c->run, "Error: " + c->reader.error());
            return;
        }
        on_reply(c, c->reader.take());
    }
}

void on_connected(uv_connect_t* req, int status) {
    Client* c = static_cast<Client*>(req->data);
    Run* run = c->run;
    if (status < 0) {
        const BenchOptions& o = *run->opts;
        const std::string where =
            run->cluster != nullptr
                ? run->cluster->masters[static_cast<size_t>(c->master)].addr()
                : (o.socket.empty() ? o.host + ":" + std::to_string(o.port) : o.socket);
        abort_run(run, "Could not connect to Redis at " + where + ": " +
                           std::strerror(-status));  // libc's wording, as redis-cli
        return;
    }
    if (c->closed) {
        return;
    }
    if (run->shared->stop.load(std::memory_order_relaxed)) {
        close_client(c);
        return;
    }
    uv_read_start(c->stream(), on_alloc, on_read);
    if (c->skip > 0) {
        write_bytes(c, c->prefix.data(), c->prefix.size());
    } else {
        send_batch(c);
    }
}

bool start_client(Run* run, const sockaddr_storage* addr, std::unique_ptr<Client> c) {
    Client* raw = c.get();
    raw->run = run;
    raw->connect_req.data = raw;
    int rc;
    if (run->opts->socket.empty() || run->cluster != nullptr) {  // -s names no cluster node
        uv_tcp_init(run->loop, &raw->h.tcp);
        uv_tcp_nodelay(&raw->h.tcp, 1);
        rc = uv_tcp_connect(&raw->connect_req, &raw->h.tcp,
                            reinterpret_cast<const sockaddr*>(addr), on_connected);
    } else {
        uv_pipe_init(run->loop, &raw->h.pipe, 0);
        uv_pipe_connect(&raw->connect_req, &raw->h.pipe, run->opts->socket.c_str(),
                        on_connected);
        rc = 0;
    }
    raw->handle()->data = raw;
    run->open++;
    run->clients.push_back(std::move(c));
    if (rc < 0) {
        abort_run(run, std::string("Could not connect: ") + uv_strerror(rc));
        return false;
    }
    return true;
}

std::string connection_prefix(const BenchOptions& o, size_t* count) {
    std::string prefix;
    *count = 0;
    if (o.has_pass) {
        std::vector<std::string> auth = {"AUTH"};
        if (!o.user.empty()) {
            auth.push_back(o.user);
        }
        auth.push_back(o.pass);
        encode_command(auth, &prefix);
        (*count)++;
    }
    if (o.dbnum != 0) {
        encode_command({"SELECT", std::to_string(o.dbnum)}, &prefix);
        (*count)++;
    }
    return prefix;
}

struct TestResult {
    double seconds = 0;
    long long finished = 0;
    long long errors = 0;
    long long redirects = 0;
    long long reloads = 0;
    int threads = 1;  // loops the test ran on
    std::vector<uint32_t> latencies_us;
};

// One loop: connects the clients `ids` (indices in 0..-c) and runs until they are all closed.
void run_loop(Run* run, const std::vector<int>& ids, const sockaddr_storage* addr,
              const std::string& prefix, size_t skip, const std::string& batch) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    run->loop = &loop;
    for (int i : ids) {
        auto c = std::make_unique<Client>();
        c->batch = batch;
        c->prefix = prefix;
        c->skip = skip;
        const sockaddr_storage* to = addr;
        if (run->cluster != nullptr) {
            c->master = i % static_cast<int>(run->cluster->masters.size());
            to = &run->cluster->addrs[static_cast<size_t>(c->master)];
        }
        if (!start_client(run, to, std::move(c))) {
            break;
        }
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    run->loop = nullptr;
}

bool run_test(const BenchOptions& o, const BenchTest& t, const sockaddr_storage* addr,
              ClusterRun* cluster, TestResult* out, std::string* err) {
    const std::vector<std::vector<int>> groups = distribute_clients(o.clients, bench_threads(o));
    Shared shared;
    shared.opts = &o;
    shared.test = &t;
    shared.cluster = cluster;
    shared.threaded = groups.size() > 1;
    std::vector<std::unique_ptr<Run>> runs;
    for (size_t i = 0; i < groups.size(); i++) {
        auto run = std::make_unique<Run>();
        run->shared = &shared;
        run->opts = &o;
        run->test = &t;
        run->cluster = cluster;
        run->rng = os_random_u64();
        const long long share = o.requests / static_cast<long long>(groups.size());
        run->latencies_us.reserve(static_cast<size_t>(share + o.pipeline));
        runs.push_back(std::move(run));
    }
    size_t skip = 0;
    const std::string prefix = connection_prefix(o, &skip);
    std::string batch;
    for (int k = 0; k < o.pipeline; k++) {
        batch += t.wire;
    }
    const uint64_t start = uv_hrtime();
    if (runs.size() == 1) {
        run_loop(runs[0].get(), groups[0], addr, prefix, skip, batch);
    } else {
        std::vector<std::thread> threads;
        threads.reserve(runs.size());
        for (size_t i = 0; i < runs.size(); i++) {
            threads.emplace_back(run_loop, runs[i].get(), std::cref(groups[i]), addr,
                                 std::cref(prefix), skip, std::cref(batch));
        }
        for (std::thread& th : threads) {
            th.join();
        }
    }
    out->seconds = static_cast<double>(uv_hrtime() - start) / 1e9;
    std::vector<std::vector<uint32_t>> parts;
    for (auto& run : runs) {
        out->finished += run->finished;
        out->errors += run->errors;
        out->redirects += run->redirects;
        out->reloads += run->reloads;
        parts.push_back(std::move(run->latencies_us));
    }
    out->latencies_us = merge_latencies(&parts);
    out->threads = static_cast<int>(runs.size());
    *err = shared.fatal;
    return shared.fatal.empty();
}

// CONFIG GET name's value, for the report header; empty when the server does not say.
std::string config_value(Connection* conn, const char* name) {
    Reply r;
    if (conn == nullptr || !conn->call({"CONFIG", "GET", name}, &r) || r.elements.size() < 2) {
        return std::string();
    }
    return r.elements[1].str;
}

void print_host_config(const ClusterRun* cluster, const std::string& save,
                       const std::string& aof) {
    if (cluster == nullptr) {
        std::printf("  host configuration \"save\": %s\n", save.c_str());
        std::printf("  host configuration \"appendonly\": %s\n", aof.c_str());
        return;
    }
    std::printf("  cluster mode: yes (%zu masters)\n", cluster->masters.size());
    for (size_t i = 0; i < cluster->masters.size(); i++) {
        const BenchMaster& m = cluster->masters[i];
        if (!m.has_config) {
            continue;
        }
        std::printf("  node [%zu] configuration:\n", i);
        std::printf("    save: %s\n", m.save.empty() ? "NONE" : m.save.c_str());
        std::printf("    appendonly: %s\n", m.appendonly.c_str());
    }
}

void print_report(const BenchOptions& o, const BenchTest& t, const TestResult& res,
                  const ClusterRun* cluster, const std::string& save, const std::string& aof,
                  LatencyStats s) {
    const double rps = res.seconds > 0 ? static_cast<double>(res.finished) / res.seconds : 0;
    if (o.csv) {
        std::fputs(csv_line(t.name, rps, s).c_str(), stdout);
        return;
    }
    if (o.quiet) {
        std::fputs(quiet_line(t.name, rps, s).c_str(), stdout);
        return;
    }
    std::printf("====== %s ======\n", t.name.c_str());
    std::printf("  %lld requests completed in %.2f seconds\n", res.finished, res.seconds);
    std::printf("  %d parallel clients\n", o.clients);
    std::printf("  %d bytes payload\n", o.datasize);
    std::printf("  keep alive: 1\n");
    print_host_config(cluster, save, aof);
    if (res.threads > 1) {
        std::printf("  multi-thread: yes\n");
        std::printf("  threads: %d\n\n", res.threads);
    } else {
        std::printf("  multi-thread: no\n\n");
    }
    std::printf("Latency by percentile distribution:\n%s\n",
                percentile_distribution(res.latencies_us).c_str());
    std::printf("Summary:\n");
    std::printf("  throughput summary: %.2f requests per second\n", rps);
    std::printf("  latency summary (msec):\n");
    std::printf("          avg       min       p50       p95       p99       max\n");
    std::printf("    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n\n", s.avg_ms, s.min_ms, s.p50_ms,
                s.p95_ms, s.p99_ms, s.max_ms);
}

bool resolve_host(const std::string& host, int port, sockaddr_storage* addr) {
    std::memset(addr, 0, sizeof(*addr));
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(addr)) == 0 ||
        uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(addr)) == 0) {
        return true;
    }
    uv_getaddrinfo_t req;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const std::string service = std::to_string(port);
    if (uv_getaddrinfo(uv_default_loop(), &req, nullptr, host.c_str(), service.c_str(), &hints) !=
            0 ||
        req.addrinfo == nullptr) {
        return false;
    }
    std::memcpy(addr, req.addrinfo->ai_addr, req.addrinfo->ai_addrlen);
    uv_freeaddrinfo(req.addrinfo);
    return true;
}

bool resolve(const BenchOptions& o, sockaddr_storage* addr) {
    if (!o.socket.empty()) {
        std::memset(addr, 0, sizeof(*addr));
        return true;
    }
    return resolve_host(o.host, o.port, addr);
}

// --cluster's start: the masters from the seed, the banner, each master's address (and its
// configuration for the full report). False after printing why.
bool start_cluster(const BenchOptions& o, ClusterRun* cl) {
    cl->auth.user = o.user;
    cl->auth.pass = o.pass;
    cl->auth.has_pass = o.has_pass;
    cl->seed_host = o.host;
    std::string err;
    if (!fetch_bench_masters(o.host, o.port, cl->auth, &cl->masters, &err)) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return false;
    }
    std::fputs(cluster_banner(cl->masters).c_str(), stdout);
    cl->addrs.resize(cl->masters.size());
    for (size_t i = 0; i < cl->masters.size(); i++) {
        if (!resolve_host(cl->masters[i].host, cl->masters[i].port, &cl->addrs[i])) {
            std::fprintf(stderr, "Could not resolve %s\n", cl->masters[i].host.c_str());
            return false;
        }
    }
    if (!o.quiet && !o.csv) {
        fetch_bench_configs(cl->auth, &cl->masters);
    }
    return true;
}

}  // namespace

int benchmark_main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (const std::string& a : args) {
        if (a == "--consistency") {
            return consistency_main(args);
        }
    }
    BenchParse parsed = parse_bench_options(args);
    switch (parsed.action) {
        case BenchAction::Help:
            std::fputs(bench_usage().c_str(), stdout);
            return 0;
        case BenchAction::Version:
            std::printf("slotcache-benchmark %s\n", "0.1.0");
            return 0;
        case BenchAction::Error:
            std::printf("%s\n\n%s", parsed.error.c_str(), bench_usage().c_str());
            return 1;
        case BenchAction::Run: break;
    }
    const BenchOptions& o = parsed.options;
    sockaddr_storage addr;
    if (!resolve(o, &addr)) {
        std::fprintf(stderr, "Could not resolve %s\n", o.host.c_str());
        return 1;
    }
    ClusterRun cluster;
    if (o.cluster && !start_cluster(o, &cluster)) {
        return 1;
    }
    ClusterRun* cl = o.cluster ? &cluster : nullptr;
    std::string save;
    std::string aof;
    if (!o.quiet && !o.csv && !o.cluster) {
        std::string err;
        std::unique_ptr<Connection> conn =
            o.socket.empty() ? Connection::connect_tcp(o.host, o.port, &err)
                             : Connection::connect_unix(o.socket, &err);
        Reply r;
        if (conn && o.has_pass) {
            std::vector<std::string> auth = {"AUTH"};
            if (!o.user.empty()) {
                auth.push_back(o.user);
            }
            auth.push_back(o.pass);
            (void)conn->call(auth, &r);
        }
        save = config_value(conn.get(), "save");
        aof = config_value(conn.get(), "appendonly");
    }
    if (o.csv) {
        std::fputs(csv_header().c_str(), stdout);
    }
    for (const BenchTest& t : plan_tests(o)) {
        TestResult res;
        std::string err;
        if (!run_test(o, t, &addr, cl, &res, &err)) {
            std::fflush(stdout);
            std::fprintf(stderr, "%s\n", err.c_str());
            return 1;
        }
        LatencyStats s = summarise(&res.latencies_us);
        print_report(o, t, res, cl, save, aof, s);
        std::fflush(stdout);
        if (res.errors > 0) {
            std::fprintf(stderr,
                         "%s: %lld error replies (%lld MOVED/ASK, slot map reloaded %lld times)\n",
                         t.name.c_str(), res.errors, res.redirects, res.reloads);
        }
    }
    return 0;
}

}  // namespace slotcache::cli
