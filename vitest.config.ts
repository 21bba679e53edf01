import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and e2e tests start real agents, git, claude and Chromium: two cores, so keep it modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
