import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { AgentConnection } from '../lib/agent-connection.js';
import { keepEnterpriseScriptsInSync } from '../lib/background/enterprise-scripts.js';
import { nativeHost } from '../lib/background/native-pairing.js';
import { notifyFromAgent } from '../lib/background/notifier.js';
import { servePorts } from '../lib/background/port-server.js';
import { SessionViewers } from '../lib/background/session-viewers.js';
import { showWaitingPermissions } from '../lib/background/toolbar-badge.js';

/**
 * The background worker: the one connection to ff-agent (paired through the
 * native host when it is installed), and what hangs off it, each in its own
 * file of lib/background/: the port every page and content script talks
 * through, desktop notifications, the toolbar badge, and ff's content script
 * on the GitHub Enterprise hosts the user granted.
 */
export default defineBackground(() => {
  const connection = new AgentConnection(
    browser.storage.local,
    browser.runtime.getManifest().version,
    nativeHost,
  );
  void connection.connect();
  const viewers = new SessionViewers();
  servePorts(connection, viewers);
  notifyFromAgent(connection, viewers);
  showWaitingPermissions(connection);
  keepEnterpriseScriptsInSync();
});
