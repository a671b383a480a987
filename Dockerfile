# slotcache in a container: Debian 12 slim, the runtime libraries (libuv, jemalloc) and the one
# binary (slotcache-cli and slotcache-benchmark are symlinks to it, as in src/).
#
#   docker build -t slotcache .
#   docker run --rm -p 6379:6379 slotcache                      # a standalone cache
#   docker run --rm --net=host -e SLOTCACHE_PORT=7000 slotcache \
#       --dir /data --bind 0.0.0.0 --port 7000 --cluster-enabled yes   # a cluster node
#   docker run --rm slotcache /etc/slotcache/cluster.conf --port 7000  # a config file first
#
# Arguments after the image name replace the default ones (CMD below), as with redis-server;
# a config file must come first. SLOTCACHE_PORT tells the health check which port to ask.
#
# Two stages: the first builds with Debian's compilers and -dev packages, the second copies
# only the binary. `make -o deps` skips deps/install.sh, which would also install the test
# peers (redis-server, redis-tools, python3-redis); the build needs only the packages below.
#
# Cluster nodes must reach each other on port + 10000 (the cluster bus) and clients must reach
# every node at the address it announces: with Docker's default bridge network and port
# mapping a node announces its container address, so use --net=host, or set
# cluster-announce-ip / cluster-announce-port / cluster-announce-bus-port to the published
# address and ports (README.md, "Docker and NAT").

FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make pkg-config libuv1-dev libxxhash-dev \
        libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Makefile ./
COPY src ./src
RUN make -o deps -j"$(nproc)" all && strip src/slotcache-server

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1 libjemalloc2 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --home-dir /data --shell /usr/sbin/nologin slotcache \
 && mkdir -p /data /etc/slotcache \
 && chown slotcache:slotcache /data
COPY --from=build /build/src/slotcache-server /usr/local/bin/slotcache-server
RUN ln -s slotcache-server /usr/local/bin/slotcache-cli \
 && ln -s slotcache-server /usr/local/bin/slotcache-benchmark
COPY conf/slotcache.conf conf/cluster.conf /etc/slotcache/
USER slotcache
WORKDIR /data
ENV SLOTCACHE_PORT=6379
EXPOSE 6379 16379
HEALTHCHECK --interval=10s --timeout=3s CMD slotcache-cli -p "$SLOTCACHE_PORT" ping | grep -q PONG
ENTRYPOINT ["slotcache-server"]
# Every interface, protected mode off: what a published port needs. Set requirepass (or keep
# the port private) before exposing it beyond the host.
CMD ["--dir", "/data", "--bind", "0.0.0.0", "-::", "--protected-mode", "no"]
