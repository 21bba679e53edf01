import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { AgentConnection } from '../lib/agent-connection.js';
import { BackgroundRequest } from '../lib/messages.js';

export default defineBackground(() => {
  const connection = new AgentConnection(browser.storage.local, browser.runtime.getManifest().version);
  void connection.connect();

  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    // Only our own pages and content scripts; never another extension.
    if (sender.id !== browser.runtime.id) return false;
    const request = BackgroundRequest.safeParse(message);
    if (!request.success) {
      sendResponse({ error: 'Unknown request' });
      return false;
    }
    const answer =
      request.data.type === 'connection.pair'
        ? connection.pair(request.data.pairing)
        : Promise.resolve(connection.state);
    answer.then(sendResponse, (error: unknown) => sendResponse({ error: String(error) }));
    return true;
  });
});
