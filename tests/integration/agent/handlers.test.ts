import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../../agent/agent.js';
import { silentLogger } from '../../../agent/logger.js';
import { methods } from '../../../shared/protocol.js';
import { connectClient } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the running agent’s handlers', () => {
  it('answer every method of the protocol, each registered by a module, and nothing else', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const agent = await startAgent({ home: dir.path, port: 0, log: silentLogger });
    cleanups.push(() => agent.close());

    const expected = Object.keys(methods).filter((m) => m !== 'subscribe' && m !== 'unsubscribe');
    expect(Object.keys(agent.handlers).sort()).toEqual(expected.sort());
    for (const [method, handler] of Object.entries(agent.handlers)) {
      expect(typeof handler, method).toBe('function');
    }
    // Through the socket, a handler from each kind of module answers: status (which reads the
    // server it is registered on), settings (state), a quick-action list (prompt files).
    const client = await connectClient(agent);
    cleanups.push(() => client.close());
    const status = await client.call('status');
    expect(status).toMatchObject({ port: agent.port, instanceId: agent.instanceId, counts: { clients: 1 } });
    expect(await client.call('settings.get')).toEqual(agent.state.data.settings);
    const quick = await client.call('quickAction.list');
    expect(quick.actions.map((a) => a.name)).toContain('review');
  });
});
