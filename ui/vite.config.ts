import { defineConfig } from "vite";

// The window loads the built files from ui/dist (see tauri.conf.json); no dev server is needed.
export default defineConfig({
  clearScreen: false,
  build: { outDir: "dist", emptyOutDir: true, target: "safari15", sourcemap: false },
  test: { environment: "node" },
});
