// The web console's build (app/web -> dist/web), run by `npm ci` (prepare) and `npm run build:web`.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./app/web'),
  base: '/',
  plugins: [vue()],
  // The server's zod schemas are imported by the forms; nothing else of the server is.
  resolve: { alias: { '@server': here('./app') } },
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/sip.js')) return 'sip';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus';
          if (id.includes('node_modules/zod')) return 'zod';
          if (id.includes('node_modules/@vue') || id.includes('node_modules/vue')) return 'vue';
          return undefined;
        },
      },
    },
  },
});
