import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomicAsync } from '../../agent/store/atomic-file.js';
import { type Figure, figure, median } from './figure.js';

/** A state.json of about 200 workspaces and 600 sessions: ~250 KB. */
function bigState(): string {
  const workspaces = Array.from({ length: 200 }, (_, i) => ({
    id: `w${i}`,
    branch: `ff/${i}-some-issue-title`,
    path: `/home/me/.ff/worktrees/octo/app/ff/${i}-some-issue-title`,
    status: 'ready',
    issue: { number: i, url: `https://github.com/octo/app/issues/${i}`, title: 'Some issue title' },
    ratchet: { state: 'CI_RUNNING', lastCheckedAt: new Date().toISOString(), lastAction: 'none' },
  }));
  const sessions = Array.from({ length: 600 }, (_, i) => ({
    id: `s${i}`,
    workspaceId: `w${i % 200}`,
    status: 'idle',
    costUsd: 0.12,
    createdAt: new Date().toISOString(),
  }));
  return `${JSON.stringify({ workspaces, sessions }, null, 2)}\n`;
}

/** The write before it was made durable: temp file + rename, no fsync. */
async function writeWithoutFsync(path: string, data: string): Promise<void> {
  const temp = join(dirname(path), `.state.json.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/**
 * What durability (fsync of the file, then of its folder) costs each state
 * write. The state writer coalesces: writes asked for during one carry only
 * the newest state, so a slower write means fewer writes, not a queue.
 */
export async function* figures(): AsyncGenerator<Figure> {
  const dir = mkdtempSync(join(tmpdir(), 'ff-bench-state-'));
  try {
    const data = bigState();
    const time = async (write: (path: string) => Promise<void>) => {
      const samples: number[] = [];
      for (let n = 0; n < 30; n++) {
        const started = performance.now();
        await write(join(dir, 'state.json'));
        samples.push(performance.now() - started);
      }
      return median(samples);
    };
    const plain = await time((path) => writeWithoutFsync(path, data));
    const durable = await time((path) => writeFileAtomicAsync(path, data, 0o600));
    yield figure('state.write_250kb.median', durable, 'ms', plain);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
