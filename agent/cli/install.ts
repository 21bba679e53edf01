import { homedir } from 'node:os';
import { findExecutable, isExecutableFile } from '../executables.js';
import { BROWSERS, type Browser, type InstallContext, planInstall } from '../login/install-plan.js';
import { applyInstall, applyUninstall, run } from '../login/installer.js';
import { type ServiceEnvironment, serviceEnvironment } from '../login/service-env.js';
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

/**
 * What the login service needs from this shell: its PATH (minus npm's per-command folders) and
 * the `claude` it finds — FF_CLAUDE_BIN when set, as the agent itself would choose.
 */
export function shellServiceEnvironment(
  platform: InstallContext['platform'],
  env: NodeJS.ProcessEnv = process.env,
): ServiceEnvironment {
  const shellPath = env.PATH ?? '';
  // Looked up on the PATH the service will get, so a `claude` only npx could see is not recorded.
  const usable = serviceEnvironment({ platform, shellPath, node: process.execPath }).PATH;
  const explicit = env.FF_CLAUDE_BIN?.trim();
  const claude = explicit && isExecutableFile(explicit) ? explicit : findExecutable('claude', usable);
  return serviceEnvironment({
    platform,
    shellPath,
    node: process.execPath,
    claude,
    gh: findExecutable('gh', usable),
    git: findExecutable('git', usable),
  });
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
    service: shellServiceEnvironment(platform),
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
  process.stdout.write(recordedLines(plan.service, plan.autostart));
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

/** What install recorded for the service, in words: a login service knows only what its file says. */
export function recordedLines(service: ServiceEnvironment, autostart: string | undefined): string {
  const where = autostart ? 'the login service and the native host' : 'the native host';
  return [
    `Recorded for ${where}:`,
    service.FF_CLAUDE_BIN
      ? `  claude  ${service.FF_CLAUDE_BIN}`
      : '  claude  NOT FOUND on your PATH: sessions will fail. Install Claude Code, then run `ff-agent install` again.',
    `  PATH    ${service.PATH}`,
    `  node    ${process.execPath}`,
    'After installing tools elsewhere (or moving claude), run `ff-agent install` again.',
    '',
  ].join('\n');
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
