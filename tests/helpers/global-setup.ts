import { buildIfStale } from '../../scripts/build-if-stale.mjs';

/**
 * Integration and e2e tests run the built agent and extension, as users do.
 * `npm test` builds first; a bare `vitest` rebuilds here when sources are
 * newer, so a stale build never passes for the current code.
 */
export default async function setup(): Promise<void> {
  await buildIfStale({ firefox: false, e2e: true, quiet: true });
}
