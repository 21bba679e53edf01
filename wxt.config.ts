import { defineConfig } from 'wxt';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifest: {
    name: 'ff — Claude Code workspaces for GitHub',
    description: 'Start Claude Code workspaces from GitHub issues and keep their pull requests green.',
    permissions: ['storage'],
  },
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: {
      rollupOptions: {
        // zod's sources carry /*@__PURE__*/ comments Rollup cannot place; harmless, and noisy.
        onwarn(warning, warn) {
          if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
        },
      },
    },
  }),
});
