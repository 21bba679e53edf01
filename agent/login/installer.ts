import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { InstallPlan } from './install-plan.js';

/** What install wrote, so uninstall removes exactly that and nothing else. */
const InstallRecord = z.object({
  files: z.array(z.string()),
  /** Directories install had to create (removed again when empty). */
  directories: z.array(z.string()),
  registry: z.array(z.object({ key: z.string(), name: z.string().optional() })),
  undo: z.array(z.array(z.string())),
  /** `--extension-id`s: the native host manifests allow them, and so does the agent. */
  extensionIds: z.array(z.string()).default([]),
  /** What the login service runs with (absent in records of versions before it was kept). */
  service: z.object({ PATH: z.string(), FF_CLAUDE_BIN: z.string().optional(), node: z.string() }).optional(),
  /** Which login service install set up, if any. */
  autostart: z.enum(['systemd', 'launchd', 'xdg', 'windows-run']).optional(),
  installedAt: z.string(),
});
type InstallRecord = z.infer<typeof InstallRecord>;

/** The extension ids `ff-agent install --extension-id` added (none when install has not run). */
export function installedExtensionIds(ffHome: string): string[] {
  return readRecord(ffHome)?.extensionIds ?? [];
}

/** What install recorded for the login service; undefined when install has not run (or kept none). */
export function installedService(
  ffHome: string,
): Pick<InstallRecord, 'service' | 'autostart' | 'installedAt'> | undefined {
  const record = readRecord(ffHome);
  return record && { service: record.service, autostart: record.autostart, installedAt: record.installedAt };
}

export interface CommandResult {
  argv: string[];
  ok: boolean;
  output: string;
}

export function run(argv: string[], timeoutMs = 20_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ argv, ok: !error, output: `${stdout}${stderr}`.trim() || (error ? error.message : '') });
    });
  });
}

const recordPath = (ffHome: string) => join(ffHome, 'install.json');

function readRecord(ffHome: string): InstallRecord | undefined {
  try {
    return InstallRecord.parse(JSON.parse(readFileSync(recordPath(ffHome), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Creates `dir` and its missing parents, returning the ones it created (outermost first). */
function makeDirs(dir: string): string[] {
  const created: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    created.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  mkdirSync(dir, { recursive: true });
  return created;
}

export interface InstallOutcome {
  written: string[];
  unchanged: string[];
  registry: CommandResult[];
  commands: CommandResult[];
}

/**
 * Writes the plan. Idempotent: a file whose content is already right is not
 * touched, and a second install changes nothing on disk.
 */
export async function applyInstall(plan: InstallPlan, ffHome: string): Promise<InstallOutcome> {
  const previous = readRecord(ffHome);
  const outcome: InstallOutcome = { written: [], unchanged: [], registry: [], commands: [] };
  const directories = new Set(previous?.directories ?? []);
  for (const file of plan.files) {
    if (existsSync(file.path) && readFileSync(file.path, 'utf8') === file.content) {
      outcome.unchanged.push(file.path);
      continue;
    }
    for (const dir of makeDirs(dirname(file.path))) directories.add(dir);
    writeFileSync(file.path, file.content, { mode: file.mode });
    chmodSync(file.path, file.mode);
    outcome.written.push(file.path);
  }
  for (const value of plan.registry) {
    outcome.registry.push(
      await run([
        'reg',
        'add',
        value.key,
        ...(value.name ? ['/v', value.name] : ['/ve']),
        '/t',
        'REG_SZ',
        '/d',
        value.data,
        '/f',
      ]),
    );
  }
  for (const command of plan.commands) outcome.commands.push(await run(command.argv));
  const record: InstallRecord = {
    files: [...new Set([...(previous?.files ?? []), ...plan.files.map((f) => f.path)])],
    directories: [...directories].filter((d) => !d.startsWith(ffHome)),
    registry: plan.registry.map((r) => ({ key: r.key, ...(r.name ? { name: r.name } : {}) })),
    undo: plan.commands.flatMap((c) => (c.undo ? [c.undo] : [])),
    extensionIds: [...plan.extensionIds],
    service: { ...plan.service, node: plan.nodePath },
    ...(plan.autostart ? { autostart: plan.autostart } : {}),
    installedAt: previous?.installedAt ?? new Date().toISOString(),
  };
  if (
    JSON.stringify({ ...record, installedAt: '' }) !==
    JSON.stringify({ ...(previous ?? {}), installedAt: '' })
  ) {
    writeFileAtomic(recordPath(ffHome), `${JSON.stringify(record, null, 2)}\n`);
  }
  return outcome;
}

export interface UninstallOutcome {
  removed: string[];
  commands: CommandResult[];
  nothingInstalled: boolean;
}

/** Removes exactly what install recorded: undo commands first (stop the service), then files, keys, empty folders. */
export async function applyUninstall(ffHome: string): Promise<UninstallOutcome> {
  const record = readRecord(ffHome);
  if (!record) return { removed: [], commands: [], nothingInstalled: true };
  const commands: CommandResult[] = [];
  for (const argv of record.undo) commands.push(await run(argv));
  const removed: string[] = [];
  for (const file of record.files) {
    if (existsSync(file)) {
      rmSync(file, { force: true });
      removed.push(file);
    }
  }
  for (const value of record.registry) {
    commands.push(await run(['reg', 'delete', value.key, ...(value.name ? ['/v', value.name] : []), '/f']));
  }
  for (const dir of [...record.directories].sort((a, b) => b.length - a.length)) {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  }
  rmSync(recordPath(ffHome), { force: true });
  const hostDir = join(ffHome, 'native-host');
  if (existsSync(hostDir) && readdirSync(hostDir).length === 0) rmdirSync(hostDir);
  return { removed, commands, nothingInstalled: false };
}
