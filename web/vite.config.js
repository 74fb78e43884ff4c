// Builds the playground into dist/ with stable file names (dist/index.html,
// dist/app.js, dist/app.css) so that the clause binary can embed them with
// include_bytes and serve them without Node at run time.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 100000,
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: {
      output: {
        entryFileNames: "app.js",
        chunkFileNames: "app-[name].js",
        assetFileNames: (info) =>
          (info.names ?? [info.name]).some((n) => n && n.endsWith(".css")) ? "app.css" : "[name][extname]",
        inlineDynamicImports: true,
      },
    },
  },
  server: {
    fs: { allow: [".."] },
    proxy: {
      "/v1": process.env.CLAUSE_URL ?? "http://127.0.0.1:8080",
      "/schema": process.env.CLAUSE_URL ?? "http://127.0.0.1:8080",
    },
  },
});
