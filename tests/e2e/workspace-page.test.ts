import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';

let world: ClaudeWorld;
let chrome: ExtensionBrowser;
let page: Page | undefined;

beforeAll(async () => {
  world = await claudeWorld(() => ({ text: 'ok' }));
  chrome = await launchWithExtension();
  await pairExtension(chrome, world.agent);
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await world?.close();
});

const screenText = (p: Page) => p.$eval('.xterm-rows', (el) => el.textContent ?? '').catch(() => '');

describe('the workspace page', () => {
  it('a real terminal: type, see the output, reload and see the scrollback, exit is reported; the diff shows a new file', async () => {
    const workspace = await world.workspace();
    writeFileSync(join(workspace.path, 'written-by-claude.txt'), 'hello\n');
    page = await chrome.openPage(`workspace.html#${workspace.id}`);
    try {
      await page.waitForSelector(`[data-testid="ff-diff-file"][data-path="written-by-claude.txt"]`, {
        timeout: 15_000,
      });
      await page.click('[data-testid="ff-new-terminal"]');
      await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
      await page.click('[data-testid="ff-terminal"]');
      await page.keyboard.type('echo ff-$((40+2))');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await screenText(page!)).includes('ff-42'), { what: 'ff-42 on the screen' });
      await screenshot(page, 'workspace-page');
      await page.reload();
      await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
      await waitFor(async () => (await screenText(page!)).includes('ff-42'), {
        what: 'the scrollback after a reload',
      });
      await page.click('[data-testid="ff-terminal"]');
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await screenText(page!)).includes('[exited with code 0]'), {
        what: 'the exit',
      });
    } catch (error) {
      await screenshot(page, 'workspace-page-failed');
      throw error;
    }
    expect(await page.$eval('[data-testid="ff-diff"]', (el) => el.textContent)).toContain('+1');
  }, 60_000);
});
