import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastUserText } from '../fakes/anthropic-api/server.js';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { CuttableProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/temp.js';

let world: ClaudeWorld;
let chrome: ExtensionBrowser;
let proxy: CuttableProxy;

beforeAll(async () => {
  world = await claudeWorld((request) => ({ text: `Echo: ${lastUserText(request)}` }));
  proxy = await new CuttableProxy(world.agent.port).start();
  chrome = await launchWithExtension();
  // The worker reaches the agent through the proxy, so the test can cut the line.
  await pairExtension(chrome, { port: proxy.port, token: world.agent.token });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await proxy?.stop();
  await world?.close();
});

describe('the worker loses the agent and gets it back', () => {
  it('events published while the line was down arrive after the reconnect, each exactly once', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    const page = await chrome.openPage(`popup.html#${workspace.id}`);
    const assistantTexts = () =>
      page.$$eval('[data-testid="ff-msg-assistant"]', (els) => els.map((e) => (e.textContent ?? '').trim()));
    const userTexts = () =>
      page.$$eval('[data-testid="ff-msg-user"]', (els) => els.map((e) => (e.textContent ?? '').trim()));
    try {
      await page.waitForSelector(
        `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-composer"]`,
      );
      await page.type('[data-testid="ff-composer"]', 'before the cut');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await assistantTexts()).some((t) => t.includes('before the cut')), {
        what: 'the first reply',
      });

      // A second listener on the worker's port, as any page has: it must see every seq once, in order.
      await page.evaluate(`(() => {
        const port = chrome.runtime.connect({ name: 'ff-agent' });
        window.__ffSeqs = [];
        port.onMessage.addListener((m) => {
          if (m.type === 'events') for (const e of m.events) window.__ffSeqs.push(e.seq);
        });
        port.postMessage({ type: 'subscribe', topic: 'session:${session.id}', sinceSeq: 0 });
      })()`);
      const seqs = () => page.evaluate('window.__ffSeqs') as Promise<number[]>;
      await waitFor(async () => (await seqs()).length > 0, { what: 'the raw port replay' });

      proxy.cut();
      await page.waitForSelector('[data-testid="ff-connection"][data-status="agent-not-running"]');
      // The session goes on without the browser: a turn starts and ends while the worker is away.
      await world.client.call('session.send', { sessionId: session.id, text: 'while away' });
      await waitForSession(
        world.client,
        session.id,
        (s) => s.turns === 2 && s.status === 'idle',
        'turn while away',
      );
      // The cached chat stays on screen meanwhile, without what it could not hear.
      expect((await assistantTexts()).some((t) => t.includes('while away'))).toBe(false);

      proxy.restore();
      await waitFor(async () => (await assistantTexts()).some((t) => t.includes('while away')), {
        what: 'the missed reply after the reconnect',
        timeoutMs: 20_000,
      });
      expect(await page.$('[data-testid="ff-connection"]')).toBeNull();
      // And live again: a third turn streams in as usual.
      await page.type('[data-testid="ff-composer"]', 'after the cut');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await assistantTexts()).some((t) => t.includes('after the cut')), {
        what: 'the reply after the reconnect',
      });
      expect(await assistantTexts()).toEqual([
        'Echo: before the cut',
        'Echo: while away',
        'Echo: after the cut',
      ]);
      expect(await userTexts()).toEqual(['before the cut', 'while away', 'after the cut']);
      const { lastSeq } = await waitFor(
        async () => {
          const s = await world.client.call('session.get', { sessionId: session.id });
          return s.status === 'idle' && s.turns === 3 ? { lastSeq: (await seqs()).at(-1) } : undefined;
        },
        { what: 'the third turn' },
      );
      const delivered = await seqs();
      expect(delivered).toEqual(Array.from({ length: lastSeq! }, (_, i) => i + 1));
    } catch (error) {
      await screenshot(page, 'reconnect-failed');
      throw error;
    }
  }, 60_000);
});
