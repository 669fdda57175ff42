# syntax=docker/dockerfile:1
# kiada-autoscaler: one image for every role; APP_ROLE picks it (api, operator, all, migrate).
#
#   docker build -t kiada-autoscaler:0.1.0 .
#   kind load docker-image kiada-autoscaler:0.1.0        # then: helm install (see README)
#   docker run --rm -p 3000:3000 -e SESSION_SECRET=$(openssl rand -hex 32) kiada-autoscaler:0.1.0
#
# Base: a maintained Node.js LTS (22 or 24; Node 20 is past its end of life). The code also
# runs on Node 20.19+, which the test suite uses (package.json "engines").
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: every dependency, compile TypeScript, then drop the dev dependencies ----------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 is a native addon: node-gyp compiles it when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: production dependencies and the compiled code, run by a non-root user -------
FROM ${NODE_IMAGE} AS runtime
# HOST: the app listens on 127.0.0.1 unless told otherwise; in a container that is unreachable.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot rewrite its own code.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded SQLite database (no DATABASE_URL, e.g. APP_ROLE=all for a demo) lives in data/.
RUN mkdir data && chown 1000:1000 data
# The base image's `node` user, numeric so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
