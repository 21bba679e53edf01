import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('kill -9', () => {
  it('during a burst of state writes leaves state.json parseable and the agent starts again', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    for (let round = 0; round < 3; round++) {
      const agent = await spawnAgent(dir.path);
      const client = await connectClient(agent);
      const ids = Array.from({ length: 20 }, (_, i) => `burst${round}-${i}@example.org`);
      // Fire writes without waiting, and kill the agent while they are in flight.
      for (let n = 0; n < 300; n++) {
        void client.call('settings.set', { allowedExtensionIds: ids.slice(0, (n % 20) + 1) }).catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 5 + round * 20));
      await agent.kill();
      const state = JSON.parse(readFileSync(join(dir.path, 'state.json'), 'utf8'));
      expect(state.version).toBe(1);
      expect(Array.isArray(state.settings.allowedExtensionIds)).toBe(true);
    }
    // The lock left by the killed agent does not stop the next start, and its token survives.
    const agent = await spawnAgent(dir.path);
    cleanups.push(() => agent.stop());
    const status = await runCli(['status', '--json'], { FF_HOME: dir.path });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: agent.proc.pid });
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
  });

  it('status after the agent was killed says it is not running', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const agent = await spawnAgent(dir.path);
    await agent.kill();
    const status = await runCli(['status'], { FF_HOME: dir.path });
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('ff-agent is not running');
  });
});
