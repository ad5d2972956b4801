# Crosswalk gateway image: compilers (and Node.js, which generates the embedded
# JSON-LD contexts from pinned npm packages) only in the build stage; the
# runtime runs as an unprivileged user with the data dir as a volume.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake pkg-config \
      libmicrohttpd-dev libcjson-dev libsqlite3-dev libssl-dev libarchive-dev \
      libcurl4-openssl-dev zlib1g-dev libpcre2-dev libsodium-dev libxml2-dev libpq-dev \
      ca-certificates \
      nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY tools/node/package.json tools/node/package-lock.json ./tools/node/
RUN cd tools/node && npm ci --no-audit --no-fund --loglevel=error
COPY tools/node/gen-contexts.mjs ./tools/node/
COPY CMakeLists.txt ./
COPY cmake ./cmake
COPY gateway ./gateway
COPY schemas ./schemas
COPY mappings ./mappings
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build /build -j"$(nproc)" \
 && strip /build/crosswalk

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmicrohttpd12 libcjson1 \
      libsqlite3-0 libssl3 libarchive13 libcurl4 libpcre2-8-0 libsodium23 libxml2 \
      libpq5 \
      curl ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system crosswalk \
 && useradd --system --gid crosswalk --home-dir /var/lib/crosswalk crosswalk \
 && install -d -o crosswalk -g crosswalk -m 0700 /var/lib/crosswalk
COPY --from=build /build/crosswalk /usr/local/bin/crosswalk
COPY packaging/docker-entrypoint.sh /usr/local/bin/crosswalk-entrypoint
USER crosswalk
ENV CROSSWALK_DATA_DIR=/var/lib/crosswalk \
    CROSSWALK_LISTEN=0.0.0.0:8080
VOLUME ["/var/lib/crosswalk"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["crosswalk-entrypoint"]
CMD ["serve"]
