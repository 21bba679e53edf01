import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { closeServer, listenOnLoopback } from '../fakes/loopback.js';
import { repoRoot } from './agent-process.js';
import { tempDir } from './temp.js';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxExtensionDir = join(repoRoot, '.output', 'firefox-mv2');

/**
 * Firefox has no --host-resolver-rules: it reaches the fake github.com through
 * this loopback proxy, which tunnels CONNECT github.com:443 (and nothing else)
 * to the fake site's port.
 */
export async function hostMappingProxy(hosts: Record<string, number>) {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    const target = host && port === '443' ? hosts[host] : undefined;
    if (target === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(target, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

export interface FirefoxWithExtension {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Debian's Firefox ESR over WebDriver BiDi, with the built MV2 extension
 * installed as a temporary add-on (BiDi webExtension.install) and github.com
 * sent to the fake site through the proxy. Loopback only: every other host
 * is refused by the proxy, and the agent's ws://127.0.0.1 goes direct.
 */
export async function launchFirefoxWithExtension(sitePort: number): Promise<FirefoxWithExtension> {
  if (!existsSync(firefoxPath)) throw new Error(`Firefox not found at ${firefoxPath}; set FIREFOX_PATH.`);
  const profile = tempDir('ff-firefox-');
  const proxy = await hostMappingProxy({ 'github.com': sitePort });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    acceptInsecureCerts: true,
    userDataDir: profile.path,
    extraPrefsFirefox: {
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
      'network.proxy.allow_hijacking_localhost': false,
      'network.dns.disableIPv6': true,
      'app.update.enabled': false,
      'extensions.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  await browser.installExtension(firefoxExtensionDir);
  return {
    browser,
    async close() {
      await browser.close();
      await proxy.close();
      profile.cleanup();
    },
  };
}
