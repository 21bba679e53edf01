import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../../agent/agent.js';
import { silentLogger } from '../../../agent/logger.js';
import { agentVersion } from '../../../agent/version.js';
import { CHROME_EXTENSION_ID } from '../../../shared/extension-identity.js';
import { methods, PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { connectClient } from '../../helpers/agent-process.js';
import { openRaw } from '../../helpers/raw-socket.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentInProcess() {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const agent = await startAgent({ home: dir.path, port: 0, log: silentLogger });
  cleanups.push(() => agent.close());
  return agent;
}

describe('the running agent’s handlers', () => {
  it('answer every method of the protocol, each registered by a module, and nothing else', async () => {
    const agent = await agentInProcess();

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

  it('status names the extension that said hello last, and says when it is older than the agent', async () => {
    const agent = await agentInProcess();
    const client = await connectClient(agent);
    cleanups.push(() => client.close());
    expect(await client.call('status')).not.toHaveProperty('lastExtensionVersion');

    const sayHello = async (version: string) => {
      const raw = await openRaw(agent.port, { Origin: `chrome-extension://${CHROME_EXTENSION_ID}` });
      raw.send({
        type: 'hello',
        token: agent.token,
        protocol: PROTOCOL_VERSION,
        client: { name: 'ff', version },
      });
      expect(await raw.next()).toMatchObject({ type: 'welcome' });
      raw.ws.close();
    };
    await sayHello('0.0.1');
    const stale = await client.call('status');
    expect(stale).toMatchObject({ lastExtensionVersion: '0.0.1' });
    expect(Date.parse(stale.lastExtensionSeenAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(stale.extensionNotice).toMatch(/The ff extension \(0\.0\.1\) is older than ff-agent/);

    // A CLI's hello (no extension Origin) is not an extension's.
    const cli = await connectClient(agent);
    cleanups.push(() => cli.close());
    expect(await cli.call('status')).toMatchObject({ lastExtensionVersion: '0.0.1' });

    await sayHello(agentVersion);
    const current = await client.call('status');
    expect(current).toMatchObject({ lastExtensionVersion: agentVersion });
    expect(current).not.toHaveProperty('extensionNotice');
  });
});
