/**
 * cron (and luxon under it, 280 KB), loaded only when a schedule other than every minute needs
 * it: not on a default start. It is CommonJS: bundled, its chunk has only a default export; run
 * from source, named exports too. Both have `default`.
 */
export async function loadCron(): Promise<typeof import('cron')> {
  const cron = await import('cron');
  return cron.default ?? cron;
}
