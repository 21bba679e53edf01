// `npm start`: build what is stale, say where to load the extension, then run the agent in the foreground.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

function newest(...paths) {
  let time = 0;
  for (const path of paths) {
    const full = join(root, path);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (stat.isFile()) time = Math.max(time, stat.mtimeMs);
    else
      for (const entry of readdirSync(full, { withFileTypes: true, recursive: true })) {
        if (entry.isFile()) time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
  }
  return time;
}

function mtime(path) {
  const full = join(root, path);
  return existsSync(full) ? statSync(full).mtimeMs : 0;
}

function run(script, args) {
  execFileSync(process.execPath, [join(root, 'node_modules', ...script), ...args], { cwd: root, stdio: 'inherit' });
}

if (!existsSync(join(root, 'node_modules'))) {
  console.error('Dependencies are missing: run `npm ci` first.');
  process.exit(1);
}

if (mtime('dist/agent/cli/main.js') < newest('agent', 'shared', 'package.json', 'tsconfig.build.json')) {
  console.log('Building the agent…');
  run(['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.build.json']);
}
const extensionSources = newest('extension', 'shared', 'wxt.config.ts', 'package.json');
if (mtime('.output/chrome-mv3/manifest.json') < extensionSources) {
  console.log('Building the Chrome extension…');
  run(['wxt', 'bin', 'wxt.mjs'], ['build']);
}
if (mtime('.output/firefox-mv2/manifest.json') < extensionSources) {
  console.log('Building the Firefox extension…');
  run(['wxt', 'bin', 'wxt.mjs'], ['build', '-b', 'firefox']);
}

console.log(`
Load the ff extension (once):
  Chrome, Edge, Brave:  open chrome://extensions, turn on Developer mode, "Load unpacked" →
                        ${join(root, '.output', 'chrome-mv3')}
  Firefox:              open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…" →
                        ${join(root, '.output', 'firefox-mv2', 'manifest.json')}
Then pair it: click the ff toolbar button and enter the port and token from agent.json in ff's home.
Stop the agent with Ctrl-C.
`);

process.argv = [process.argv[0], join(root, 'dist', 'agent', 'cli', 'main.js'), 'serve', ...process.argv.slice(2)];
await import(pathToFileURL(join(root, 'dist', 'agent', 'cli', 'main.js')).href);
