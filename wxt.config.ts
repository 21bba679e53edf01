import { defineConfig } from 'wxt';
import { CHROME_EXTENSION_KEY, FIREFOX_EXTENSION_ID } from './shared/extension-identity.js';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  manifest: ({ browser }) => ({
    name: 'ff — Claude Code workspaces for GitHub',
    description: 'Start Claude Code workspaces from GitHub issues and keep their pull requests green.',
    // The minimum: GitHub pages, settings storage, desktop notifications, the native pairing host.
    permissions: ['storage', 'notifications', 'nativeMessaging'],
    icons: { 128: 'icon-128.png' },
    host_permissions: ['https://github.com/*'],
    // GitHub Enterprise hosts are granted one by one from the Options page.
    optional_host_permissions: ['https://*/*'],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID, strict_min_version: '115.0' } } }
      : { key: CHROME_EXTENSION_KEY }),
  }),
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
