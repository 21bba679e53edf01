// Rebuilds the agent and the extension when their sources are newer than the build.
// Used by `npm start` and by the test setup, so neither runs yesterday's build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildAgent } from './build-agent.mjs';

export const root = resolve(import.meta.dirname, '..');

function newest(paths) {
  let time = 0;
  for (const path of paths) {
    const full = join(root, path);
    if (!existsSync(full)) continue;
    if (statSync(full).isFile()) time = Math.max(time, statSync(full).mtimeMs);
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

function run(bin, args, quiet) {
  execFileSync(process.execPath, [join(root, 'node_modules', ...bin), ...args], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
}

/** @param {{ firefox?: boolean, e2e?: boolean, zip?: boolean, quiet?: boolean }} options */
export async function buildIfStale({ firefox = true, e2e = false, zip = false, quiet = false } = {}) {
  const say = (message) => quiet || console.log(message);
  if (
    mtime('dist/agent/cli/main.js') <
    newest(['agent', 'shared', 'package.json', 'tsconfig.build.json', 'scripts/build-agent.mjs'])
  ) {
    say('Building the agent…');
    await buildAgent({ quiet });
  }
  const extension = newest(['extension', 'shared', 'wxt.config.ts', 'package.json']);
  if (mtime('.output/chrome-mv3/manifest.json') < extension) {
    say('Building the Chrome extension…');
    run(['wxt', 'bin', 'wxt.mjs'], ['build'], quiet);
  }
  // The e2e tests' build: the same extension, with its test GitHub Enterprise host granted (wxt.config.ts).
  if (e2e && mtime('.output/chrome-mv3-e2e/manifest.json') < extension) {
    say('Building the Chrome extension for e2e tests…');
    run(['wxt', 'bin', 'wxt.mjs'], ['build', '--mode', 'e2e'], quiet);
  }
  if (firefox && mtime('.output/firefox-mv2/manifest.json') < extension) {
    say('Building the Firefox extension…');
    run(['wxt', 'bin', 'wxt.mjs'], ['build', '-b', 'firefox'], quiet);
  }
  // The store zips (`npm run zip`) that the npm package ships; `wxt zip` builds before it zips.
  if (zip) {
    for (const browser of ['chrome', 'firefox']) {
      if (mtime(`.output/${zipName(browser)}`) < extension) {
        say(`Zipping the ${browser} extension…`);
        run(['wxt', 'bin', 'wxt.mjs'], ['zip', '-b', browser], quiet);
      }
    }
  }
}

/** The file `wxt zip` writes for a browser (zip.name in wxt.config.ts, version from package.json). */
export function zipName(browser) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `ff-${version}-${browser}.zip`;
}

// `node scripts/build-if-stale.mjs --zip` (npm's prepack): everything the package ships, built only if stale.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildIfStale({ zip: process.argv.includes('--zip') });
}
