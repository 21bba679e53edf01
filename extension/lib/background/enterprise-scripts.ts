import { browser } from 'wxt/browser';
import {
  ENTERPRISE_HOSTS_KEY,
  enterpriseHostsFrom,
  grantedHosts,
  originPattern,
  planScripts,
  scriptId,
} from '../enterprise-hosts.js';

/**
 * GitHub Enterprise: ff's content script on each host the user added in
 * Options and the browser granted, registered and unregistered as either
 * changes (what to do is enterprise-hosts.ts's pure plan). Syncs run one
 * after another; a failed one is logged and the next change tries again.
 */
export function keepEnterpriseScriptsInSync(): void {
  let syncing = Promise.resolve();
  const resync = () => {
    syncing = syncing.then(sync).catch((error: unknown) => console.error('ff: GitHub Enterprise', error));
  };
  resync();
  browser.permissions.onAdded.addListener(resync);
  browser.permissions.onRemoved.addListener(resync);
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ENTERPRISE_HOSTS_KEY in changes) resync();
  });
}

async function sync(): Promise<void> {
  const stored = await browser.storage.local.get(ENTERPRISE_HOSTS_KEY);
  const wanted = enterpriseHostsFrom(stored[ENTERPRISE_HOSTS_KEY]);
  const { origins = [] } = await browser.permissions.getAll();
  const registered = (await browser.scripting.getRegisteredContentScripts()).map((s) => s.id);
  const plan = planScripts({ wanted, granted: grantedHosts(origins), registered });
  if (plan.unregister.length > 0) await browser.scripting.unregisterContentScripts({ ids: plan.unregister });
  if (plan.register.length === 0) return;
  // The same script the manifest runs on github.com.
  const [github] = browser.runtime.getManifest().content_scripts ?? [];
  await browser.scripting.registerContentScripts(
    plan.register.map((host) => ({
      id: scriptId(host),
      matches: [originPattern(host)],
      js: github?.js ?? [],
      ...(github?.css ? { css: github.css } : {}),
      runAt: 'document_end' as const,
      persistAcrossSessions: true,
    })),
  );
}
