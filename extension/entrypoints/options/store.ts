import { createModel, effect, signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { Project, Settings } from '../../../shared/domain.js';
import type { RatchetSettings } from '../../../shared/ratchet.js';
import type { AgentPort } from '../../lib/agent-port.js';
import {
  ENTERPRISE_HOSTS_KEY,
  enterpriseHostsFrom,
  grantedHosts,
  originPattern,
} from '../../lib/enterprise-hosts.js';
import {
  defaultNotificationSettings,
  NOTIFICATION_SETTINGS_KEY,
  type NotificationKind,
  type NotificationSettings,
  notificationSettingsFrom,
} from '../../lib/notifications.js';
import { shownError } from '../../lib/use-agent.js';

export type DiskKey = 'snapshotIgnoredMaxMb' | 'gcAfterDays' | 'archiveRetentionDays';
export type PermissionModeChoice = 'bypassPermissions' | 'ask';
type SettingsPatch = Partial<Pick<Settings, DiskKey | 'defaultPermissionMode' | 'trustOutsideAuthors'>>;

/**
 * The Options page's state, one store: what the agent holds (projects,
 * ratchet settings, new sessions' permission mode, disk settings; loaded on
 * each connect and after each change), what the extension holds in its own
 * storage (notification kinds, GitHub Enterprise hosts and which the browser
 * granted), and the last message to show.
 */
export const OptionsStore = createModel((agent: AgentPort) => {
  const projects = signal<Project[]>([]);
  const ratchet = signal<RatchetSettings | undefined>(undefined);
  const permissionMode = signal<PermissionModeChoice>('bypassPermissions');
  const trustOutsideAuthors = signal(false);
  const disk = signal<Pick<Settings, DiskKey> | undefined>(undefined);
  const notifications = signal<NotificationSettings>(defaultNotificationSettings);
  const enterpriseHosts = signal<string[]>([]);
  const grantedEnterpriseHosts = signal<string[]>([]);
  const message = signal('');

  const load = async () => {
    if (agent.connection.peek()?.status !== 'connected') return;
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
      message.value = shownError(error);
    }
  };
  /** A change the agent makes: `done` says it, and what the page shows is loaded again. */
  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      message.value = done;
      await load();
    } catch (error) {
      message.value = shownError(error);
    }
  };
  const loadEnterprise = async () => {
    try {
      const stored = await browser.storage.local.get(ENTERPRISE_HOSTS_KEY);
      enterpriseHosts.value = enterpriseHostsFrom(stored[ENTERPRISE_HOSTS_KEY]);
      grantedEnterpriseHosts.value = grantedHosts((await browser.permissions.getAll()).origins ?? []);
    } catch (error) {
      message.value = shownError(error);
    }
  };

  effect(() =>
    agent.connection.subscribe((state) => {
      if (state?.status === 'connected') void load();
    }),
  );
  browser.storage.local.get(NOTIFICATION_SETTINGS_KEY).then(
    (stored) => {
      notifications.value = notificationSettingsFrom(stored[NOTIFICATION_SETTINGS_KEY]);
    },
    (error: unknown) => {
      message.value = shownError(error);
    },
  );
  void loadEnterprise();
  browser.storage.onChanged.addListener((changes) => {
    if (ENTERPRISE_HOSTS_KEY in changes) void loadEnterprise();
  });
  browser.permissions.onAdded.addListener(() => void loadEnterprise());
  browser.permissions.onRemoved.addListener(() => void loadEnterprise());

  return {
    projects,
    ratchet,
    permissionMode,
    trustOutsideAuthors,
    disk,
    notifications,
    enterpriseHosts,
    grantedEnterpriseHosts,
    message,
    addProject: (path: string, setupScript: string) =>
      act(
        () => agent.call('project.add', { path, ...(setupScript ? { setupScript } : {}) }),
        `Added ${path}.`,
      ),
    removeProject: (project: Project) =>
      act(
        () => agent.call('project.remove', { project: project.id }),
        `Removed ${project.owner}/${project.repo}.`,
      ),
    setRatchet: (patch: Partial<RatchetSettings>) =>
      act(() => agent.call('ratchet.settings.set', { patch }), 'Ratchet settings saved.'),
    setSettings: (patch: SettingsPatch) => act(() => agent.call('settings.set', patch), 'Saved.'),
    setNotification: (kind: NotificationKind, on: boolean) => {
      notifications.value = { ...notifications.value, [kind]: on };
      void browser.storage.local.set({ [NOTIFICATION_SETTINGS_KEY]: notifications.value });
    },
    /**
     * Asks the browser for the host (in the click's task: browsers show the
     * prompt only for a user gesture), then runs ff there; resolves whether it did.
     */
    addEnterpriseHost: (host: string): Promise<boolean> =>
      browser.permissions.request({ origins: [originPattern(host)] }).then(
        async (granted) => {
          if (!granted) {
            message.value = `The browser did not grant ${host}; nothing changed.`;
            return false;
          }
          await browser.storage.local.set({
            [ENTERPRISE_HOSTS_KEY]: [...new Set([...enterpriseHosts.value, host])],
          });
          message.value = `ff now runs on ${host} (reload its open pages). Add your clones from it as projects; the agent needs a token for it: GH_ENTERPRISE_TOKEN, or gh auth login --hostname ${host}.`;
          return true;
        },
        (error: unknown) => {
          message.value = shownError(error);
          return false;
        },
      ),
    removeEnterpriseHost: async (host: string) => {
      await browser.storage.local.set({
        [ENTERPRISE_HOSTS_KEY]: enterpriseHosts.value.filter((h) => h !== host),
      });
      // A host the browser had not granted (or already took back) has no permission to remove: the same end.
      await browser.permissions.remove({ origins: [originPattern(host)] }).catch(() => false);
      message.value = `ff no longer runs on ${host}.`;
    },
  };
});
export type OptionsStore = InstanceType<typeof OptionsStore>;
