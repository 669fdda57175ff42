# syntax=docker/dockerfile:1
# kiada-autoscaler: one image for every role; APP_ROLE picks it (api, operator, all, migrate).
#
#   docker build -t kiada-autoscaler:0.1.0 .
#   kind load docker-image kiada-autoscaler:0.1.0        # then: helm install (see README)
#   docker run --rm -p 3000:3000 -e SESSION_SECRET=$(openssl rand -hex 32) kiada-autoscaler:0.1.0
#
# Without Docker: buildah bud --format docker -t kiada-autoscaler:0.1.0 . (README, "The image").
#
# Base: a maintained Node.js LTS (22 or 24; Node 20 is past its end of life). The code also
# runs on Node 20.19+, which the test suite uses (package.json "engines"). Any image with
# the official Node image's layout works (node and npm on PATH, a `node` user with uid 1000,
# Debian's apt-get for the build tools): test/image/check.sh builds on one made from Debian's
# packages.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- toolchain: native add-ons (better-sqlite3) are compiled by node-gyp when no prebuilt
# binary fits ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# --- dependencies: every dependency, from the lockfile only (cached until it changes) -------
FROM toolchain AS dependencies
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# --- build: everything `npm run build` builds into dist/ and vendor/ --------------------------
FROM dependencies AS build
# The whole context: new source folders need no change here. .dockerignore keeps secrets,
# tests, docs, the chart and local build output out of it.
COPY . .
RUN npm run build

# --- production-dependencies: what the runtime loads, and nothing else ----------------------
FROM dependencies AS production-dependencies
# --legacy-peer-deps: prune ignores peer edges, so optional peers that only the build uses
# (typescript and ts-node, optional peers of @nestjs/swagger and typeorm) go with the dev
# dependencies; a plain --omit=dev keeps them (npm marks them "devOptional").
# Then the files no runtime loads: source maps, TypeScript sources and declarations, docs
# (license texts stay), and native add-ons' C/C++ sources and object files (the compiled
# *.node binaries stay).
RUN npm prune --omit=dev --legacy-peer-deps --no-audit --no-fund \
 && find node_modules -type f \( \
      -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \
      -o \( \( -iname '*.md' -o -iname '*.markdown' \) \
            -not -iname 'licen[cs]e*' -not -iname 'notice*' -not -iname 'copying*' \) \
      -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \
      -o -name '*.o' -o -name '*.a' -o -name '*.gyp' -o -name '*.gypi' \
    \) -delete

# --- runtime: production dependencies and the compiled code, run by a non-root user -------
FROM ${NODE_IMAGE} AS runtime
# HOST: the app listens on 127.0.0.1 unless told otherwise; in a container that is unreachable.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot rewrite its own code.
# Dependencies first: a code-only change rebuilds and ships only the last layers.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
# The Kubernetes client, bundled into one file (scripts/bundle-kubernetes-client.mjs): the
# package itself is a devDependency, so the image carries the client once.
COPY --from=build /app/vendor ./vendor
# The embedded SQLite database (no DATABASE_URL, e.g. APP_ROLE=all for a demo) lives in data/.
RUN mkdir data && chown 1000:1000 data
# The base image's `node` user, numeric so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
