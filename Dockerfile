# lacak: RDAP, WHOIS and the web page of the registry. Import into the volume first, then serve
# it (README "Docker"): with LACAK_DB set, `serve` refuses to start while that file is missing, so
# that a typo or an empty volume never serves the fictional sample instead (DESIGN §3).
#   docker build -t lacak .
#   docker volume create lacak-data
#   docker run --rm -v lacak-data:/data -v "$PWD:/in:ro" -e LACAK_DB=/data/lacak.sqlite lacak import --format delegated /in/delegated-apnic-extended-20250601.gz
#   docker run -d --name lacak -p 8080:8080 -p 43:4343 -v lacak-data:/data -e LACAK_DB=/data/lacak.sqlite lacak
# WHOIS listens on 4343 inside the container (no root needed); publish it as port 43 with -p 43:4343.
# Without LACAK_DB the image serves the fictional sample registry, built into /app/data on first start.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm ci --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 HTTP_PORT=8080 WHOIS_PORT=4343
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY data/sample ./data/sample
COPY data/bootstrap ./data/bootstrap
RUN mkdir -p /data && chown -R node:node /data /app/data
USER node
VOLUME ["/data"]
EXPOSE 8080 4343
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
