import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isToolResultTurn } from '../fakes/anthropic-api/server.js';
import {
  type ExtensionBrowser,
  extensionDir,
  launchWithExtension,
  pairExtension,
} from '../helpers/browser.js';
import { claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure, median } from './figure.js';

/** Tool calls per turn before the text reply: a busy session, as real ones are. */
const TOOLS_PER_TURN = 9;
const EVENTS = 2000;

/**
 * The popup on a long session, in real headless Chromium with the built
 * extension and a real agent + claude CLI: from opening popup.html to the
 * last of 2,000 transcript events on screen (nothing cached; goal ≤ 300 ms),
 * and reopening it after one more turn (the cache holds the rest; goal
 * ≤ 50 ms for about 10 new events). Each is measured from the navigation
 * (what a user waits) and from the popup's script starting (ff's part;
 * before it, Chromium loads the page), and the page load alone is reported.
 */
export async function* figures(): AsyncGenerator<Figure> {
  // What popup.html loads before its script can run: each file is a request to the browser process.
  const first = firstFiles(readFileSync(join(extensionDir, 'popup.html'), 'utf8'));
  yield figure('popup.first_files.count', first.length, 'files');
  yield figure(
    'popup.first_files.kb',
    first.reduce((sum, file) => sum + statSync(join(extensionDir, file)).size, 0) / 1024,
    'KB',
  );
  let toolsThisTurn = 0;
  let reply = 0;
  const world = await claudeWorld((request) => {
    if (!isToolResultTurn(request)) toolsThisTurn = 0;
    if (toolsThisTurn++ < TOOLS_PER_TURN)
      return { toolUse: { name: 'Read', input: { file_path: `${world.repo.clone}/README.md` } } };
    reply++;
    return { text: `Reply **${reply}**: done with that.\n\n\`\`\`ts\nconst answer = ${reply};\n\`\`\`` };
  });
  const chrome = await launchWithExtension();
  try {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    const turn = async () => {
      const { turns } = await world.client.call('session.get', { sessionId: session.id });
      await world.client.call('session.send', { sessionId: session.id, text: `next step ${turns + 1}` });
      await waitForSession(
        world.client,
        session.id,
        (s) => s.turns === turns + 1 && s.status === 'idle',
        'turn',
        60_000,
      );
      world.api.requests.length = 0; // each request carries the whole conversation: keep the fake's memory flat
    };
    const topic = `session:${session.id}` as const;
    const ignore = () => {};
    const lastSeq = async () => {
      const { seq } = await world.client.subscribe(topic, ignore, Number.MAX_SAFE_INTEGER);
      await world.client.unsubscribe(topic, ignore);
      return seq;
    };
    while ((await lastSeq()) < EVENTS) await turn();
    await pairExtension(chrome, world.agent);

    const cold: Timing[] = [];
    for (let n = 0; n < 5; n++) {
      const page = await chrome.openPage('options.html');
      // No cached transcript, no saved selection (the pairing stays).
      await page.evaluate(
        `Object.keys(localStorage).filter((k) => k.startsWith('ff.transcript')).forEach((k) => localStorage.removeItem(k))`,
      );
      await page.close();
      cold.push(await openUntil(chrome, 'popup.html', `Reply ${reply}:`));
    }
    yield figure(
      'popup.open_2000_events.navigation_to_last_rendered.median',
      median(cold.map((t) => t.shown)),
      'ms',
      300,
    );
    yield figure(
      'popup.open_2000_events.script_to_last_rendered.median',
      median(cold.map((t) => t.shown - t.script)),
      'ms',
      300,
    );

    const warm: Timing[] = [];
    const added: number[] = [];
    const blank: number[] = [];
    for (let n = 0; n < 5; n++) {
      const before = await lastSeq();
      await turn();
      const after = await lastSeq();
      added.push(after - before);
      warm.push(await openUntil(chrome, 'popup.html', `Reply ${reply}:`, after));
      blank.push(await blankLoad(chrome));
    }
    // The baseline: Chromium navigating to an extension page with nothing in it, to its load event.
    const blankMedian = median(blank);
    yield figure(
      'popup.reopen.navigation_to_cached_paint.median',
      median(warm.map((t) => t.cachedPaint ?? Number.NaN)),
      'ms',
      blankMedian,
    );
    yield figure(
      'popup.reopen.navigation_to_new_events.median',
      median(warm.map((t) => t.newEvents ?? Number.NaN)),
      'ms',
      blankMedian,
    );
    // ff's part of the cached paint: from the popup's script starting.
    yield figure(
      'popup.reopen.script_to_cached_paint.median',
      median(warm.map((t) => (t.cachedPaint ?? Number.NaN) - t.script)),
      'ms',
    );
    yield figure('popup.page_load_to_script.median', median([...cold, ...warm].map((t) => t.script)), 'ms');
    // The floor under the reopen figures: Chromium opening an extension page that runs no script.
    yield figure('popup.extension_page_floor.median', blankMedian, 'ms');
    yield figure('popup.reopen.new_events.count', median(added), 'events');
  } finally {
    await chrome.close();
    await world.close();
  }
  // The floor under any page with a script: the built extension plus a page whose one module script does
  // nothing but note its start and its first frame (as the popup does), in a Chromium of its own.
  const copy = tempDir('ff-bench-ext-');
  try {
    cpSync(extensionDir, copy.path, { recursive: true });
    writeFileSync(
      join(copy.path, 'bench-blank.html'),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/bench-blank.js"></script></head><body>ff</body></html>',
    );
    writeFileSync(
      join(copy.path, 'bench-blank.js'),
      `performance.mark('ff-popup-script');
requestAnimationFrame(() => setTimeout(() => performance.mark('ff-popup-cached-paint'), 0));`,
    );
    const blankChrome = await launchWithExtension([], undefined, copy.path);
    try {
      const script: number[] = [];
      const painted: number[] = [];
      for (let n = 0; n < 9; n++) {
        const page = await blankChrome.browser.newPage();
        await page.goto(`chrome-extension://${blankChrome.extensionId}/bench-blank.html`);
        await page.waitForFunction(`performance.getEntriesByName('ff-popup-cached-paint').length > 0`);
        const [s, p] = (await page.evaluate(
          `['ff-popup-script', 'ff-popup-cached-paint'].map((name) => performance.getEntriesByName(name)[0].startTime)`,
        )) as number[];
        script.push(s!);
        painted.push(p!);
        await page.close();
      }
      yield figure('popup.extension_script_page_floor.navigation_to_script.median', median(script), 'ms');
      yield figure('popup.extension_script_page_floor.navigation_to_paint.median', median(painted), 'ms');
    } finally {
      await blankChrome.close();
    }
  } finally {
    copy.cleanup();
  }
}

/**
 * Opens an extension page whose script notes (on the page's clock, which starts
 * with the navigation) when the last assistant message reads `marker`; waits
 * until the cache is written (the popup saves it 300 ms after the last event),
 * then closes the page like a popup losing focus.
 */
interface Timing {
  /** ms from the navigation's start until the popup's script ran… */
  script: number;
  /** …and until the marker was on screen. */
  shown: number;
  /** The popup's marks: its first frame painted (from the cache)… */
  cachedPaint?: number;
  /** …and the transcript rendered up to `seq` (the agent's newest event). */
  newEvents?: number;
}

async function openUntil(
  chrome: ExtensionBrowser,
  path: string,
  marker: string,
  seq?: number,
): Promise<Timing> {
  const page = await chrome.browser.newPage();
  // A string, not a function: the bench runs through a transpiler that would add helpers the page lacks.
  await page.evaluateOnNewDocument(`(() => {
    const look = () => {
      const all = document.querySelectorAll('[data-testid="ff-msg-assistant"]');
      const last = all[all.length - 1];
      if (last && last.textContent.includes(${JSON.stringify(marker)})) {
        window.__ffShownAt = performance.now();
        return;
      }
      setTimeout(look, 1);
    };
    look();
  })()`);
  await page.goto(`chrome-extension://${chrome.extensionId}/${path}`);
  await page.waitForFunction('window.__ffShownAt !== undefined', { timeout: 30_000 });
  const rendered = `performance.getEntriesByName('ff-chat-rendered').find((m) => m.detail.seq >= ${seq ?? 0})`;
  if (seq !== undefined) await page.waitForFunction(`${rendered} !== undefined`, { timeout: 30_000 });
  // Marks are on the page's clock: 0 is the navigation's start (performance.timeOrigin).
  const timing = (await page.evaluate(`({
    shown: window.__ffShownAt,
    script: performance.getEntriesByName('ff-popup-script')[0].startTime,
    cachedPaint: performance.getEntriesByName('ff-popup-cached-paint')[0]?.startTime,
    newEvents: ${rendered}?.startTime,
  })`)) as Timing;
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.close();
  return timing;
}

/** Navigation → load event of an extension page that runs nothing (its icon): what Chromium costs before ff's script. */
async function blankLoad(chrome: ExtensionBrowser): Promise<number> {
  const page = await chrome.browser.newPage();
  await page.goto(`chrome-extension://${chrome.extensionId}/icon-128.png`, { waitUntil: 'load' });
  const loaded = (await page.evaluate(
    `performance.getEntriesByType('navigation')[0].loadEventEnd`,
  )) as number;
  await page.close();
  return loaded;
}

/** The scripts, module preloads and style sheets a built page names in its HTML. */
function firstFiles(html: string): string[] {
  return [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/?([^"]+)"/g)].map((match) => match[1]!);
}
