import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSERS, type InstallContext, planInstall } from '../../../../agent/login/install-plan.js';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../../../shared/extension-identity.js';
import { tempDir } from '../../../helpers/temp.js';

const base: InstallContext = {
  platform: 'linux',
  home: '/home/mona',
  ffHome: '/home/mona/.ff',
  nodePath: '/home/mona/.nvm/versions/node/v22.0.0/bin/node',
  packageRoot: '/home/mona/src/ff',
  browsers: BROWSERS,
  extraExtensionIds: [],
  autostart: true,
  hasSystemd: true,
  uid: 1000,
};

const paths = (ctx: InstallContext) => planInstall(ctx).files.map((f) => f.path);

describe('planInstall', () => {
  it("Linux: manifests at each browser's per-user location, a launcher, a systemd user unit", () => {
    expect(paths(base)).toEqual([
      '/home/mona/.ff/native-host/ff-native-host',
      '/home/mona/.config/google-chrome/NativeMessagingHosts/dev.ff.agent.json',
      '/home/mona/.config/chromium/NativeMessagingHosts/dev.ff.agent.json',
      '/home/mona/.config/microsoft-edge/NativeMessagingHosts/dev.ff.agent.json',
      '/home/mona/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.ff.agent.json',
      '/home/mona/.mozilla/native-messaging-hosts/dev.ff.agent.json',
      '/home/mona/.config/systemd/user/ff-agent.service',
    ]);
    const plan = planInstall(base);
    expect(plan.commands.map((c) => c.argv.join(' '))).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable --now ff-agent.service',
    ]);
    expect(plan.commands[1]?.undo).toEqual(['systemctl', '--user', 'disable', '--now', 'ff-agent.service']);
  });

  it('manifests allow exactly our extension (plus --extension-id), and point at the launcher', () => {
    const plan = planInstall({
      ...base,
      extraExtensionIds: ['abcdefghijklmnopabcdefghijklmnop', 'dev@example.org'],
    });
    const chrome = JSON.parse(plan.files[1]!.content);
    expect(chrome).toEqual({
      name: 'dev.ff.agent',
      description: expect.any(String),
      path: '/home/mona/.ff/native-host/ff-native-host',
      type: 'stdio',
      allowed_origins: [
        `chrome-extension://${CHROME_EXTENSION_ID}/`,
        'chrome-extension://abcdefghijklmnopabcdefghijklmnop/',
      ],
    });
    const firefox = JSON.parse(plan.files[5]!.content);
    expect(firefox.allowed_extensions).toEqual([FIREFOX_EXTENSION_ID, 'dev@example.org']);
    expect(firefox.allowed_origins).toBeUndefined();
  });

  it('the launcher and the unit run the absolute node that installed them', () => {
    const plan = planInstall(base);
    expect(plan.files[0]!.content).toContain(
      `exec '${base.nodePath}' '/home/mona/src/ff/dist/native-host/host.js' "$@"`,
    );
    expect(plan.files[0]!.mode).toBe(0o755);
    const unit = plan.files.at(-1)!.content;
    expect(unit).toContain(`ExecStart="${base.nodePath}" "/home/mona/src/ff/dist/agent/cli/main.js" serve`);
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('WantedBy=default.target');
    expect(unit).toContain('Environment=FF_HOME="/home/mona/.ff"');
  });

  it('Linux without systemd: an XDG autostart entry instead', () => {
    const plan = planInstall({ ...base, hasSystemd: false });
    expect(plan.files.at(-1)?.path).toBe('/home/mona/.config/autostart/ff-agent.desktop');
    expect(plan.files.at(-1)?.content).toContain(
      'Exec=env FF_HOME="/home/mona/.ff" "/home/mona/.nvm/versions/node/v22.0.0/bin/node"',
    );
    expect(plan.commands).toEqual([]);
  });

  it('macOS: Application Support locations and a LaunchAgent loaded with launchctl bootstrap', () => {
    const mac = {
      ...base,
      platform: 'darwin' as const,
      home: '/Users/mona',
      ffHome: '/Users/mona/.ff',
      uid: 501,
    };
    expect(paths(mac)).toEqual([
      '/Users/mona/.ff/native-host/ff-native-host',
      '/Users/mona/Library/Application Support/Google/Chrome/NativeMessagingHosts/dev.ff.agent.json',
      '/Users/mona/Library/Application Support/Chromium/NativeMessagingHosts/dev.ff.agent.json',
      '/Users/mona/Library/Application Support/Microsoft Edge/NativeMessagingHosts/dev.ff.agent.json',
      '/Users/mona/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.ff.agent.json',
      '/Users/mona/Library/Application Support/Mozilla/NativeMessagingHosts/dev.ff.agent.json',
      '/Users/mona/Library/LaunchAgents/dev.ff.agent.plist',
    ]);
    const plan = planInstall(mac);
    const plist = plan.files.at(-1)!.content;
    expect(plist).toContain('<key>RunAtLoad</key><true/>');
    expect(plist).toContain('<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>');
    expect(plan.commands[0]?.argv).toEqual([
      'launchctl',
      'bootstrap',
      'gui/501',
      '/Users/mona/Library/LaunchAgents/dev.ff.agent.plist',
    ]);
  });

  it('Windows: manifests under LOCALAPPDATA, registered per user, and a hidden Run entry', () => {
    const win = {
      ...base,
      platform: 'win32' as const,
      home: 'C:\\Users\\mona',
      ffHome: 'C:\\Users\\mona\\.ff',
      localAppData: 'C:\\Users\\mona\\AppData\\Local',
      nodePath: 'C:\\Program Files\\nodejs\\node.exe',
      packageRoot: 'C:\\src\\ff',
    };
    const plan = planInstall(win);
    expect(plan.launcher).toBe('C:\\Users\\mona\\AppData\\Local\\ff\\native-host\\ff-native-host.cmd');
    expect(plan.files[0]!.content).toContain(
      '"C:\\Program Files\\nodejs\\node.exe" "C:\\src\\ff\\dist\\native-host\\host.js" %*',
    );
    expect(plan.registry.map((r) => [r.key, r.name ?? '(default)'])).toEqual([
      ['HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\dev.ff.agent', '(default)'],
      ['HKCU\\Software\\Chromium\\NativeMessagingHosts\\dev.ff.agent', '(default)'],
      ['HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\dev.ff.agent', '(default)'],
      ['HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\dev.ff.agent', '(default)'],
      ['HKCU\\Software\\Mozilla\\NativeMessagingHosts\\dev.ff.agent', '(default)'],
      ['HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', 'ff-agent'],
    ]);
    expect(plan.registry[0]!.data).toBe(
      'C:\\Users\\mona\\AppData\\Local\\ff\\native-host\\dev.ff.agent.chrome.json',
    );
    expect(plan.registry.at(-1)!.data).toMatch(/^wscript\.exe ".*ff-agent-hidden\.vbs"$/);
  });

  it('--no-autostart and --browser narrow the plan', () => {
    expect(paths({ ...base, autostart: false, browsers: ['firefox'] })).toEqual([
      '/home/mona/.ff/native-host/ff-native-host',
      '/home/mona/.mozilla/native-messaging-hosts/dev.ff.agent.json',
    ]);
  });

  it('the systemd unit passes systemd-analyze verify (where systemd is installed)', () => {
    let available = true;
    try {
      execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    } catch {
      available = false;
    }
    if (!available) return; // not on this machine; the content checks above still hold
    const dir = tempDir();
    const unit = planInstall({ ...base, nodePath: process.execPath, packageRoot: dir.path }).files.at(-1)!;
    mkdirSync(join(dir.path, 'dist', 'agent', 'cli'), { recursive: true });
    writeFileSync(join(dir.path, 'dist', 'agent', 'cli', 'main.js'), '');
    const file = join(dir.path, 'ff-agent.service');
    writeFileSync(file, unit.content);
    // System mode: --user needs a user session manager, which CI does not have; the syntax checks are the same.
    execFileSync('systemd-analyze', ['verify', file], { stdio: 'pipe' });
    dir.cleanup();
  });
});
