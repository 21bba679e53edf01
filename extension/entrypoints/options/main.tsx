import { Fragment, render } from 'preact';
import type { Project } from '../../../shared/domain.js';
import { projectSandbox } from '../../../shared/sandbox.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { InlineCode } from '../../components/inline-code.js';
import { PairForm } from '../../components/pair-form.js';
import { AgentPort } from '../../lib/agent-port.js';
import { parseEnterpriseHost } from '../../lib/enterprise-hosts.js';
import { type NotificationKind, NotificationKinds } from '../../lib/notifications.js';
import { readNumber } from '../../lib/number-input.js';
import { Octicon } from '../../lib/octicons.js';
import { RatchetSettingsSection } from './ratchet.js';
import { type DiskKey, OptionsStore } from './store.js';
import '../../lib/primer.js';
import '../popup/style.css';

const agent = new AgentPort();
const store = new OptionsStore(agent);

function Projects() {
  const add = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const path = String(data.get('path')).trim();
    const setup = String(data.get('setup')).trim();
    void store.addProject(path, setup).then(() => form.reset());
  };
  return (
    <section>
      <h2>Projects</h2>
      <ul data-testid="projects" hidden={store.projects.value.length === 0}>
        {store.projects.value.map((p) => (
          <li key={p.id}>
            <strong>
              {p.owner}/{p.repo}
            </strong>{' '}
            <code>{p.path}</code>{' '}
            <button type="button" onClick={() => void store.removeProject(p)}>
              Remove
            </button>
            <ProjectSandboxLine project={p} />
          </li>
        ))}
      </ul>
      {store.projects.value.length === 0 && (
        <p class="ff-muted">No projects yet: add the path of a local clone.</p>
      )}
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

/** Sandboxed or not, and the hosts its sessions reach: read-only here, changed with `project set`. */
function ProjectSandboxLine({ project }: { project: Project }) {
  const sandbox = projectSandbox(project);
  return (
    <div
      class={sandbox.tone === 'warn' ? 'ff-warning' : 'ff-muted'}
      title={sandbox.title}
      data-testid="project-sandbox"
      data-tone={sandbox.tone}
    >
      <Octicon name={sandbox.icon} /> {sandbox.label}
      {sandbox.hosts.length > 0 && (
        <>
          {' · reaches '}
          {sandbox.hosts.map((host, i) => (
            <Fragment key={host}>
              {i > 0 && ', '}
              {i < 3 ? host : <code>{host}</code>}
            </Fragment>
          ))}
        </>
      )}
    </div>
  );
}

const DISK_FIELDS: Array<{ key: DiskKey; label: string; max: number; hint: string }> = [
  {
    key: 'snapshotIgnoredMaxMb',
    label: 'Leave ignored files or folders over this many MB out of snapshots',
    max: 100_000,
    hint: 'Before ff removes a worktree it keeps everything in it on refs/ff/archive/…; a bigger ignored folder (node_modules) or nested repository is named, and archive removes nothing until you name it too (--discard).',
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
  const values = store.disk.value;
  if (!values) return null;
  const save = (key: DiskKey, input: HTMLInputElement) => {
    const field = DISK_FIELDS.find((f) => f.key === key)!;
    const entry = readNumber(input.value, { label: field.label, min: 0, max: field.max, whole: true });
    if (!entry.ok) {
      store.message.value = entry.error;
      input.value = String(values[key]);
      return;
    }
    void store.setSettings({ [key]: entry.value });
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
            checked={store.notifications.value[kind]}
            onChange={(e) => store.setNotification(kind, e.currentTarget.checked)}
          />{' '}
          {NOTIFICATION_LABELS[kind]}
        </label>
      ))}
    </section>
  );
}

/** GitHub Enterprise hosts: the browser grants each one, then ff's features run on its pages too. */
function Enterprise() {
  const add = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const parsed = parseEnterpriseHost(String(new FormData(form).get('host')));
    if ('error' in parsed) {
      store.message.value = parsed.error;
      return;
    }
    // Asked right in the click's task: browsers show the permission prompt only for a user gesture.
    void store.addEnterpriseHost(parsed.host).then((added) => added && form.reset());
  };
  return (
    <section data-testid="enterprise">
      <h2>GitHub Enterprise</h2>
      <ul data-testid="enterprise-hosts" hidden={store.enterpriseHosts.value.length === 0}>
        {store.enterpriseHosts.value.map((host) => (
          <li key={host} data-host={host}>
            <code>{host}</code>{' '}
            {store.grantedEnterpriseHosts.value.includes(host) ? (
              <span class="ff-muted">on</span>
            ) : (
              <span class="ff-warning">not granted by the browser: add it again</span>
            )}{' '}
            <button type="button" onClick={() => void store.removeEnterpriseHost(host)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {/* No host: a line of text, not an empty bordered list that reads as a field. */}
      {store.enterpriseHosts.value.length === 0 && <p class="ff-muted">Only github.com.</p>}
      <form onSubmit={add} class="ff-form" data-testid="add-enterprise-host">
        <label>
          Host <input name="host" placeholder="github.example.com" required />
        </label>
        <button type="submit">Add host</button>
      </form>
    </section>
  );
}

/** How the extension reaches the agent: its state, the one next step when there is one, and pairing by hand. */
function Connection() {
  const state = agent.connection.value;
  const connected = state?.status === 'connected';
  return (
    <section class="ff-wide" data-testid="connection">
      <h2>Connection</h2>
      {/* Away or unpaired, the banner is the state line: the message is said once. */}
      <div data-testid="connection-state" data-status={state?.status}>
        {connected ? (
          <p>{`${state.message} (127.0.0.1:${state.port})`}</p>
        ) : (
          <ConnectionBanner agent={agent} pairHere />
        )}
      </div>
      {connected ? (
        <details>
          <summary>Pair with another agent</summary>
          <PairForm agent={agent} />
        </details>
      ) : (
        state?.status === 'not-paired' && (
          <PairForm agent={agent} lead="Or pair by hand, with the code ff-agent pair prints:" />
        )
      )}
    </section>
  );
}

/** New sessions: the permission mode, and whether text by outside authors is trusted. */
function NewSessions() {
  return (
    <section>
      <h2>New sessions</h2>
      <label class="ff-field">
        Permission mode
        <select
          value={store.permissionMode.value}
          onChange={(e) =>
            void store.setSettings({
              defaultPermissionMode: e.currentTarget.value === 'ask' ? 'ask' : 'bypassPermissions',
            })
          }
        >
          <option value="bypassPermissions">Run tools without asking (bypassPermissions)</option>
          <option value="ask">Ask before each tool use</option>
        </select>
      </label>
      {store.permissionMode.value === 'bypassPermissions' && (
        <p class="ff-muted">
          Claude runs tools without asking, inside the OS sandbox: it writes only its worktree and reaches
          only the API, your GitHub host and package registries. A project set with <code>--no-sandbox</code>{' '}
          runs any command with your rights.
        </p>
      )}
      <label class="ff-check">
        <input
          type="checkbox"
          data-testid="trust-outside-authors"
          checked={store.trustOutsideAuthors.value}
          onChange={(e) => void store.setSettings({ trustOutsideAuthors: e.currentTarget.checked })}
        />{' '}
        Trust text by people outside the repo
      </label>
      <p class="ff-muted">
        Off: a session whose issue or review comments have text by someone who is not an owner, member or
        collaborator of the repo — or text ff could not read from GitHub itself, or a fork's job logs — asks
        before each tool, whatever the mode above.
      </p>
    </section>
  );
}

/**
 * Options: the connection first (full width), then the settings in two
 * columns on a wide window — what the agent holds once it is connected
 * (projects, ratchet, new sessions, disk), and what the extension holds
 * (notifications, GitHub Enterprise hosts).
 */
function Options() {
  const connected = agent.connection.value?.status === 'connected';
  return (
    <main class="options">
      <h1>ff options</h1>
      {store.message.value && (
        <p role="status" class="ff-wide ff-options-message" data-testid="options-message">
          <InlineCode text={store.message.value} />
        </p>
      )}
      <Connection />
      {connected && (
        <>
          <Projects />
          <RatchetSettingsSection store={store} />
          <NewSessions />
          <Disk />
        </>
      )}
      <Notifications />
      <Enterprise />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
