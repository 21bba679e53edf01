import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isToolResultTurn, lastUserText } from '../fakes/anthropic-api/server.js';
import { inBothThemes, seriousA11yViolations } from '../helpers/axe.js';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';

let world: ClaudeWorld;
let chrome: ExtensionBrowser;
let worker: WebWorker;
const pages: Page[] = [];

beforeAll(async () => {
  // `write <path> <text>` asks to Write; anything after a tool result is a short reply.
  world = await claudeWorld((request) => {
    if (isToolResultTurn(request)) return { text: 'Done.' };
    const write = /^write (\S+) (.*)$/.exec(lastUserText(request));
    if (write)
      return { toolUse: { name: 'Write', input: { file_path: write[1]!, content: `${write[2]}\n` } } };
    return { text: `**Echo:** ${lastUserText(request)}` };
  });
  chrome = await launchWithExtension();
  await pairExtension(chrome, world.agent);
  const target = await chrome.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
  );
  worker = (await target.worker())!;
}, 60_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    for (const [i, p] of pages.entries())
      await screenshot(p, `fleet-${context.task.name}-${i}`).catch(() => {});
  for (const page of pages.splice(0)) await page.close().catch(() => {});
});
afterAll(async () => {
  await chrome?.close();
  await world?.close();
});

const badge = () => worker.evaluate('chrome.action.getBadgeText({})') as Promise<string>;

async function open(path: string): Promise<Page> {
  const page = await chrome.openPage(path);
  pages.push(page);
  return page;
}

describe('fleet view and approvals inbox', () => {
  it('three sessions waiting in two workspaces are answered from the inbox: Allow, Deny, Allow for this session; the badge goes 3 → 0', async () => {
    const [a, b] = [await world.workspace(), await world.workspace()];
    const files = [join(a!.path, 'one.txt'), join(b!.path, 'two.txt'), join(a!.path, 'three.txt')];
    const sessions = [];
    // One after the other, so the inbox's oldest-first order is known.
    for (const [i, workspace] of [a!, b!, a!].entries()) {
      const session = await world.client.call('session.start', {
        workspaceId: workspace.id,
        permissionMode: 'ask',
        prompt: `write ${files[i]} text ${i}`,
      });
      await waitForSession(
        world.client,
        session.id,
        (s) => s.status === 'waiting-permission',
        `session ${i} asks`,
      );
      sessions.push(session);
    }
    await waitFor(async () => (await badge()) === '3', { what: 'the badge to say 3' });

    const page = await open('fleet.html');
    await page.waitForSelector('[data-testid="ff-approval"]');
    await waitFor(async () => (await page.$$('[data-testid="ff-approval"]')).length === 3, {
      what: '3 approvals',
    });
    const order = await page.$$eval('[data-testid="ff-approval"]', (els) =>
      els.map((el) => (el as HTMLElement).dataset.session),
    );
    expect(order).toEqual(sessions.map((s) => s.id));
    // The tool's input is there to read before answering.
    expect(await page.$eval('[data-testid="ff-approval-input"]', (el) => el.textContent)).toContain(
      '"content": "text 0\\n"',
    );
    expect(await page.$eval('[data-testid="ff-inbox-count"]', (el) => el.textContent)).toBe('3');
    // Every session is a row, the waiting ones with their tool and their claude process's figures.
    await waitFor(async () => (await page.$$('[data-testid="ff-fleet-row"]')).length === 3, {
      what: '3 rows',
    });
    await waitFor(
      async () =>
        (await page.$$eval('[data-testid="ff-fleet-rss"]', (els) => els.map((e) => e.textContent))).every(
          (t) => /\d+ MB/.test(t ?? ''),
        ),
      { what: 'memory figures' },
    );
    // Each row shows its workspace's disk use once the agent has measured it.
    await waitFor(
      async () =>
        (await page.$$eval('[data-testid="ff-fleet-disk"]', (els) => els.map((e) => e.textContent))).filter(
          (t) => /\d+(\.\d)? (B|KB|MB)$/.test(t?.trim() ?? ''),
        ).length === 3,
      { what: 'disk use on every row', timeoutMs: 30_000 },
    );
    const tools = await page.$$eval('[data-testid="ff-fleet-tool"]', (els) => els.map((e) => e.textContent));
    expect(tools.every((t) => t?.includes('Write'))).toBe(true);

    await inBothThemes(page, async (theme) => {
      await screenshot(page, `fleet-inbox-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    });

    const answer = async (sessionId: string, button: string) => {
      await page.click(`[data-testid="ff-approval"][data-session="${sessionId}"] [data-testid="${button}"]`);
      await waitFor(async () => !(await page.$(`[data-testid="ff-approval"][data-session="${sessionId}"]`)), {
        what: `${button} to clear ${sessionId}`,
      });
    };
    await answer(sessions[0]!.id, 'ff-allow');
    await waitFor(async () => (await badge()) === '2', { what: 'the badge to say 2' });
    await answer(sessions[1]!.id, 'ff-deny');
    await answer(sessions[2]!.id, 'ff-allow-session');
    await waitFor(async () => (await badge()) === '', { what: 'the badge to clear' });

    for (const s of sessions)
      await waitForSession(world.client, s.id, (v) => v.status === 'idle', 'turn ends');
    expect(readFileSync(files[0]!, 'utf8')).toBe('text 0\n');
    expect(existsSync(files[1]!)).toBe(false);
    expect(readFileSync(files[2]!, 'utf8')).toBe('text 2\n');
    // Allowed for the session: its next Write runs without asking.
    const again = join(a!.path, 'again.txt');
    await world.client.call('session.send', { sessionId: sessions[2]!.id, text: `write ${again} more` });
    await waitForSession(
      world.client,
      sessions[2]!.id,
      (s) => s.turns === 2 && s.status === 'idle',
      'no asking',
    );
    expect(readFileSync(again, 'utf8')).toBe('more\n');

    await page.waitForSelector('[data-testid="ff-inbox-empty"]');
    // The cost chart has today's spend, per repo.
    await page.reload();
    await page.waitForSelector('[data-testid="ff-costs"] svg rect');
    expect(await page.$eval('[data-testid="ff-costs-total"]', (el) => el.textContent)).toMatch(
      /^\$0\.\d{4} in all$/,
    );
    // Sortable: by cost, highest first.
    await page.click('[data-testid="ff-sort-costUsd"]');
    const sorted = await page.$$eval('[data-testid="ff-fleet-row"]', (els) =>
      els.map((el) => (el as HTMLElement).dataset.session),
    );
    const costs = await Promise.all(
      sorted.map(async (id) => (await world.client.call('session.get', { sessionId: id! })).costUsd),
    );
    expect(costs).toEqual([...costs].sort((x, y) => y - x));
    await inBothThemes(page, async (theme) => {
      await screenshot(page, `fleet-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  }, 150_000);

  it('the popup links to the fleet, picks sessions from a menu, runs quick actions from a menu; j/k move through workspaces', async () => {
    const workspace = await world.workspace();
    const first = await world.client.call('session.start', { workspaceId: workspace.id, prompt: 'hello' });
    await waitForSession(world.client, first.id, (s) => s.status === 'idle', 'first chat');
    const page = await open(`popup.html#${workspace.id}`);
    await page.waitForSelector(`[data-testid="ff-chat"][data-session="${first.id}"]`);
    await page.waitForSelector('[data-testid="ff-session-figures"]');
    expect(await page.$eval('[data-testid="ff-session-figures"]', (el) => el.textContent)).toMatch(
      /\$0\.\d{4}1 turn/,
    );
    await inBothThemes(page, async (theme) => {
      await screenshot(page, `popup-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    });

    // Quick actions: a menu of names with descriptions; Esc closes it.
    await page.click('[data-testid="ff-quick"]');
    await page.waitForSelector('[data-testid="ff-quick-menu"] .ff-menu-desc');
    await screenshot(page, 'popup-quick-actions-light');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await waitFor(async () => !(await page.$('[data-testid="ff-quick-menu"]')), {
      what: 'the menu to close',
    });

    // A second chat, then back to the first through the session menu.
    await page.click('[data-testid="ff-new-chat"]');
    await waitFor(
      async () =>
        (await page.$eval('[data-testid="ff-chat"]', (el) => (el as HTMLElement).dataset.session)) !==
        first.id,
      {
        what: 'the new chat',
      },
    );
    await page.click('[data-testid="ff-session-menu"]');
    const items = await page.$$('[data-testid="ff-session-menu-menu"] [role="menuitemradio"]');
    expect(items.length).toBe(2);
    await page.click(`[data-testid="ff-session-menu-menu"] [data-key="${first.id}"]`);
    await page.waitForSelector(`[data-testid="ff-chat"][data-session="${first.id}"]`);

    // j/k: focus moves through the workspace list; Enter opens the focused one.
    const rows = await page.$$eval('[data-testid="ff-workspace"]', (els) =>
      els.map((el) => (el as HTMLElement).dataset.workspace),
    );
    expect(rows.length).toBeGreaterThan(1);
    await page.focus('body');
    const selectedAt = rows.indexOf(workspace.id);
    await page.keyboard.press(selectedAt === rows.length - 1 ? 'k' : 'j');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.workspace);
    expect(focused).toBe(rows[selectedAt === rows.length - 1 ? selectedAt - 1 : selectedAt + 1]);
    await page.keyboard.press('Enter');
    await page.waitForSelector(
      `[data-testid="ff-workspace"][data-workspace="${focused}"][aria-current="true"]`,
    );

    // The Fleet button opens the fleet page.
    const opened = chrome.browser.waitForTarget((t) => t.url().endsWith('/fleet.html'));
    await page.click('[data-testid="ff-open-fleet"]');
    const fleet = await (await opened).page();
    if (fleet) pages.push(fleet);
  }, 90_000);

  it('the workspace page and Options look like GitHub, light and dark, with no serious accessibility problem', async () => {
    const workspace = await world.workspace();
    await world.client.call('session.start', {
      workspaceId: workspace.id,
      prompt: 'hello from the workspace page',
    });
    const page = await open(`workspace.html#${workspace.id}`);
    await page.waitForSelector('[data-testid="ff-chat"] [data-testid="ff-msg-assistant"]', {
      timeout: 30_000,
    });
    await inBothThemes(page, async (theme) => {
      await screenshot(page, `workspace-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
    const options = await open('options.html');
    await options.waitForSelector('[data-testid="connection-state"]');
    // The gc and snapshot numbers are set here, checked before they reach the agent.
    const days = await options.waitForSelector('[data-testid="setting-gcAfterDays"]');
    expect(await days!.evaluate((el) => (el as HTMLInputElement).value)).toBe('14');
    const type = (value: string) =>
      days!.evaluate((el, v) => {
        (el as HTMLInputElement).value = v;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, value);
    await type('3');
    await waitFor(async () => (await world.client.call('settings.get')).gcAfterDays === 3, {
      what: 'gcAfterDays saved',
    });
    expect(await days!.evaluate((el) => (el as HTMLInputElement).value)).toBe('3');
    await world.client.call('settings.set', { gcAfterDays: 14 });
    await inBothThemes(options, async (theme) => {
      await screenshot(options, `options-${theme}`);
      expect(await seriousA11yViolations(options)).toEqual([]);
    });
  }, 60_000);
});
