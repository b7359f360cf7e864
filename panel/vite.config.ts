import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/**
 * Development: `npm run dev -w panel` serves the panel on http://127.0.0.1:5173 and proxies the
 * server's routes to GUILDBANK_SERVER (default http://127.0.0.1:3000, i.e. `npm start`), so the
 * panel and the API share one origin and the SameSite=strict cookies work. Production: `vite build`
 * writes panel/dist, which the server serves at /.
 */
const server = process.env.GUILDBANK_SERVER ?? "http://127.0.0.1:3000";
const proxied = ["/graphql", "/auth", "/streams", "/healthz"];

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: server, changeOrigin: false }])),
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000, sourcemap: false },
});
