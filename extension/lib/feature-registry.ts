import { h, render, type VNode } from 'preact';
import type { AgentPort } from './agent-port.js';
import { firstMatch } from './anchors.js';
import { detectPage, type GitHubPage } from './github-pages.js';
import { featureStyles } from './styles.js';

/**
 * A feature in the style of refined-github: which pages it applies to, where
 * it mounts (anchors tried in order, else a floating panel), and what it
 * renders. The runner mounts it once per page (a `key` tells pages apart),
 * keeps it there through GitHub's soft navigation and re-renders, and
 * removes it from pages where it does not belong.
 */
export interface Feature<M> {
  /** Its file's name in extension/features/ (`start-workspace`): the host's `data-ff-feature`. */
  name: string;
  match(page: GitHubPage): M | undefined;
  key(match: M): string;
  anchors: readonly string[];
  /** Where the host goes relative to the anchor. */
  placement: 'before' | 'after' | 'prepend' | 'append';
  render(match: M, agent: AgentPort): VNode;
}

/** An issue or pull request, as a feature on its page sees it. */
export interface NumberedPage {
  owner: string;
  repo: string;
  number: number;
}

/** `match` and `key` of a feature that lives on one kind of numbered page (an issue's, a pull request's). */
export function onNumberedPage(
  kind: 'issue' | 'pull',
): Pick<FeatureDefinition<NumberedPage>, 'match' | 'key'> {
  return {
    match: (page) =>
      (page.kind === 'issue' || page.kind === 'pull') && page.kind === kind
        ? { owner: page.owner, repo: page.repo, number: page.number }
        : undefined,
    key: (m) => `${m.owner}/${m.repo}#${m.number}`,
  };
}

/** What a file in extension/features/ default-exports: a feature, named by its file. */
export type FeatureDefinition<M> = Omit<Feature<M>, 'name'>;

/**
 * The features from their modules (`import.meta.glob` of extension/features/*.tsx), each
 * named by its file: adding a feature is adding its file; deleting the file removes it.
 */
export function featuresFromModules(
  modules: Record<string, { default: FeatureDefinition<unknown> }>,
): AnyFeature[] {
  return Object.entries(modules).map(([path, module]) => ({
    ...module.default,
    name: path.replace(/^.*\//, '').replace(/\.[jt]sx?$/, ''),
  }));
}

// biome-ignore lint/suspicious/noExplicitAny: features have different match types; the runner treats them alike.
export type AnyFeature = Feature<any>;

const ANCHOR_WAIT_MS = 3_000;

export class FeatureRunner {
  readonly #features: readonly AnyFeature[];
  readonly #agent: AgentPort;
  readonly #doc: Document;
  #generation = 0;
  /** Every host we mounted, so one GitHub removed (DOM replacement) still gets its components torn down. */
  readonly #mounted = new Set<HTMLElement>();

  constructor(features: readonly AnyFeature[], agent: AgentPort, doc: Document = document) {
    this.#features = features;
    this.#agent = agent;
    this.#doc = doc;
  }

  /** Makes the page match the URL: mount what belongs, unmount what doesn't. Safe to call any number of times. */
  async update(url: string = this.#doc.location.href): Promise<void> {
    const generation = ++this.#generation;
    const page = detectPage(url, new URL(url).hostname);
    for (const host of this.#mounted) {
      if (!host.isConnected) {
        unmount(host);
        this.#mounted.delete(host);
      }
    }
    await Promise.all(
      // Each feature on its own: one broken selector or render never takes the others down.
      this.#features.map((feature) =>
        this.#update(feature, page, generation).catch((error: unknown) => {
          console.error(`ff: the ${feature.name} feature failed on ${url}`, error);
        }),
      ),
    );
  }

  async #update(feature: AnyFeature, page: GitHubPage | undefined, generation: number): Promise<void> {
    const match = page ? feature.match(page) : undefined;
    const key = match === undefined ? undefined : feature.key(match);
    const hosts = Array.from(this.#doc.querySelectorAll<HTMLElement>(`[data-ff-feature="${feature.name}"]`));
    // One host, never two; none left behind on a page where the feature doesn't belong.
    let keep: HTMLElement | undefined;
    for (const host of hosts) {
      if (key !== undefined && !keep && host.dataset.ffKey === key && host.isConnected) keep = host;
      else unmount(host);
    }
    if (key === undefined || keep) return;
    const anchor = await this.#waitForAnchor(feature.anchors);
    if (generation !== this.#generation) return; // navigated away meanwhile
    if (this.#doc.querySelector(`[data-ff-feature="${feature.name}"]`)) return;
    const host = this.#doc.createElement('div');
    host.dataset.ffFeature = feature.name;
    host.dataset.ffKey = key;
    const shadow = host.attachShadow({ mode: 'open' });
    const style = this.#doc.createElement('style');
    style.textContent = featureStyles;
    shadow.append(style);
    const root = this.#doc.createElement('div');
    shadow.append(root);
    this.#mounted.add(host);
    if (anchor) place(anchor, host, feature.placement);
    else {
      root.className = 'ff-floating';
      this.#doc.body.append(host);
    }
    render(
      h(() => feature.render(match, this.#agent), null),
      root,
    );
    // When it mounted, on the page's clock (npm run bench reads it).
    host.dataset.ffMountedAt = performance.now().toFixed(1);
  }

  /** Anchors render late on GitHub's React pages: wait for one a little, then give up (floating panel). */
  #waitForAnchor(selectors: readonly string[]): Promise<Element | null> {
    const found = firstMatch(this.#doc, selectors);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const element = firstMatch(this.#doc, selectors);
        if (element) {
          observer.disconnect();
          clearTimeout(timer);
          resolve(element);
        }
      });
      observer.observe(this.#doc.body, { childList: true, subtree: true });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve(null);
      }, ANCHOR_WAIT_MS);
    });
  }
}

function place(anchor: Element, host: HTMLElement, placement: Feature<unknown>['placement']): void {
  if (placement === 'before') anchor.before(host);
  else if (placement === 'after') anchor.after(host);
  else if (placement === 'prepend') anchor.prepend(host);
  else anchor.append(host);
}

function unmount(host: HTMLElement): void {
  const root = host.shadowRoot?.lastElementChild;
  if (root) render(null, root);
  host.remove();
}
