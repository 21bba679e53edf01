import { describe, expect, it } from 'vitest';
import { choosePort, ratchetSchedule } from '../../../agent/config.js';
import { DEFAULT_AGENT_PORT } from '../../../shared/extension-identity.js';

describe('choosePort', () => {
  it.each([
    ['--port wins over everything', 5000, { FF_PORT: '6000' }, 7000, { port: 5000, explicit: true }],
    ['--port 0 means any free port', 0, {}, 7000, { port: 0, explicit: true }],
    [
      'FF_PORT wins over the saved port',
      undefined,
      { FF_PORT: '6000' },
      7000,
      { port: 6000, explicit: true },
    ],
    [
      'FF_AGENT_PORT wins over FF_PORT',
      undefined,
      { FF_AGENT_PORT: '6100', FF_PORT: '6000' },
      7000,
      { port: 6100, explicit: true },
    ],
    [
      "inside a workspace FF_PORT is the app's, not the agent's",
      undefined,
      { FF_PORT: '21000', FF_WORKSPACE_ID: 'w1' },
      7000,
      { port: 7000, explicit: false },
    ],
    [
      'inside a workspace FF_AGENT_PORT still names the agent port',
      undefined,
      { FF_AGENT_PORT: '6100', FF_PORT: '21000', FF_WORKSPACE_ID: 'w1' },
      7000,
      { port: 6100, explicit: true },
    ],
    ['the saved port is used next', undefined, {}, 7000, { port: 7000, explicit: false }],
    [
      'a blank FF_PORT is ignored',
      undefined,
      { FF_PORT: ' ' },
      undefined,
      { port: DEFAULT_AGENT_PORT, explicit: false },
    ],
    ['else the default', undefined, {}, undefined, { port: DEFAULT_AGENT_PORT, explicit: false }],
  ])('%s', (_name, flag, env, saved, expected) => {
    expect(choosePort(flag, env, saved)).toEqual(expected);
  });

  it.each(['abc', '-1', '70000', '1.5'])('FF_PORT=%j is a clear error', (value) => {
    expect(() => choosePort(undefined, { FF_PORT: value }, undefined)).toThrow(
      /FF_PORT must be a port number/,
    );
  });

  it('a bad FF_AGENT_PORT is a clear error naming it', () => {
    expect(() => choosePort(undefined, { FF_AGENT_PORT: 'x' }, undefined)).toThrow(
      /^FF_AGENT_PORT must be a port number/,
    );
  });
});

describe('ratchetSchedule', () => {
  it.each([
    [{}, '0 * * * * *'],
    [{ FF_RATCHET_CRON: '' }, '0 * * * * *'],
    [{ FF_RATCHET_CRON: 'off' }, 'off'],
    [{ FF_RATCHET_CRON: ' */30 * * * * * ' }, '*/30 * * * * *'],
  ])('%j → %s', async (env, schedule) => {
    expect(await ratchetSchedule(env)).toBe(schedule);
  });

  it.each(['every minute', '61 * * * * *', 'Off'])('%j is refused, naming the variable', async (value) => {
    await expect(ratchetSchedule({ FF_RATCHET_CRON: value })).rejects.toThrow(
      /FF_RATCHET_CRON must be a cron schedule/,
    );
  });
});
