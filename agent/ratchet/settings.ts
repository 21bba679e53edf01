import { RatchetSettings, type RatchetSettingsPatch } from '../../shared/ratchet.js';
import type { StateStore } from '../store/state-store.js';
import type { Projects } from '../workspaces/projects.js';

/**
 * The ratchet's settings: global ones in state.json, and a project's
 * overrides on top of them (`ratchet settings [set] --project P`).
 */
export class RatchetSettingsBook {
  readonly #state: StateStore;
  readonly #projects: Projects;
  readonly #parsed = new Map<
    string,
    { global: object; overrides: object | undefined; value: RatchetSettings }
  >();

  constructor(state: StateStore, projects: Projects) {
    this.#state = state;
    this.#projects = projects;
  }

  /** The settings in force for a project's PRs. */
  of(projectId: string): RatchetSettings {
    const global = this.#state.data.settings.ratchet;
    const overrides = this.#projects.get(projectId)?.ratchet;
    // Parsed once per change, not once per PR per tick: set() replaces both objects.
    const cached = this.#parsed.get(projectId);
    if (cached && cached.global === global && cached.overrides === overrides) return cached.value;
    const value = RatchetSettings.parse({ ...global, ...(overrides ?? {}) });
    this.#parsed.set(projectId, { global, overrides, value });
    return value;
  }

  /** The global settings, or a project's (with its overrides alone beside them). */
  get(projectRef?: string): { settings: RatchetSettings; overrides?: RatchetSettingsPatch } {
    if (!projectRef) return { settings: this.#state.data.settings.ratchet };
    const project = this.#projects.resolve(projectRef);
    return { settings: this.of(project.id), overrides: project.ratchet ?? {} };
  }

  /** Changes global settings, or a project's overrides; answers what is in force then. */
  async set(
    patch: RatchetSettingsPatch,
    projectRef?: string,
  ): Promise<{ settings: RatchetSettings; overrides?: RatchetSettingsPatch }> {
    const projectId = projectRef ? this.#projects.resolve(projectRef).id : undefined;
    await this.#state.update((state) => {
      if (!projectId) {
        state.settings.ratchet = RatchetSettings.parse({ ...state.settings.ratchet, ...patch });
        return;
      }
      const project = state.projects.find((p) => p.id === projectId);
      if (project) project.ratchet = { ...(project.ratchet ?? {}), ...patch };
    });
    return this.get(projectRef);
  }
}
