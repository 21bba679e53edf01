import { defineConfig } from 'wxt';
import { primerTokens } from './scripts/primer-tokens.mjs';
import { CHROME_EXTENSION_KEY, FIREFOX_EXTENSION_ID } from './shared/extension-identity.js';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  manifest: ({ browser, mode }) => ({
    name: 'ff — Claude Code workspaces for GitHub',
    description: 'Start Claude Code workspaces from GitHub issues and keep their pull requests green.',
    // The minimum: GitHub pages, settings storage, desktop notifications, the native pairing host, and
    // scripting to run ff's content script on the GitHub Enterprise hosts the user grants.
    permissions: ['storage', 'notifications', 'nativeMessaging', 'scripting'],
    icons: { 128: 'icon-128.png' },
    // `--mode e2e` (tests only): headless Chromium cannot answer the permission dialog, so the e2e build
    // has its test GitHub Enterprise host granted at install; the Options flow runs unchanged.
    host_permissions: ['https://github.com/*', ...(mode === 'e2e' ? ['https://ghe.test/*'] : [])],
    // GitHub Enterprise hosts are granted one by one from the Options page (MV2 has no optional_host_permissions).
    ...(browser === 'firefox'
      ? {
          optional_permissions: ['https://*/*'],
          browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID, strict_min_version: '115.0' } },
        }
      : { optional_host_permissions: ['https://*/*'], key: CHROME_EXTENSION_KEY }),
  }),
  // `npm run zip`: ff-<version>-chrome.zip (Chrome Web Store), ff-<version>-firefox.zip and, for AMO's
  // reviewers, ff-<version>-sources.zip: what builds the extension, not the agent's build or the tests.
  zip: {
    name: 'ff',
    excludeSources: ['dist/**', 'tests/**', '.ci/**', 'scripts/**', 'native-host/**', 'prompts/**'],
  },
  hooks: {
    // The popup is built on its own: its first scripts are one file (and its styles one), not the chunks it
    // would share with the other pages — each file costs an opened popup a request to the browser process.
    'entrypoints:grouped': (_wxt, groups) => {
      for (const [index, group] of groups.entries()) {
        if (!Array.isArray(group)) continue;
        const popup = group.find((entry) => entry.type === 'popup');
        if (!popup || group.length === 1) continue;
        group.splice(group.indexOf(popup), 1);
        groups.splice(index + 1, 0, [popup]);
        return;
      }
    },
  },
  vite: () => ({
    plugins: [primerTokens('extension')],
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
