import { defineConfig } from "vite";

// The lab: src/web → dist/lab, relative asset paths so it deploys on any static host.
export default defineConfig({
  root: "src/web",
  base: "./",
  build: { outDir: "../../dist/lab", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4000 },
  worker: { format: "es" },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
