import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** mulberry32: a small seeded generator, so the repo is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'const',
  'return',
  'function',
  'if',
  'else',
  'for',
  'await',
  'export',
  'import',
  'value',
  'result',
  'index',
  'options',
  'error',
  'buffer',
  'length',
  'parse',
  'write',
  'read',
  'config',
  'state',
  'item',
  'next',
  'done',
  'key',
  'map',
  'list',
  'push',
  'throw',
  'new',
  'this',
  'null',
  'true',
  'false',
  '=',
  '=>',
  '{',
  '}',
  '(',
  ')',
  ';',
  '+',
  '-',
  '*',
  '0',
  '1',
  '42',
  'path',
  'name',
  'source',
  'target',
];

/**
 * A git repository shaped like a library someone vendored or forked:
 * `files` source files (about 3 KB of code-like text each) in 40 folders,
 * then `commits` commits that each edit a few lines of 3 files — built with
 * `git fast-import`, seeded, so every run measures the same repository.
 */
export function createRealisticRepo(
  path: string,
  { files = 1500, commits = 2000, seed = 7 }: { files?: number; commits?: number; seed?: number } = {},
): void {
  const next = random(seed);
  const line = () => {
    const n = 3 + Math.floor(next() * 9);
    return Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  };
  const contents: string[][] = Array.from({ length: files }, () =>
    Array.from({ length: 60 + Math.floor(next() * 60) }, line),
  );
  const pathOf = (i: number) => `src/m${i % 40}/file${i}.js`;
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let when = 1_600_000_000;
  const commit = (mark: number, message: string, changed: number[]) => {
    when += 3600;
    chunks.push(`commit refs/heads/main\nmark :${mark}\ncommitter Dev <dev@example.com> ${when} +0000\n`);
    chunks.push(data(message));
    if (mark > 1) chunks.push(`from :${mark - 1}\n`);
    for (const i of changed)
      chunks.push(`M 100644 inline ${pathOf(i)}\n${data(`${contents[i]!.join('\n')}\n`)}`);
  };
  commit(
    1,
    'initial import',
    contents.map((_, i) => i),
  );
  for (let c = 2; c <= commits; c++) {
    const changed = [0, 1, 2].map(() => Math.floor(next() * files));
    for (const i of changed) {
      const lines = contents[i]!;
      lines[Math.floor(next() * lines.length)] = line();
      if (next() < 0.5) lines.splice(Math.floor(next() * lines.length), 0, line());
    }
    commit(c, `change ${c}`, changed);
  }
  mkdirSync(path, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: path, input: chunks.join(''), stdio: ['pipe', 'ignore', 'pipe'] });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: path });
  git('fast-import', '--quiet');
  execFileSync('git', ['repack', '-adq'], { cwd: path });
  execFileSync('git', ['checkout', '-qf', 'main'], { cwd: path });
}
