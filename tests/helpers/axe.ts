import { AxePuppeteer } from '@axe-core/puppeteer';
import type { Page } from 'puppeteer-core';

/**
 * axe-core's serious and critical findings on a page (shadow roots
 * included), as lines a failing test can print: "color-contrast (serious):
 * 3 × .ff-chip".
 */
export async function seriousA11yViolations(page: Page, include?: string): Promise<string[]> {
  const axe = new AxePuppeteer(page).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  // On a (fake) GitHub page only ff's own parts are ours to answer for.
  if (include) axe.include(include);
  const results = await axe.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')} — ${v.help}`,
    );
}

/** Light, then dark: the page follows prefers-color-scheme (or GitHub's data-color-mode, set by the caller). */
export async function inBothThemes(
  page: Page,
  check: (theme: 'light' | 'dark') => Promise<void>,
): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
    await check(theme);
  }
  await page.emulateMediaFeatures([]);
}

/** GitHub's theme switch: light, then dark, through the data-color-mode GitHub sets on <html>. */
export async function inGitHubThemes(
  page: Page,
  check: (theme: 'light' | 'dark') => Promise<void>,
): Promise<void> {
  const before = await page.evaluate(() => document.documentElement.dataset.colorMode ?? 'light');
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((mode) => {
      document.documentElement.dataset.colorMode = mode;
    }, theme);
    await check(theme);
  }
  await page.evaluate((mode) => {
    document.documentElement.dataset.colorMode = mode;
  }, before);
}
