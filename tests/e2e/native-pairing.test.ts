import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '../../shared/extension-identity.js';
import { agentFileOf, runCli, stopDetachedAgent } from '../helpers/agent-process.js';
import { type ExtensionBrowser, launchWithExtension, screenshot } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('ff-native-');
const home = join(dir.path, 'home');
const ffHome = join(dir.path, 'ff-home');
let chrome: ExtensionBrowser | undefined;

afterAll(async () => {
  await chrome?.close();
  await stopDetachedAgent(ffHome);
  dir.cleanup();
});

describe('zero-config pairing through the native messaging host', () => {
  it('with the host installed and the agent stopped, the extension starts the agent and pairs — no token typed', async () => {
    const env = { HOME: home, FF_HOME: ffHome, PATH: process.env.PATH ?? '' };
    const installed = await runCli(['install', '--browser', 'chromium', '--no-autostart', '--no-start'], env);
    expect(installed.code).toBe(0);
    expect(agentFileOf(ffHome)?.pid).toBeUndefined();
    // Chromium with its own --user-data-dir reads user-level host manifests from <user-data-dir>/NativeMessagingHosts.
    chrome = await launchWithExtension([], (profile) => {
      mkdirSync(join(profile, 'NativeMessagingHosts'), { recursive: true });
      copyFileSync(
        join(home, '.config', 'chromium', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`),
        join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`),
      );
    });
    const popup = await chrome.openPage('popup.html');
    try {
      await popup.waitForSelector('[data-testid="connection-state"][data-status="connected"]', {
        timeout: 30_000,
      });
    } catch (error) {
      await screenshot(popup, 'native-pairing-failed');
      throw error;
    }
    const info = agentFileOf(ffHome);
    expect(info?.pid).toBeGreaterThan(0);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(status).toMatchObject({ running: true, counts: { clients: expect.any(Number) } });
    expect(status.lastExtensionSeenAt).toBeDefined();
  }, 60_000);
});
