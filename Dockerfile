# syntax=docker/dockerfile:1
# Roster: the console and the compiled server on plain Node.js, running as the unprivileged `node` user.
# Build: docker build -t roster .   Run with PostgreSQL and Redis: docker compose up (see compose.yaml).

FROM node:20.20-bookworm-slim AS build
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RUN npm install --global pnpm@10.34.9
WORKDIR /app
# Dependencies first, from the lockfile alone, so a source change does not download them again.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# The server's production dependencies only, as a self-contained node_modules (no workspace symlinks).
RUN pnpm --config.inject-workspace-packages=true --filter @roster/server deploy --prod --offline /deploy/server

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_URL=pglite:///var/lib/roster/data
WORKDIR /app
# The repository layout the bundle finds its files in: migrations and the console next to dist/.
COPY --from=build /deploy/server/node_modules apps/server/node_modules
COPY --from=build /app/apps/server/package.json apps/server/package.json
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/console/dist apps/console/dist
COPY --from=build /app/packages/db/migrations packages/db/migrations
RUN mkdir -p /var/lib/roster && chown node:node /var/lib/roster
VOLUME /var/lib/roster
USER node
EXPOSE 8787
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/index.js"]
