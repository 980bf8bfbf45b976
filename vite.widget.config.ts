import { defineConfig } from 'vite';

// The embeddable widget (issue 6): one classic script, dist/web/widget.js, served at /widget.js.
// Built after the app (the app's build empties dist/web).
export default defineConfig({
  build: {
    outDir: 'dist/web',
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: false,
    lib: { entry: 'src/web/widget/widget.ts', name: 'VentanillaWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
