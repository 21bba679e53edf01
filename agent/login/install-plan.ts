import { posix, win32 } from 'node:path';
import {
  CHROME_EXTENSION_ID,
  FIREFOX_EXTENSION_ID,
  NATIVE_HOST_NAME,
} from '../../shared/extension-identity.js';
import { shellQuote } from '../shell-quote.js';
import type { ServiceEnvironment } from './service-env.js';

/**
 * What `ff-agent install` writes, for a given machine — pure, so every
 * platform's files are unit-tested here even where they cannot run:
 * the native messaging host launcher and its manifest for each browser (at
 * the browser's per-user location, or through per-user registry keys on
 * Windows), and the autostart entry (systemd user unit or XDG autostart on
 * Linux, a LaunchAgent on macOS, a Run value on Windows). Every entry runs
 * the absolute node and script paths that installed it, so a later
 * `nvm use` doesn't break login, with the environment install recorded from
 * the user's shell (service-env.ts): a login service gets a system PATH.
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
  /** PATH and the resolved `claude`, from the shell that ran install. */
  service: ServiceEnvironment;
}

/** How the agent was started, as the agent reads it from FF_LAUNCHED_BY (stop/restart go through the same way). */
export type LaunchedBy = 'systemd' | 'launchd' | 'login' | 'detached' | 'terminal';

/** The systemd unit's name, and the LaunchAgent's label (also the native host's name). */
export const SYSTEMD_UNIT = 'ff-agent.service';

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
  /** The environment every entry sets (recorded, so doctor can check it still holds). */
  service: ServiceEnvironment;
  /** The node every entry runs. */
  nodePath: string;
  /** Which login service starts the agent (none with --no-autostart). */
  autostart?: 'systemd' | 'launchd' | 'xdg' | 'windows-run';
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
  // What every entry sets, in this order; FF_LAUNCHED_BY is added per entry.
  const env: Record<string, string> = { FF_HOME: ctx.ffHome, ...ctx.service };
  const serviceEnv = (launchedBy: LaunchedBy) => Object.entries({ ...env, FF_LAUNCHED_BY: launchedBy });
  let autostart: InstallPlan['autostart'];

  files.push({
    path: launcher,
    mode: 0o755,
    purpose: 'native messaging host launcher',
    content: windows
      ? `@echo off\r\n${Object.entries(env)
          .map(([key, value]) => `set "${key}=${value}"\r\n`)
          .join('')}"${ctx.nodePath}" "${hostScript}" %*\r\n`
      : `#!/bin/sh\n# ff native messaging host (written by ff-agent install)\n${Object.entries(env)
          .map(([key, value]) => `${key}=${shellQuote(value)}\nexport ${key}\n`)
          .join('')}exec ${shellQuote(ctx.nodePath)} ${shellQuote(hostScript)} "$@"\n`,
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
    autostart =
      ctx.platform === 'win32'
        ? 'windows-run'
        : ctx.platform === 'darwin'
          ? 'launchd'
          : ctx.hasSystemd
            ? 'systemd'
            : 'xdg';
    if (autostart === 'systemd') {
      files.push({
        path: posix.join(ctx.home, '.config', 'systemd', 'user', SYSTEMD_UNIT),
        mode: 0o644,
        purpose: 'systemd user unit (starts ff-agent at login)',
        content: [
          '[Unit]',
          'Description=ff-agent: Claude Code workspaces for GitHub',
          'After=network-online.target',
          '',
          '[Service]',
          'Type=simple',
          ...serviceEnv('systemd').map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`),
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
        argv: ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT],
        purpose: 'start ff-agent now and at every login',
        undo: ['systemctl', '--user', 'disable', '--now', SYSTEMD_UNIT],
      });
    } else if (autostart === 'xdg') {
      files.push({
        path: posix.join(ctx.home, '.config', 'autostart', 'ff-agent.desktop'),
        mode: 0o644,
        purpose: 'XDG autostart entry (starts ff-agent at login)',
        content: [
          '[Desktop Entry]',
          'Type=Application',
          'Name=ff-agent',
          'Comment=Claude Code workspaces for GitHub',
          `Exec=env ${serviceEnv('login')
            .map(([key, value]) => desktopQuote(`${key}=${value}`))
            .join(' ')} ${desktopQuote(ctx.nodePath)} ${desktopQuote(cliScript)} serve`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      });
    } else if (autostart === 'launchd') {
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
  <key>EnvironmentVariables</key><dict>${serviceEnv('launchd')
    .map(([key, value]) => `<key>${xml(key)}</key><string>${xml(value)}</string>`)
    .join('')}</dict>
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
        content: `Set shell = CreateObject("WScript.Shell")\r\n${serviceEnv('login')
          .map(
            ([key, value]) => `shell.Environment("PROCESS")("${key}") = "${value.replace(/"/g, '""')}"\r\n`,
          )
          .join('')}shell.Run """${ctx.nodePath}"" ""${cliScript}"" serve", 0, False\r\n`,
      });
      registry.push({
        key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
        name: 'ff-agent',
        data: `wscript.exe "${vbs}"`,
        purpose: 'start ff-agent at login',
      });
    }
  }
  return {
    ...{ files, registry, commands, launcher },
    extensionIds: ctx.extraExtensionIds,
    service: ctx.service,
    nodePath: ctx.nodePath,
    ...(autostart ? { autostart } : {}),
  };
}

function systemdQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}
function desktopQuote(value: string): string {
  // Inside quotes, \ " ` $ take a backslash; % is the field-code escape anywhere in Exec.
  return `"${value.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}
function xml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
