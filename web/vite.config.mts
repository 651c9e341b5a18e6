import { defineConfig } from "vite";

// One page (index.html); every screen is its own chunk, loaded when the route opens it.
// three.js (~130 kB gzip) is only ever imported by the 3D screen's chunk.
export default defineConfig({
  // The App Check site key of the deployed web app (src/app-check.ts); public by design.
  define: { __APP_CHECK_SITE_KEY__: JSON.stringify(process.env.VITE_APP_CHECK_SITE_KEY ?? "") },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // dist/.vite/manifest.json: scripts/bundle-sizes.mjs reads it (Hosting ignores dotfiles).
    manifest: true,
    chunkSizeWarningLimit: 700,
    // No inline scripts or data: URLs, so the CSP can stay 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
