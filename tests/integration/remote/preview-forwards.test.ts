import { createServer, get, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../agent/logger.js';
import { PreviewForwards, type SshRoute } from '../../../agent/remote/preview-forwards.js';
import { controlPath } from '../../../agent/remote/ssh-command.js';
import { acceptsAt } from '../../helpers/raw-socket.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the preview forward tests: ${missing}.`);

/** One GET on a connection of its own, closed after (fetch would keep it pooled: a use of the forward). */
function getOnce(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** A port nothing listens on now (one the kernel gave and took back). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * PreviewForwards itself over a real sshd (no ControlMaster: each connection logs in on its
 * own, as when the link's master is between reconnects). The "remote" is this machine, so the
 * app below stands for one listening there.
 */
describe.skipIf(missing)('preview forwards over a real ssh', () => {
  const dir = tempDir('ff-preview-forwards-');
  let sshd: Sshd;
  let app: Server;
  let appPort: number;
  let route: SshRoute;

  beforeAll(async () => {
    sshd = await startSshd(dir.path);
    const { name, destination, port, identity, options } = sshd.remoteAddParams('box');
    route = {
      target: { name, destination, port, identity, options: options ?? [] },
      path: controlPath(dir.path, 'box'),
    };
    app = createServer((_, res) => res.end('the app'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const address = app.address();
    appPort = typeof address === 'object' && address ? address.port : 0;
  }, 30_000);

  afterAll(async () => {
    await new Promise((resolve) => app?.close(resolve));
    await sshd?.close();
    dir.cleanup();
  });

  it('a forward to a port nothing listens on fails at once with ssh’s reason, and is not kept', async () => {
    const forwards = new PreviewForwards({ route: () => route, log: silentLogger });
    const port = await closedPort();
    await expect(forwards.open('box', 'w1', port)).rejects.toThrow(
      new RegExp(
        `Could not forward port ${port} on box over ssh: .*Connection refused\\. Nothing listens on port ${port} there now`,
      ),
    );
    expect(forwards.list()).toEqual([]);
    await forwards.close();
  });

  it('a forward nobody uses closes after the idle time; closing all refuses new ones', async () => {
    const forwards = new PreviewForwards({ route: () => route, log: silentLogger, idleMs: 300 });
    const url = await forwards.open('box', 'w1', appPort);
    expect(await getOnce(url)).toBe('the app');
    // Watched from outside: a connection to see whether it accepts would be a use, keeping it open.
    await waitFor(() => forwards.list().length === 0, {
      what: 'the idle forward to close',
      timeoutMs: 10_000,
    });
    expect(await acceptsAt(url)).toBe(false);

    // Opened again on demand, then the agent stops.
    const again = await forwards.open('box', 'w1', appPort);
    await forwards.close();
    expect(await acceptsAt(again)).toBe(false);
    await expect(forwards.open('box', 'w1', appPort)).rejects.toThrow(/stopping/);
  });

  it('a forward whose port is found no preview twice in a row closes; a remote that cannot say keeps it', async () => {
    let verdict: boolean | undefined;
    let checks = 0;
    const forwards = new PreviewForwards({
      route: () => route,
      log: silentLogger,
      checkMs: 50,
      stillPreview: async () => {
        checks++;
        return verdict;
      },
    });
    try {
      const url = await forwards.open('box', 'w1', appPort);
      // Unreachable for several checks: kept.
      await waitFor(() => checks >= 4, { what: 'checks the remote cannot answer' });
      expect(forwards.list()).toHaveLength(1);
      verdict = false;
      await waitFor(() => forwards.list().length === 0, { what: 'the stale forward to close' });
      expect(await acceptsAt(url)).toBe(false);
    } finally {
      await forwards.close();
    }
  });

  it('an app that listens on ::1 only (a dev server bound to localhost may) is reached too', async (context) => {
    const app6 = createServer((_, res) => res.end('the app on ::1'));
    const listening = await new Promise<boolean>((resolve) => {
      app6.once('error', () => resolve(false));
      app6.listen(0, '::1', () => resolve(true));
    });
    if (!listening) context.skip('this machine has no IPv6 loopback');
    const address = app6.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const forwards = new PreviewForwards({ route: () => route, log: silentLogger });
    try {
      expect(await getOnce(await forwards.open('box', 'w1', port))).toBe('the app on ::1');
    } finally {
      await forwards.close();
      await new Promise((resolve) => app6.close(resolve));
    }
  });

  it('a remote no longer known cannot be forwarded to', async () => {
    const forwards = new PreviewForwards({ route: () => undefined, log: silentLogger });
    await expect(forwards.open('gone', 'w1', appPort)).rejects.toThrow(/No remote named gone/);
  });
});
