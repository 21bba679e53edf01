// `npm start`: build what is stale, say where to load the extension, then run the agent in the foreground.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, root } from './build-if-stale.mjs';

if (!existsSync(join(root, 'node_modules'))) {
  console.error('Dependencies are missing: run `npm ci` first.');
  process.exit(1);
}
await buildIfStale();

console.log(`
Load the ff extension (once):
  Chrome, Edge, Brave:  open chrome://extensions, turn on Developer mode, "Load unpacked" →
                        ${join(root, '.output', 'chrome-mv3')}
  Firefox:              open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…" →
                        ${join(root, '.output', 'firefox-mv2', 'manifest.json')}
Then pair it, once: \`npx ff-agent install\` in another terminal (the extension then pairs by itself
and the agent starts at login), or \`npx ff-agent pair\` and enter the code in ff's Options.
Stop the agent with Ctrl-C.
`);

// Run the CLI in this process, so Ctrl-C and SIGTERM reach the agent directly.
const cli = join(root, 'dist', 'agent', 'cli', 'main.js');
process.argv = [process.argv[0], cli, 'serve', ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
