import { defineContentScript } from 'wxt/utils/define-content-script';
import { AgentPort } from '../lib/agent-port.js';
import { type FeatureDefinition, FeatureRunner, featuresFromModules } from '../lib/feature-registry.js';

/** Every feature is a file in extension/features/, found at build time: adding or deleting the file is all it takes. */
const features = featuresFromModules(
  import.meta.glob<{ default: FeatureDefinition<unknown> }>('../features/*.tsx', { eager: true }),
);

export default defineContentScript({
  matches: ['https://github.com/*'],
  runAt: 'document_end',
  main(ctx) {
    const agent = new AgentPort();
    const runner = new FeatureRunner(features, agent);
    const update = () => ctx.setTimeout(() => void runner.update(), 0);
    update();
    // GitHub navigates without page loads (Turbo and its React router): re-decide on each.
    ctx.addEventListener(window, 'wxt:locationchange', update);
    ctx.addEventListener(window, 'popstate', update);
    for (const event of ['turbo:load', 'turbo:render', 'soft-nav:react-done', 'pjax:end']) {
      ctx.addEventListener(document, event as 'load', update);
    }
    // GitHub may also replace the part of the page we sit in: notice and mount again.
    let pending: number | undefined;
    const observer = new MutationObserver(() => {
      if (pending !== undefined) return;
      pending = ctx.setTimeout(() => {
        pending = undefined;
        const missing = features.some(
          (f) => document.querySelector(`[data-ff-feature="${f.name}"]`) === null,
        );
        if (missing) void runner.update();
      }, 200);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    ctx.onInvalidated(() => {
      observer.disconnect();
      agent.close();
    });
  },
});
