# One image for the five services; compose picks the service with `command`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@12.21.0
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY patches patches
COPY packages packages
COPY services services
COPY bench bench
COPY tests/package.json tests/tsconfig.json tests/
RUN pnpm install --frozen-lockfile
RUN pnpm build

FROM node:20-bookworm-slim
ENV NODE_ENV=production SIFT_DATA_DIR=/data HTTP_PORT=8080
WORKDIR /app
COPY --from=build /app /app
# not root: the image's `node` user (1000:1000); compose runs it as SIFT_UID:SIFT_GID, so files in ./data are yours
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# exec form: node is PID 1 and receives docker's SIGTERM itself (the services handle it)
CMD ["node", "services/intake/dist/main.js"]
