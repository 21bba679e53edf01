import { posix, win32 } from 'node:path';
import {
  CHROME_EXTENSION_ID,
  FIREFOX_EXTENSION_ID,
  NATIVE_HOST_NAME,
} from '../../shared/extension-identity.js';
import { shellQuote } from '../shell-quote.js';

/**
 * What `ff-agent install` writes, for a given machine — pure, so every
 * platform's files are unit-tested here even where they cannot run:
 * the native messaging host launcher and its manifest for each browser (at
 * the browser's per-user location, or through per-user registry keys on
 * Windows), and the autostart entry (systemd user unit or XDG autostart on
 * Linux, a LaunchAgent on macOS, a Run value on Windows). Every entry runs
 * the absolute node and script paths that installed it, so a later
 * `nvm use` doesn't break login.
 */
export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];

export interface InstallContext {
  platform: 'linux' | 'darwin' | 'win32';
  /** The user's home directory. */
  home: string;
  /** ff's home (FF_HOME). */
  ffHome: string;
  nodePath: string;
  packageRoot: string;
  /** %LOCALAPPDATA% on Windows. */
  localAppData?: string;
  uid?: number;
  browsers: readonly Browser[];
  extraExtensionIds: readonly string[];
  autostart: boolean;
  /** Whether `systemctl --user` works here (Linux). */
  hasSystemd: boolean;
}

export interface PlannedFile {
  path: string;
  content: string;
  mode: number;
  purpose: string;
}

export interface PlannedRegistryValue {
  key: string;
  /** undefined = the key's default value. */
  name?: string;
  data: string;
  purpose: string;
}

export interface PlannedCommand {
  argv: string[];
  purpose: string;
  /** The command that reverses it (run by uninstall). */
  undo?: string[];
}

export interface InstallPlan {
  files: PlannedFile[];
  registry: PlannedRegistryValue[];
  commands: PlannedCommand[];
  /** The launcher the manifests point at. */
  launcher: string;
  /** Extension ids allowed besides ff's own (recorded, so the agent allows them too). */
  extensionIds: readonly string[];
}

const isChromeId = (id: string) => /^[a-p]{32}$/.test(id);

function chromeManifestDirs(ctx: InstallContext): Record<Exclude<Browser, 'firefox'>, string> {
  const p = posix.join;
  if (ctx.platform === 'darwin') {
    const support = p(ctx.home, 'Library', 'Application Support');
    return {
      chrome: p(support, 'Google', 'Chrome', 'NativeMessagingHosts'),
      chromium: p(support, 'Chromium', 'NativeMessagingHosts'),
      edge: p(support, 'Microsoft Edge', 'NativeMessagingHosts'),
      brave: p(support, 'BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts'),
    };
  }
  const config = p(ctx.home, '.config');
  return {
    chrome: p(config, 'google-chrome', 'NativeMessagingHosts'),
    chromium: p(config, 'chromium', 'NativeMessagingHosts'),
    edge: p(config, 'microsoft-edge', 'NativeMessagingHosts'),
    brave: p(config, 'BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts'),
  };
}

const WINDOWS_REGISTRY: Record<Browser, string> = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

export function manifestFor(
  browser: Browser,
  launcher: string,
  extraIds: readonly string[],
): Record<string, unknown> {
  const base = {
    name: NATIVE_HOST_NAME,
    description: 'ff-agent: hands the ff extension the address and token of the local agent',
    path: launcher,
    type: 'stdio',
  };
  if (browser === 'firefox') {
    return {
      ...base,
      allowed_extensions: [FIREFOX_EXTENSION_ID, ...extraIds.filter((id) => !isChromeId(id))],
    };
  }
  return {
    ...base,
    allowed_origins: [CHROME_EXTENSION_ID, ...extraIds.filter(isChromeId)].map(
      (id) => `chrome-extension://${id}/`,
    ),
  };
}

export function planInstall(ctx: InstallContext): InstallPlan {
  const windows = ctx.platform === 'win32';
  const path = windows ? win32 : posix;
  const hostScript = path.join(ctx.packageRoot, 'dist', 'native-host', 'host.js');
  const cliScript = path.join(ctx.packageRoot, 'dist', 'agent', 'cli', 'main.js');
  const hostDir = windows
    ? win32.join(ctx.localAppData ?? win32.join(ctx.home, 'AppData', 'Local'), 'ff', 'native-host')
    : posix.join(ctx.ffHome, 'native-host');
  const launcher = path.join(hostDir, windows ? 'ff-native-host.cmd' : 'ff-native-host');
  const files: PlannedFile[] = [];
  const registry: PlannedRegistryValue[] = [];
  const commands: PlannedCommand[] = [];

  files.push({
    path: launcher,
    mode: 0o755,
    purpose: 'native messaging host launcher',
    content: windows
      ? `@echo off\r\nset "FF_HOME=${ctx.ffHome}"\r\n"${ctx.nodePath}" "${hostScript}" %*\r\n`
      : `#!/bin/sh\n# ff native messaging host (written by ff-agent install)\nFF_HOME=${shellQuote(ctx.ffHome)}\nexport FF_HOME\nexec ${shellQuote(ctx.nodePath)} ${shellQuote(hostScript)} "$@"\n`,
  });

  for (const browser of ctx.browsers) {
    const content = `${JSON.stringify(manifestFor(browser, launcher, ctx.extraExtensionIds), null, 2)}\n`;
    if (windows) {
      const file = win32.join(hostDir, `${NATIVE_HOST_NAME}.${browser}.json`);
      files.push({ path: file, mode: 0o644, content, purpose: `native host manifest for ${browser}` });
      registry.push({
        key: `${WINDOWS_REGISTRY[browser]}\\${NATIVE_HOST_NAME}`,
        data: file,
        purpose: `${browser} finds the manifest here`,
      });
    } else {
      const dir =
        browser === 'firefox'
          ? ctx.platform === 'darwin'
            ? posix.join(ctx.home, 'Library', 'Application Support', 'Mozilla', 'NativeMessagingHosts')
            : posix.join(ctx.home, '.mozilla', 'native-messaging-hosts')
          : chromeManifestDirs(ctx)[browser];
      files.push({
        path: posix.join(dir, `${NATIVE_HOST_NAME}.json`),
        mode: 0o644,
        content,
        purpose: `native host manifest for ${browser}`,
      });
    }
  }

  if (ctx.autostart) {
    if (ctx.platform === 'linux' && ctx.hasSystemd) {
      files.push({
        path: posix.join(ctx.home, '.config', 'systemd', 'user', 'ff-agent.service'),
        mode: 0o644,
        purpose: 'systemd user unit (starts ff-agent at login)',
        content: [
          '[Unit]',
          'Description=ff-agent: Claude Code workspaces for GitHub',
          'After=network-online.target',
          '',
          '[Service]',
          'Type=simple',
          `Environment=FF_HOME=${systemdQuote(ctx.ffHome)}`,
          `ExecStart=${systemdQuote(ctx.nodePath)} ${systemdQuote(cliScript)} serve`,
          'Restart=on-failure',
          'RestartSec=5',
          '',
          '[Install]',
          'WantedBy=default.target',
          '',
        ].join('\n'),
      });
      commands.push({ argv: ['systemctl', '--user', 'daemon-reload'], purpose: 'load the unit' });
      commands.push({
        argv: ['systemctl', '--user', 'enable', '--now', 'ff-agent.service'],
        purpose: 'start ff-agent now and at every login',
        undo: ['systemctl', '--user', 'disable', '--now', 'ff-agent.service'],
      });
    } else if (ctx.platform === 'linux') {
      files.push({
        path: posix.join(ctx.home, '.config', 'autostart', 'ff-agent.desktop'),
        mode: 0o644,
        purpose: 'XDG autostart entry (starts ff-agent at login)',
        content: [
          '[Desktop Entry]',
          'Type=Application',
          'Name=ff-agent',
          'Comment=Claude Code workspaces for GitHub',
          `Exec=env FF_HOME=${desktopQuote(ctx.ffHome)} ${desktopQuote(ctx.nodePath)} ${desktopQuote(cliScript)} serve`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      });
    } else if (ctx.platform === 'darwin') {
      const plist = posix.join(ctx.home, 'Library', 'LaunchAgents', `${NATIVE_HOST_NAME}.plist`);
      files.push({
        path: plist,
        mode: 0o644,
        purpose: 'LaunchAgent (starts ff-agent at login, restarts it after a crash)',
        content: `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${NATIVE_HOST_NAME}</string>
  <key>ProgramArguments</key>
  <array><string>${xml(ctx.nodePath)}</string><string>${xml(cliScript)}</string><string>serve</string></array>
  <key>EnvironmentVariables</key><dict><key>FF_HOME</key><string>${xml(ctx.ffHome)}</string></dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>StandardErrorPath</key><string>${xml(posix.join(ctx.ffHome, 'logs', 'launchd.log'))}</string>
</dict>
</plist>
`,
      });
      commands.push({
        argv: ['launchctl', 'bootstrap', `gui/${ctx.uid ?? 501}`, plist],
        purpose: 'load it now',
        undo: ['launchctl', 'bootout', `gui/${ctx.uid ?? 501}/${NATIVE_HOST_NAME}`],
      });
    } else {
      const vbs = win32.join(hostDir, 'ff-agent-hidden.vbs');
      files.push({
        path: vbs,
        mode: 0o644,
        purpose: 'starts ff-agent without a console window',
        content: `Set shell = CreateObject("WScript.Shell")\r\nshell.Environment("PROCESS")("FF_HOME") = "${ctx.ffHome}"\r\nshell.Run """${ctx.nodePath}"" ""${cliScript}"" serve", 0, False\r\n`,
      });
      registry.push({
        key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
        name: 'ff-agent',
        data: `wscript.exe "${vbs}"`,
        purpose: 'start ff-agent at login',
      });
    }
  }
  return { files, registry, commands, launcher, extensionIds: ctx.extraExtensionIds };
}

function systemdQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}
function desktopQuote(value: string): string {
  return `"${value.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}
function xml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
