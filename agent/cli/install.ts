import { homedir } from 'node:os';
import { BROWSERS, type Browser, type InstallContext, planInstall } from '../login/install-plan.js';
import { applyInstall, applyUninstall, run } from '../login/installer.js';
import { startAgentDetached } from '../login/start-detached.js';
import type { HomePaths } from '../store/home.js';
import { packageRoot } from '../version.js';
import { CliError } from './connect.js';

export interface InstallOptions {
  browser?: string;
  autostart?: boolean;
  extensionId?: string[];
  dryRun?: boolean;
  start?: boolean;
}

async function hasSystemd(): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  return (await run(['systemctl', '--user', 'show-environment'], 5_000)).ok;
}

export async function installContext(paths: HomePaths, options: InstallOptions): Promise<InstallContext> {
  const choice = options.browser ?? 'all';
  if (choice !== 'all' && !BROWSERS.includes(choice as Browser)) {
    throw new CliError(`--browser must be one of ${BROWSERS.join(', ')} or all.`);
  }
  const platform = process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
  return {
    platform,
    home: process.env.HOME ?? homedir(),
    ffHome: paths.root,
    nodePath: process.execPath,
    packageRoot,
    ...(process.env.LOCALAPPDATA ? { localAppData: process.env.LOCALAPPDATA } : {}),
    ...(process.getuid ? { uid: process.getuid() } : {}),
    browsers: choice === 'all' ? BROWSERS : [choice as Browser],
    extraExtensionIds: options.extensionId ?? [],
    autostart: options.autostart !== false,
    hasSystemd: await hasSystemd(),
  };
}

/** `ff-agent install`: native host manifests + autostart, then start the agent now. */
export async function install(paths: HomePaths, options: InstallOptions): Promise<void> {
  const plan = planInstall(await installContext(paths, options));
  if (options.dryRun) {
    for (const file of plan.files) {
      process.stdout.write(
        `# ${file.purpose}\n# ${file.path} (mode ${file.mode.toString(8)})\n${file.content}\n`,
      );
    }
    for (const value of plan.registry) {
      process.stdout.write(
        `# ${value.purpose}\nreg add ${value.key} ${value.name ? `/v ${value.name}` : '/ve'} /d ${value.data}\n\n`,
      );
    }
    for (const command of plan.commands)
      process.stdout.write(`# ${command.purpose}\n${command.argv.join(' ')}\n\n`);
    return;
  }
  const outcome = await applyInstall(plan, paths.root);
  for (const path of outcome.written) process.stdout.write(`wrote      ${path}\n`);
  for (const path of outcome.unchanged) process.stdout.write(`unchanged  ${path}\n`);
  for (const result of [...outcome.registry, ...outcome.commands]) {
    process.stdout.write(
      `${result.ok ? 'ran' : 'FAILED'}        ${result.argv.join(' ')}${result.ok ? '' : ` — ${result.output}`}\n`,
    );
  }
  if (options.start !== false) {
    const live = await startAgentDetached(paths);
    process.stdout.write(
      live
        ? `ff-agent is running on ws://127.0.0.1:${live.port}. The extension pairs by itself through the native host.\n`
        : `ff-agent did not start; see ${paths.logs}/agent-start.log\n`,
    );
  }
}

export async function uninstall(paths: HomePaths): Promise<void> {
  const outcome = await applyUninstall(paths.root);
  if (outcome.nothingInstalled) {
    process.stdout.write('Nothing to uninstall: ff-agent install has not run for this home.\n');
    return;
  }
  for (const result of outcome.commands)
    process.stdout.write(`${result.ok ? 'ran' : 'failed'}     ${result.argv.join(' ')}\n`);
  for (const path of outcome.removed) process.stdout.write(`removed    ${path}\n`);
}
