// `npm run bench`: one JSON line per figure, {name, value, unit, baseline?, ratio?}.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figure } from './figure.js';

const only = process.argv[2];
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
let failed = false;
for (const file of files) {
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as {
    figures: () => AsyncGenerator<Figure>;
  };
  try {
    for await (const figure of module.figures()) process.stdout.write(`${JSON.stringify(figure)}\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`bench ${file} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
}
process.exit(failed ? 1 : 0);
