import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSERS, type InstallContext, planInstall } from '../../../../agent/login/install-plan.js';
import { serviceEnvironment } from '../../../../agent/login/service-env.js';
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
  service: {
    PATH: '/home/mona/.local/bin:/usr/bin:/bin',
    FF_CLAUDE_BIN: '/home/mona/.local/bin/claude',
  },
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
    expect(unit).toContain('Environment="FF_HOME=/home/mona/.ff"');
  });

  it('every entry carries the PATH and claude install recorded, so a login service finds what the shell found', () => {
    const unit = planInstall(base).files.at(-1)!.content;
    expect(unit).toContain('Environment="PATH=/home/mona/.local/bin:/usr/bin:/bin"');
    expect(unit).toContain('Environment="FF_CLAUDE_BIN=/home/mona/.local/bin/claude"');
    expect(unit).toContain('Environment="FF_LAUNCHED_BY=systemd"');
    const launcher = planInstall(base).files[0]!.content;
    expect(launcher).toContain("PATH='/home/mona/.local/bin:/usr/bin:/bin'\nexport PATH\n");
    expect(launcher).toContain("FF_CLAUDE_BIN='/home/mona/.local/bin/claude'\nexport FF_CLAUDE_BIN\n");
    const desktop = planInstall({ ...base, hasSystemd: false }).files.at(-1)!.content;
    expect(desktop).toContain(
      'Exec=env "FF_HOME=/home/mona/.ff" "PATH=/home/mona/.local/bin:/usr/bin:/bin" "FF_CLAUDE_BIN=/home/mona/.local/bin/claude" "FF_LAUNCHED_BY=login" ',
    );
    const plist = planInstall({ ...base, platform: 'darwin' }).files.at(-1)!.content;
    expect(plist).toContain('<key>PATH</key><string>/home/mona/.local/bin:/usr/bin:/bin</string>');
    expect(plist).toContain('<key>FF_LAUNCHED_BY</key><string>launchd</string>');
  });

  it('names the login service it sets up', () => {
    expect(planInstall(base).autostart).toBe('systemd');
    expect(planInstall({ ...base, hasSystemd: false }).autostart).toBe('xdg');
    expect(planInstall({ ...base, platform: 'darwin' }).autostart).toBe('launchd');
    expect(planInstall({ ...base, autostart: false }).autostart).toBeUndefined();
  });

  it('a value with quotes, $ or % stays one literal word in each format', () => {
    const odd = { ...base, hasSystemd: false, service: { PATH: '/opt/a "b"/$HOME/100%:/bin' } };
    expect(planInstall(odd).files.at(-1)!.content).toContain('"PATH=/opt/a \\"b\\"/\\$HOME/100%%:/bin"');
    expect(planInstall({ ...odd, hasSystemd: true }).files.at(-1)!.content).toContain(
      'Environment="PATH=/opt/a \\"b\\"/$HOME/100%%:/bin"',
    );
  });

  it('Linux without systemd: an XDG autostart entry instead', () => {
    const plan = planInstall({ ...base, hasSystemd: false });
    expect(plan.files.at(-1)?.path).toBe('/home/mona/.config/autostart/ff-agent.desktop');
    expect(plan.files.at(-1)?.content).toContain(
      '"FF_LAUNCHED_BY=login" "/home/mona/.nvm/versions/node/v22.0.0/bin/node"',
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

describe('serviceEnvironment', () => {
  const found = {
    platform: 'linux' as const,
    node: '/home/mona/.nvm/versions/node/v22.0.0/bin/node',
    git: '/usr/bin/git',
  };
  it.each([
    {
      case: "keeps the shell's PATH in order, with node's folder first when the shell lacked it",
      shellPath: '/home/mona/.local/bin:/usr/bin:/bin',
      claude: '/home/mona/.local/bin/claude',
      PATH: '/home/mona/.nvm/versions/node/v22.0.0/bin:/home/mona/.local/bin:/usr/bin:/bin',
    },
    {
      case: "drops npm's per-command node_modules/.bin and relative entries",
      shellPath:
        '/home/mona/src/ff/node_modules/.bin:.:bin:/home/mona/.nvm/versions/node/v22.0.0/bin:/usr/bin',
      claude: undefined,
      PATH: '/home/mona/.nvm/versions/node/v22.0.0/bin:/usr/bin',
    },
    {
      case: 'adds the folder of a claude found outside the PATH (FF_CLAUDE_BIN), once',
      shellPath: '/usr/bin:/usr/bin:/home/mona/.nvm/versions/node/v22.0.0/bin',
      claude: '/opt/claude/bin/claude',
      PATH: '/opt/claude/bin:/usr/bin:/home/mona/.nvm/versions/node/v22.0.0/bin',
    },
  ])('$case', ({ shellPath, claude, PATH }) => {
    const env = serviceEnvironment({ ...found, shellPath, claude });
    expect(env.PATH).toBe(PATH);
    expect(env.FF_CLAUDE_BIN).toBe(claude);
  });
});
