import { signal } from '@preact/signals';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import type { Project, Settings } from '../../../shared/domain.js';
import type { RatchetSettings } from '../../../shared/ratchet.js';
import { FIXABLE_STATES, type RatchetSwitch } from '../../../shared/ratchet-states.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { PairForm } from '../../components/pair-form.js';
import { AgentPort } from '../../lib/agent-port.js';
import {
  ENTERPRISE_HOSTS_KEY,
  enterpriseHostsFrom,
  grantedHosts,
  originPattern,
  parseEnterpriseHost,
} from '../../lib/enterprise-hosts.js';
import {
  defaultNotificationSettings,
  NOTIFICATION_SETTINGS_KEY,
  type NotificationKind,
  NotificationKinds,
  type NotificationSettings,
  notificationSettingsFrom,
} from '../../lib/notifications.js';
import '../../lib/primer.js';
import '../popup/style.css';
import { errorText } from '../../../shared/error-text.js';

const agent = new AgentPort();
const projects = signal<Project[]>([]);
const ratchet = signal<RatchetSettings | undefined>(undefined);
const permissionMode = signal<'bypassPermissions' | 'ask'>('bypassPermissions');
const trustOutsideAuthors = signal(false);
const disk = signal<Pick<Settings, DiskKey> | undefined>(undefined);
type DiskKey = 'snapshotIgnoredMaxMb' | 'gcAfterDays' | 'archiveRetentionDays';
const message = signal('');

async function load(): Promise<void> {
  if (agent.connection.value?.status !== 'connected') return;
  try {
    projects.value = await agent.call('project.list');
    ratchet.value = (await agent.call('ratchet.settings.get')).settings;
    const settings = await agent.call('settings.get');
    permissionMode.value = settings.defaultPermissionMode;
    trustOutsideAuthors.value = settings.trustOutsideAuthors;
    disk.value = {
      snapshotIgnoredMaxMb: settings.snapshotIgnoredMaxMb,
      gcAfterDays: settings.gcAfterDays,
      archiveRetentionDays: settings.archiveRetentionDays,
    };
  } catch (error) {
    message.value = errorText(error);
  }
}
agent.connection.subscribe((state) => {
  if (state?.status === 'connected') void load();
});

async function act(work: () => Promise<unknown>, done: string): Promise<void> {
  try {
    await work();
    message.value = done;
    await load();
  } catch (error) {
    message.value = errorText(error);
  }
}

function Projects() {
  const add = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const path = String(data.get('path')).trim();
    const setup = String(data.get('setup')).trim();
    void act(
      () => agent.call('project.add', { path, ...(setup ? { setupScript: setup } : {}) }),
      `Added ${path}.`,
    ).then(() => form.reset());
  };
  return (
    <section>
      <h2>Projects</h2>
      <ul data-testid="projects">
        {projects.value.map((p) => (
          <li key={p.id}>
            <strong>
              {p.owner}/{p.repo}
            </strong>{' '}
            <code>{p.path}</code>{' '}
            <button
              type="button"
              onClick={() =>
                void act(
                  () => agent.call('project.remove', { project: p.id }),
                  `Removed ${p.owner}/${p.repo}.`,
                )
              }
            >
              Remove
            </button>
          </li>
        ))}
        {projects.value.length === 0 && (
          <li class="ff-muted">No projects yet: add the path of a local clone.</li>
        )}
      </ul>
      <form onSubmit={add} class="ff-form" data-testid="add-project">
        <label>
          Local clone <input name="path" placeholder="/home/you/src/app" required />
        </label>
        <label>
          Setup command (optional) <input name="setup" placeholder="npm ci" />
        </label>
        <button type="submit">Add project</button>
      </form>
    </section>
  );
}

function Ratchet() {
  const settings = ratchet.value;
  if (!settings) return null;
  const set = (patch: Partial<RatchetSettings>) =>
    void act(() => agent.call('ratchet.settings.set', { patch }), 'Ratchet settings saved.');
  const toggle = (key: RatchetSwitch, label: string) => (
    <label key={key}>
      <input
        type="checkbox"
        checked={settings[key]}
        onChange={(e) => set({ [key]: (e.currentTarget as HTMLInputElement).checked })}
      />{' '}
      {label}
    </label>
  );
  return (
    <section data-testid="ratchet-settings">
      <h2>Ratchet</h2>
      {toggle('enabled', 'Watch pull requests')}
      {FIXABLE_STATES.map((fix) => toggle(fix.setting, fix.option))}
      {toggle('autoMerge', 'Merge when ready')}
      <label>
        Allowed reviewers (comma-separated; empty = everyone){' '}
        <input
          value={settings.allowedReviewers.join(', ')}
          onChange={(e) =>
            set({
              allowedReviewers: (e.currentTarget as HTMLInputElement).value
                .split(',')
                .map((s) => s.trim().replace(/^@/, ''))
                .filter(Boolean),
            })
          }
        />
      </label>
      <label>
        Max fix attempts per PR{' '}
        <input
          type="number"
          min={1}
          max={50}
          value={settings.maxAttempts}
          onChange={(e) => set({ maxAttempts: Number((e.currentTarget as HTMLInputElement).value) })}
        />
      </label>
    </section>
  );
}

const DISK_FIELDS: Array<{ key: DiskKey; label: string; max: number; hint: string }> = [
  {
    key: 'snapshotIgnoredMaxMb',
    label: 'Leave ignored files or folders over this many MB out of snapshots',
    max: 100_000,
    hint: 'Before ff removes a worktree it keeps everything in it on refs/ff/archive/…; big ignored folders like node_modules are named, not kept.',
  },
  {
    key: 'gcAfterDays',
    label: 'ff-agent gc removes merged or archived workspaces after (days)',
    max: 3650,
    hint: 'Their worktrees are snapshotted first; a branch goes only when ff created it and origin has every commit.',
  },
  {
    key: 'archiveRetentionDays',
    label: 'ff-agent gc deletes snapshots older than (days)',
    max: 3650,
    hint: 'After that, ff-agent workspace restore brings back the branch only.',
  },
];

/** Snapshots and `ff-agent gc`: the numbers only `settings.set` could change before. */
function Disk() {
  const values = disk.value;
  if (!values) return null;
  const save = (key: DiskKey, input: HTMLInputElement) => {
    const value = Number(input.value);
    const field = DISK_FIELDS.find((f) => f.key === key)!;
    if (input.value.trim() === '' || !Number.isInteger(value) || value < 0 || value > field.max) {
      message.value = `${field.label}: a whole number from 0 to ${field.max}; nothing changed.`;
      input.value = String(values[key]);
      return;
    }
    void act(() => agent.call('settings.set', { [key]: value }), 'Saved.');
  };
  return (
    <section data-testid="disk-settings">
      <h2>Disk</h2>
      {DISK_FIELDS.map((field) => (
        <div key={field.key} class="ff-field">
          <label>
            {field.label}{' '}
            <input
              type="number"
              min={0}
              max={field.max}
              step={1}
              name={field.key}
              data-testid={`setting-${field.key}`}
              value={values[field.key]}
              onChange={(e) => save(field.key, e.currentTarget as HTMLInputElement)}
            />
          </label>
          <p class="ff-muted">{field.hint}</p>
        </div>
      ))}
    </section>
  );
}

const notifications = signal<NotificationSettings>(defaultNotificationSettings);
void browser.storage.local.get(NOTIFICATION_SETTINGS_KEY).then((stored) => {
  notifications.value = notificationSettingsFrom(stored[NOTIFICATION_SETTINGS_KEY]);
});
const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  permission: 'A session waits for your permission',
  turn: 'A chat finished its turn while you were not looking at it',
  crashed: 'A session crashed',
  fixer: 'The ratchet started a fixer',
  ready: 'A pull request became ready to merge',
  merged: 'A pull request was merged',
};

function Notifications() {
  return (
    <section data-testid="notification-settings">
      <h2>Notifications</h2>
      {NotificationKinds.map((kind) => (
        <label key={kind}>
          <input
            type="checkbox"
            checked={notifications.value[kind]}
            onChange={(e) => {
              notifications.value = {
                ...notifications.value,
                [kind]: (e.currentTarget as HTMLInputElement).checked,
              };
              void browser.storage.local.set({ [NOTIFICATION_SETTINGS_KEY]: notifications.value });
            }}
          />{' '}
          {NOTIFICATION_LABELS[kind]}
        </label>
      ))}
    </section>
  );
}

const enterpriseHosts = signal<string[]>([]);
const grantedEnterpriseHosts = signal<string[]>([]);
async function loadEnterprise(): Promise<void> {
  const stored = await browser.storage.local.get(ENTERPRISE_HOSTS_KEY);
  enterpriseHosts.value = enterpriseHostsFrom(stored[ENTERPRISE_HOSTS_KEY]);
  grantedEnterpriseHosts.value = grantedHosts((await browser.permissions.getAll()).origins ?? []);
}
void loadEnterprise();
browser.storage.onChanged.addListener((changes) => {
  if (ENTERPRISE_HOSTS_KEY in changes) void loadEnterprise();
});
browser.permissions.onAdded.addListener(() => void loadEnterprise());
browser.permissions.onRemoved.addListener(() => void loadEnterprise());

/** GitHub Enterprise hosts: the browser grants each one, then ff's features run on its pages too. */
function Enterprise() {
  const add = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const parsed = parseEnterpriseHost(String(new FormData(form).get('host')));
    if ('error' in parsed) {
      message.value = parsed.error;
      return;
    }
    const { host } = parsed;
    // Asked right in the click's task: browsers show the permission prompt only for a user gesture.
    void browser.permissions.request({ origins: [originPattern(host)] }).then(
      async (granted) => {
        if (!granted) {
          message.value = `The browser did not grant ${host}; nothing changed.`;
          return;
        }
        await browser.storage.local.set({
          [ENTERPRISE_HOSTS_KEY]: [...new Set([...enterpriseHosts.value, host])],
        });
        form.reset();
        message.value = `ff now runs on ${host} (reload its open pages). Add your clones from it as projects; the agent needs a token for it: GH_ENTERPRISE_TOKEN, or gh auth login --hostname ${host}.`;
      },
      (error: unknown) => {
        message.value = errorText(error);
      },
    );
  };
  const remove = async (host: string) => {
    await browser.storage.local.set({
      [ENTERPRISE_HOSTS_KEY]: enterpriseHosts.value.filter((h) => h !== host),
    });
    await browser.permissions.remove({ origins: [originPattern(host)] }).catch(() => false);
    message.value = `ff no longer runs on ${host}.`;
  };
  return (
    <section data-testid="enterprise">
      <h2>GitHub Enterprise</h2>
      <ul data-testid="enterprise-hosts">
        {enterpriseHosts.value.map((host) => (
          <li key={host} data-host={host}>
            <code>{host}</code>{' '}
            {grantedEnterpriseHosts.value.includes(host) ? (
              <span class="ff-muted">on</span>
            ) : (
              <span class="ff-warning">not granted by the browser: add it again</span>
            )}{' '}
            <button type="button" onClick={() => void remove(host)}>
              Remove
            </button>
          </li>
        ))}
        {enterpriseHosts.value.length === 0 && <li class="ff-muted">Only github.com.</li>}
      </ul>
      <form onSubmit={add} class="ff-form" data-testid="add-enterprise-host">
        <label>
          Host <input name="host" placeholder="github.example.com" required />
        </label>
        <button type="submit">Add host</button>
      </form>
    </section>
  );
}

function Options() {
  const state = agent.connection.value;
  return (
    <main class="options">
      <h1>ff options</h1>
      <section>
        <h2>Connection</h2>
        <p data-testid="connection-state" data-status={state?.status}>
          {state?.message ?? 'Checking…'} {state ? `(127.0.0.1:${state.port})` : ''}
        </p>
        <ConnectionBanner agent={agent} showPairLink={false} />
        <PairForm agent={agent} />
      </section>
      <Enterprise />
      {state?.status === 'connected' && (
        <>
          <Projects />
          <Ratchet />
          <Disk />
          <Notifications />
          <section>
            <h2>New sessions</h2>
            <label>
              Permission mode{' '}
              <select
                value={permissionMode.value}
                onChange={(e) =>
                  void act(
                    () =>
                      agent.call('settings.set', {
                        defaultPermissionMode: (e.currentTarget as HTMLSelectElement).value as 'ask',
                      }),
                    'Saved.',
                  )
                }
              >
                <option value="bypassPermissions">Run tools without asking (bypassPermissions)</option>
                <option value="ask">Ask before each tool use</option>
              </select>
            </label>
            {permissionMode.value === 'bypassPermissions' && (
              <p class="ff-warning">Claude can run any command in the worktree without asking.</p>
            )}
            <label>
              <input
                type="checkbox"
                data-testid="trust-outside-authors"
                checked={trustOutsideAuthors.value}
                onChange={(e) =>
                  void act(
                    () =>
                      agent.call('settings.set', {
                        trustOutsideAuthors: (e.currentTarget as HTMLInputElement).checked,
                      }),
                    'Saved.',
                  )
                }
              />{' '}
              Trust text by people outside the repo
            </label>
            <p class="ff-muted">
              Off: a session whose issue or review comments have text by someone who is not an owner, member
              or collaborator of the repo asks before each tool, whatever the mode above.
            </p>
          </section>
        </>
      )}
      {message.value && (
        <p role="status" data-testid="options-message">
          {message.value}
        </p>
      )}
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
