import { render } from 'preact';
import { AgentPort } from '../../lib/agent-port.js';
import { afterFirstPaint } from '../../lib/first-paint.js';
import { readPopupSnapshot } from '../../lib/popup-cache.js';
import '../../lib/primer.js';
import './style.css';
import { Popup } from './popup.js';
import { PopupStore } from './store.js';

performance.mark('ff-popup-script'); // npm run bench: what is ff's part of opening the popup
const agent = new AgentPort();
// What the popup showed last paints in the first frame, from localStorage; the agent's answers replace it.
// Opened in a tab from a GitHub page ("Open chat"): popup.html#<workspace id> selects that workspace.
const store = new PopupStore(agent, readPopupSnapshot(), decodeURIComponent(location.hash.slice(1)));

// j/k move through the workspaces, Enter opens the focused one (outside text fields and menus).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'j' && e.key !== 'k') return;
  if (e.metaKey || e.ctrlKey || e.altKey) return;
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select, [role="menu"]')) return;
  const rows = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="ff-workspace"]')];
  if (rows.length === 0) return;
  e.preventDefault();
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  const from = at === -1 ? rows.findIndex((r) => r.getAttribute('aria-current') === 'true') : at;
  const next = e.key === 'j' ? Math.min(rows.length - 1, from + 1) : Math.max(0, from === -1 ? 0 : from - 1);
  rows[next]?.focus();
  rows[next]?.scrollIntoView({ block: 'nearest' });
});

// npm run bench: the cached list and chat are rendered below; the mark lands once they are painted (first in
// the queue of what waits for that frame).
afterFirstPaint(() => performance.mark('ff-popup-cached-paint'));
render(<Popup agent={agent} store={store} />, document.getElementById('app')!);
