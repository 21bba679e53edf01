import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRequest, isToolResultTurn, lastUserText } from '../fakes/anthropic-api/server.js';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';

let world: ClaudeWorld;
let chrome: ExtensionBrowser;
const pages: Page[] = [];
const HOSTILE = [
  'Here you go: <script>window.__ffPwned=1</script> <img src=x onerror="window.__ffPwned=2">',
  '[click me](javascript:window.__ffPwned=3)',
  '```',
  ...Array.from({ length: 10_000 }, (_, i) => `line ${i}`),
  '```',
].join('\n');

/** The user's last typed message, and how many tool results came since. */
function sinceLastPrompt(request: ApiRequest): { prompt: string; results: number } {
  const messages = request.body.messages ?? [];
  let results = 0;
  for (const message of [...messages].reverse()) {
    if (message.role !== 'user') continue;
    const blocks =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const toolResultCount = blocks.filter((b) => b.type === 'tool_result').length;
    if (toolResultCount > 0) {
      results += toolResultCount;
      continue;
    }
    const texts = blocks.filter(
      (b) => b.type === 'text' && !(b.text ?? '').trimStart().startsWith('<system-reminder>'),
    );
    return { prompt: texts.at(-1)?.text ?? '', results };
  }
  return { prompt: '', results };
}

beforeAll(async () => {
  world = await claudeWorld((request) => {
    const text = lastUserText(request);
    // "read N times": N Read calls in one turn, then a reply.
    const { prompt, results } = sinceLastPrompt(request);
    const reads = Number(/^read (\d+) times$/.exec(prompt)?.[1] ?? 0);
    if (reads && results < reads)
      return { toolUse: { name: 'Read', input: { file_path: `${world.repo.clone}/README.md` } } };
    if (reads) return { text: `Read it ${reads} times.` };
    if (isToolResultTurn(request)) return { text: 'Wrote it.' };
    const write = /^write (\S+)$/.exec(text);
    if (write)
      return { toolUse: { name: 'Write', input: { file_path: write[1]!, content: 'from the popup\n' } } };
    if (text === 'be hostile') return { text: HOSTILE };
    return { text: `**Echo:** ${text}` };
  });
  chrome = await launchWithExtension();
  await pairExtension(chrome, world.agent);
}, 60_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    for (const [i, p] of pages.entries())
      await screenshot(p, `popup-chat-${context.task.name}-${i}`).catch(() => {});
  for (const page of pages.splice(0)) await page.close().catch(() => {});
});
afterAll(async () => {
  await chrome?.close();
  await world?.close();
});

async function openPopup(): Promise<Page> {
  const page = await chrome.openPage('popup.html');
  pages.push(page);
  await page.waitForSelector('[data-testid="ff-workspaces"]');
  return page;
}

/** The popup with a workspace picked in its list, as a user clicks it. */
async function openPopupOn(workspaceId: string): Promise<Page> {
  const page = await openPopup();
  const row = `[data-testid="ff-workspace"][data-workspace="${workspaceId}"]`;
  await page.waitForSelector(row);
  await page.click(row);
  return page;
}

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));

describe('popup chat', () => {
  it('select a workspace, send a message: the reply streams in, with a tool row for a Write', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    const page = await openPopupOn(workspace.id);
    await page.waitForSelector(
      `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-composer"]`,
    );
    await page.type('[data-testid="ff-composer"]', 'hello from the popup');
    await page.keyboard.press('Enter');
    await waitFor(
      async () =>
        (await texts(page, '[data-testid="ff-msg-assistant"]')).some((t) =>
          t.includes('Echo: hello from the popup'),
        ),
      { what: 'the reply' },
    );
    expect(await page.$eval('[data-testid="ff-msg-assistant"] strong', (el) => el.textContent)).toBe('Echo:');
    await page.type('[data-testid="ff-composer"]', `write ${workspace.path}/popup.txt`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="ff-tool"][data-tool="Write"]');
    await waitForSession(world.client, session.id, (s) => s.turns === 2 && s.status === 'idle', 'write turn');
    // The row: the tool's icon, its file, done (a check), and how long the call took.
    await waitFor(
      async () =>
        (
          await page.$$eval('[data-testid="ff-tool"] summary', (els) =>
            els.map((el) => ({
              text: el.textContent ?? '',
              done: Boolean(el.querySelector('[data-testid="ff-tool-state"] svg[aria-label="done"]')),
              took: el.querySelector('[data-testid="ff-tool-duration"]')?.textContent ?? '',
            })),
          )
        ).some(
          (row) =>
            row.text.includes('popup.txt') && row.done && /^\d+(\.\d)?(ms|s)$|^\d+m \d+s$/.test(row.took),
        ),
      { what: 'the tool row done' },
    );
    await screenshot(page, 'popup-chat');
  }, 60_000);

  it('reopening keeps the draft and shows each event once', async () => {
    const page = await openPopup();
    await page.waitForSelector('[data-testid="ff-composer"]');
    await waitFor(async () => (await texts(page, '[data-testid="ff-msg-user"]')).length >= 2, {
      what: 'the transcript',
    });
    const before = await texts(page, '[data-testid="ff-msg-user"]');
    await page.type('[data-testid="ff-composer"]', 'half a thought');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.close();
    pages.pop();
    const again = await openPopup();
    await again.waitForSelector('[data-testid="ff-composer"]');
    await waitFor(
      async () =>
        (await again.$eval('[data-testid="ff-composer"]', (el) => (el as HTMLTextAreaElement).value)) ===
        'half a thought',
      { what: 'the draft' },
    );
    const after = await texts(again, '[data-testid="ff-msg-user"]');
    expect(after).toEqual(before);
  }, 30_000);

  it('hostile markdown from the model is inert and the page stays responsive', async () => {
    const page = await openPopup();
    await page.waitForSelector('[data-testid="ff-composer"]');
    // The draft left by the previous test comes back (asynchronously); wait for it, then clear it as a user would.
    await waitFor(
      async () =>
        (await page.$eval('[data-testid="ff-composer"]', (el) => (el as HTMLTextAreaElement).value)) ===
        'half a thought',
      { what: 'the restored draft' },
    );
    await page.click('[data-testid="ff-composer"]', { clickCount: 3 });
    await page.keyboard.press('Backspace');
    await page.type('[data-testid="ff-composer"]', 'be hostile');
    await page.keyboard.press('Enter');
    await waitFor(
      async () =>
        (await texts(page, '[data-testid="ff-msg-assistant"]')).some((t) => t.includes('line 9999')),
      { what: 'the hostile reply', timeoutMs: 20_000 },
    );
    expect(
      await page.evaluate(() => (window as unknown as { __ffPwned?: number }).__ffPwned),
    ).toBeUndefined();
    expect(
      await page.$$('[data-testid="ff-msg-assistant"] script, [data-testid="ff-msg-assistant"] img'),
    ).toHaveLength(0);
    const hrefs = await page.$$eval('[data-testid="ff-msg-assistant"] a', (els) =>
      els.map((a) => a.getAttribute('href')),
    );
    expect(hrefs.filter((h) => h?.startsWith('javascript:'))).toEqual([]);
    // Still responsive: a click on the composer and typing work.
    const started = Date.now();
    await page.type('[data-testid="ff-composer"]', 'ok');
    expect(Date.now() - started).toBeLessThan(5_000);
    await page.$eval('[data-testid="ff-composer"]', (el) => {
      (el as HTMLTextAreaElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }, 40_000);

  it('ask mode: the permission card allows the tool', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', {
      workspaceId: workspace.id,
      permissionMode: 'ask',
    });
    const page = await openPopupOn(workspace.id);
    await page.waitForSelector(
      `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-composer"]`,
    );
    await page.type('[data-testid="ff-composer"]', `write ${workspace.path}/asked.txt`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="ff-allow"]', { timeout: 20_000 });
    // The card shows what would be written, not only where.
    expect(await page.$eval('[data-testid="ff-permission-input"] pre', (el) => el.textContent)).toContain(
      '"content": "from the popup\\n"',
    );
    // The worker raised a desktop notification for it (read through the extension API).
    const workerTarget = await chrome.browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
    );
    const worker = await workerTarget.worker();
    await waitFor(
      async () =>
        Object.keys(
          (await worker!.evaluate('chrome.notifications.getAll()')) as Record<string, unknown>,
        ).some((id) => id.startsWith('permission:')),
      { what: 'the permission notification' },
    );
    // The list says this workspace needs you, live.
    await waitFor(
      async () =>
        (await page.$eval(
          `[data-testid="ff-workspace"][data-workspace="${workspace.id}"] .ff-chip`,
          (el) => el.textContent,
        )) === 'Needs you',
      { what: 'the Needs you chip' },
    );
    await page.click('[data-testid="ff-allow"]');
    await waitForSession(
      world.client,
      session.id,
      (s) => s.turns === 1 && s.status === 'idle',
      'allowed turn',
    );
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${workspace.path}/asked.txt`, 'utf8')).toBe('from the popup\n');
  }, 40_000);

  it('the list stays live: a reply elsewhere shows as new until opened; a filter finds a workspace by issue', async () => {
    const [a, b, c, d] = [
      await world.workspace(),
      await world.workspace(),
      await world.workspace(),
      await world.workspace(),
    ];
    const sessionA = await world.client.call('session.start', { workspaceId: a!.id });
    const sessionB = await world.client.call('session.start', { workspaceId: b!.id });
    const page = await openPopup();
    const row = (w: { id: string }) => `[data-testid="ff-workspace"][data-workspace="${w.id}"]`;
    await page.waitForSelector(row(a!));
    await page.click(row(a!));
    await page.waitForSelector(`[data-testid="ff-chat"][data-session="${sessionA.id}"]`);
    expect(await page.$eval(row(b!), (el) => el.getAttribute('data-news'))).toBe('false');

    // B's session replies while the popup shows A: B's row says so, without a reload.
    await world.client.call('session.send', { sessionId: sessionB.id, text: 'elsewhere' });
    await waitForSession(world.client, sessionB.id, (s) => s.turns === 1 && s.status === 'idle', 'turn of B');
    await page.waitForSelector(`${row(b!)}[data-news="true"] [data-testid="ff-news"]`);
    expect(await page.$eval(`${row(b!)} .ff-chip`, (el) => el.textContent)).toBe('Waiting');
    expect(await page.$eval(row(a!), (el) => el.getAttribute('data-news'))).toBe('false');
    await screenshot(page, 'popup-list-news');
    // Opened, it is read — and stays read when the popup opens again.
    await page.click(row(b!));
    await page.waitForSelector(`${row(b!)}[data-news="false"]`);
    await page.close();
    const again = await openPopup();
    await again.waitForSelector(`${row(b!)}[data-news="false"]`);

    await again.type('[data-testid="ff-filter"]', `#${c!.issue!.number}`);
    await waitFor(
      async () =>
        JSON.stringify(
          await again.$$eval('[data-testid="ff-workspace"]', (els) =>
            els.map((el) => el.getAttribute('data-workspace')),
          ),
        ) === JSON.stringify([c!.id]),
      { what: 'only the filtered workspace' },
    );
    expect(await again.$(row(d!))).toBeNull();
  }, 60_000);

  it('a long chat renders its newest 100 items; Show earlier brings the rest', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    await world.client.call('session.send', { sessionId: session.id, text: 'read 105 times' });
    await waitForSession(
      world.client,
      session.id,
      (s) => s.turns === 1 && s.status === 'idle',
      'the long turn',
      60_000,
    );
    const page = await openPopupOn(workspace.id);
    await waitFor(
      async () =>
        (await texts(page, '[data-testid="ff-msg-assistant"]')).some((t) => t.includes('Read it 105 times.')),
      { what: 'the reply' },
    );
    // 108 items: the user's message, 105 tools, the reply, and the turn's result (it shows nothing when all went well).
    expect(await page.$$eval('[data-testid="ff-tool"]', (els) => els.length)).toBe(98);
    expect(await page.$eval('[data-testid="ff-show-earlier"]', (el) => el.textContent)).toBe(
      'Show 8 earlier',
    );
    await page.click('[data-testid="ff-show-earlier"]');
    await waitFor(async () => (await page.$$eval('[data-testid="ff-tool"]', (els) => els.length)) === 105, {
      what: 'every tool row',
    });
    expect(await texts(page, '[data-testid="ff-msg-user"]')).toEqual(['read 105 times']);
    expect(await page.$('[data-testid="ff-show-earlier"]')).toBeNull();

    // Scrolled up to read, closed, reopened: the same message at the same height.
    const firstVisible = (p: Page) =>
      p.$eval('[data-testid="ff-transcript"]', (el) => {
        const top = el.getBoundingClientRect().top;
        const rows = Array.from(el.querySelectorAll<HTMLElement>('[data-seq]'));
        const row = rows.find((r) => r.getBoundingClientRect().bottom > top);
        return row
          ? { seq: row.dataset.seq, offset: Math.round(row.getBoundingClientRect().top - top) }
          : undefined;
      });
    await page.$eval('[data-testid="ff-transcript"]', (el) => {
      const rows = el.querySelectorAll<HTMLElement>('[data-seq]');
      rows[30]!.scrollIntoView({ block: 'start' });
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the scroll spot is noted a moment after scrolling
    const before = await firstVisible(page);
    await page.close();
    const again = await openPopup();
    await again.waitForSelector(`[data-testid="ff-chat"][data-session="${session.id}"] [data-seq]`);
    await waitFor(async () => (await firstVisible(again))?.seq === before?.seq, {
      what: 'the same message on top',
    });
    expect(Math.abs((await firstVisible(again))!.offset - before!.offset)).toBeLessThanOrEqual(2);
  }, 90_000);
  it("a reopened popup's first frame shows the cached chat at its end, not its top", async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    await world.client.call('session.send', { sessionId: session.id, text: 'read 30 times' });
    await waitForSession(world.client, session.id, (s) => s.turns === 1 && s.status === 'idle', 'the turn');
    const page = await openPopupOn(workspace.id);
    await waitFor(
      async () =>
        (await texts(page, '[data-testid="ff-msg-assistant"]')).some((t) => t.includes('Read it 30')),
      { what: 'the reply' },
    );
    await page.close(); // cached, with this workspace selected
    pages.pop();

    const again = await chrome.browser.newPage();
    pages.push(again);
    // Each frame until the transcript is there: what that first frame with it shows.
    await again.evaluateOnNewDocument(`(() => {
      const look = () => {
        const list = document.querySelector('[data-testid="ff-transcript"]');
        if (!list) return requestAnimationFrame(look);
        window.__ffFirstFrame = {
          overflows: list.scrollHeight > list.clientHeight + 40,
          atEnd: list.scrollHeight - list.scrollTop - list.clientHeight < 40,
          reply: [...list.querySelectorAll('[data-testid="ff-msg-assistant"]')].some((el) => el.textContent.includes('Read it 30')),
        };
      };
      requestAnimationFrame(look);
    })()`);
    await again.goto(`chrome-extension://${chrome.extensionId}/popup.html`);
    await again.waitForFunction('window.__ffFirstFrame !== undefined');
    expect(await again.evaluate('window.__ffFirstFrame')).toEqual({
      overflows: true,
      atEnd: true,
      reply: true,
    });
    // Scrolled up, the rest is there: the whole turn from the user's message on.
    await again.$eval('[data-testid="ff-transcript"]', (el) => el.scrollTo({ top: 0 }));
    await again.waitForFunction(
      `[...document.querySelectorAll('[data-testid="ff-msg-user"]')].some((el) => el.textContent === 'read 30 times')`,
    );
    expect(await again.$$eval('[data-testid="ff-tool"]', (els) => els.length)).toBe(30);
  }, 60_000);
  it('a reopened chat that followed its end still shows it once the replies turn into markdown', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    await world.client.call('session.send', { sessionId: session.id, text: 'read 12 times' });
    await waitForSession(world.client, session.id, (s) => s.turns === 1 && s.status === 'idle', 'first turn');
    // Headings: as plain text a line each, as markdown much taller.
    const headings = Array.from({ length: 8 }, (_, i) => `# Heading ${i + 1}`).join('\n');
    await world.client.call('session.send', { sessionId: session.id, text: `tall\n${headings}` });
    await waitForSession(
      world.client,
      session.id,
      (s) => s.turns === 2 && s.status === 'idle',
      'second turn',
    );
    const page = await openPopupOn(workspace.id);
    await page.waitForSelector(
      `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-msg-assistant"] h1`,
    );
    await page.close(); // cached, with this workspace selected
    pages.pop();

    const again = await openPopup();
    await again.waitForSelector(
      `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-msg-assistant"] h1`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const end = await again.$eval('[data-testid="ff-transcript"]', (list) => ({
      overflows: list.scrollHeight > list.clientHeight + 40,
      atEnd: list.scrollHeight - list.scrollTop - list.clientHeight < 40,
    }));
    expect(end).toEqual({ overflows: true, atEnd: true });
  }, 60_000);
  it('with the agent stalled, reopening shows the last-known list and chat from cache, then catches up', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    await world.client.call('session.send', { sessionId: session.id, text: 'cached hello' });
    await waitForSession(world.client, session.id, (s) => s.turns === 1 && s.status === 'idle', 'first turn');
    const page = await openPopupOn(workspace.id);
    // Plain text first, markdown once the parser has loaded after the first paint.
    await page.waitForSelector('[data-testid="ff-msg-assistant"] strong');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.close();
    pages.pop();

    // A reply lands while the popup is closed; then the agent stops answering (stopped, not gone).
    await world.client.call('session.send', { sessionId: session.id, text: 'while away' });
    await waitForSession(
      world.client,
      session.id,
      (s) => s.turns === 2 && s.status === 'idle',
      'second turn',
    );
    world.agent.proc.kill('SIGSTOP');
    try {
      const again = await chrome.openPage('popup.html');
      pages.push(again);
      // Nothing can come from the agent now: the list, the selection and the chat are the cache's.
      await again.waitForSelector(
        `[data-testid="ff-workspace"][data-workspace="${workspace.id}"][aria-current="true"]`,
      );
      await again.waitForSelector(`[data-testid="ff-chat"][data-session="${session.id}"]`);
      const replies = async () =>
        (await texts(again, '[data-testid="ff-msg-assistant"]')).map((t) => t.trim());
      expect(await replies()).toEqual(['Echo: cached hello']);
      expect(await texts(again, '[data-testid="ff-msg-user"]')).toEqual(['cached hello']);
      world.agent.proc.kill('SIGCONT');
      // The agent answers again: what is new joins the cached chat, each event once.
      await waitFor(async () => (await replies()).includes('Echo: while away'), {
        what: 'the reply that came while the popup was closed',
        timeoutMs: 20_000,
      });
      expect(await texts(again, '[data-testid="ff-msg-user"]')).toEqual(['cached hello', 'while away']);
    } finally {
      world.agent.proc.kill('SIGCONT');
    }
  }, 60_000);
});
