// Primer's theme files define ~1,900 tokens each; ff's pages use a few dozen. This keeps the
// declarations ff's styles reference (and those they reference in turn), so every page that loads
// the tokens — the popup above all — parses a small stylesheet, not ~240 KB of it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DECLARATION = /^\s*(--[\w-]+)\s*:\s*([^;]*);/;
const REFERENCE = /var\(\s*(--[\w-]+)/g;

/** The tokens a stylesheet or component names with var(--…). */
export function usedTokens(texts) {
  const used = new Set();
  for (const text of texts) for (const match of text.matchAll(REFERENCE)) used.add(match[1]);
  return used;
}

/** `css` without the custom-property declarations nothing in `used` needs (directly or through var()). */
export function trimTokens(css, used, keep = () => false) {
  const values = new Map();
  for (const line of css.split('\n')) {
    const m = DECLARATION.exec(line);
    if (m) values.set(m[1], `${values.get(m[1]) ?? ''} ${m[2]}`);
  }
  const needed = new Set([...used, ...[...values.keys()].filter(keep)]);
  const queue = [...needed];
  while (queue.length) {
    const name = queue.pop();
    for (const ref of (values.get(name) ?? '').matchAll(REFERENCE))
      if (!needed.has(ref[1])) {
        needed.add(ref[1]);
        queue.push(ref[1]);
      }
  }
  return css
    .split('\n')
    .filter((line) => {
      const m = DECLARATION.exec(line);
      return !m || needed.has(m[1]);
    })
    .join('\n');
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(css|tsx?)$/.test(name) ? [readFileSync(path, 'utf8')] : [];
  });
}

/** A Vite plugin that trims Primer's theme files to the tokens under `srcDir`. */
export function primerTokens(srcDir) {
  return {
    name: 'ff-primer-tokens',
    enforce: 'pre',
    transform(code, id) {
      if (!/@primer[\\/]primitives[\\/].*themes[\\/][\w-]+\.css$/.test(id.split('?')[0])) return undefined;
      // Chart colors are named at runtime (one per repo): keep that family whole.
      const keep = (name) => /^--data-\w+-color-emphasis$/.test(name);
      return { code: trimTokens(code, usedTokens(sources(srcDir)), keep), map: null };
    },
  };
}
