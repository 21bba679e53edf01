import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';

const source = join(import.meta.dirname, '..', '..', '..', 'agent', 'store', 'atomic-file.ts');
const hasStrace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

/**
 * What a power cut needs, seen from the system calls (strace, Linux): the
 * new file's data reaches the disk before its name replaces the old one,
 * and the folder (holding that rename) reaches it after.
 */
describe.skipIf(process.platform !== 'linux' || !hasStrace)('an atomic write survives a power cut', () => {
  it.each([
    ['writeFileAtomic', 'sync.json'],
    ['writeFileAtomicAsync', 'async.json'],
  ])('%s fsyncs the file before the rename and its folder after it', (fn, name) => {
    const dir = tempDir('ff-atomic-');
    dirs.push(dir);
    const target = join(dir.path, name);
    const trace = join(dir.path, 'trace');
    const script = `const m = await import(${JSON.stringify(source)});
await m[${JSON.stringify(fn)}](${JSON.stringify(target)}, '{"kept":true}\\n', 0o600);`;
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-y',
        '-e',
        'trace=fsync,fdatasync,rename,renameat,renameat2',
        '-o',
        trace,
        process.execPath,
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('{"kept":true}\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const lines = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes(dir.path) && !line.includes(trace));
    const rename = lines.findIndex((line) => /rename/.test(line) && line.includes(`"${target}"`));
    expect(rename, lines.join('\n')).toBeGreaterThanOrEqual(0);
    const temp = /"([^"]+\.tmp)"/.exec(lines[rename]!)?.[1];
    expect(temp).toMatch(new RegExp(`/\\.${name.replace('.', '\\.')}\\.[0-9a-f]{12}\\.tmp$`));
    const fileSync = lines.findIndex((line) => /f(data)?sync\(\d+</.test(line) && line.includes(`<${temp}>`));
    const folderSync = lines.findIndex(
      (line, i) => i > rename && line.includes(`sync(`) && line.includes(`<${dir.path}>`),
    );
    expect(fileSync, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(fileSync).toBeLessThan(rename);
    expect(folderSync, lines.join('\n')).toBeGreaterThan(rename);
  });
});
