import { describe, expect, it } from 'vitest';
import { nodeCheck } from '../../../../agent/cli/doctor.js';

describe('doctor: which Node.js runs ff', () => {
  it.each([
    ['24.21.0', 'ok'],
    ['22.13.0', 'ok'],
    ['26.1.0', 'ok'],
    ['22.12.0', 'warn'],
    ['20.20.2', 'warn'],
    ['20.19.0', 'warn'],
    ['20.18.3', 'fail'],
    ['18.20.0', 'fail'],
  ])('Node %s → %s', (version, status) => {
    const check = nodeCheck(version);
    expect(check.status).toBe(status);
    if (status !== 'ok') expect(check.fix).toBe('Install Node.js 22 or 24 (LTS).');
  });
});
