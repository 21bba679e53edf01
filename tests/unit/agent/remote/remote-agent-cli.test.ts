import { describe, expect, it } from 'vitest';
import { parseAgentStatus, parsePairingCode } from '../../../../agent/remote/remote-agent-cli.js';

describe("what the remote's ff-agent prints over ssh, checked", () => {
  it.each([
    [
      'a running agent',
      '{"running":true,"port":41234,"home":"/h","pid":7}\n',
      { running: true, port: 41234 },
    ],
    ['a stopped agent', '{"running":false,"home":"/h","message":"not running"}\n', { running: false }],
    ['after a login banner', 'Welcome to box!\n{"running":true,"port":5}\n', { running: true, port: 5 }],
    ['nothing', '', undefined],
    ['an error text', 'ff-agent: Permission denied\n', undefined],
    ['JSON of another shape', '{"running":"yes"}\n', undefined],
    ['a port out of range', '{"running":true,"port":70000}\n', undefined],
  ])('status --json: %s', (_, stdout, expected) => {
    expect(parseAgentStatus(stdout)).toEqual(expected);
  });

  it.each([
    ['a code', '{"code":"K7F2-9QX4","expiresAt":"t","port":1}\n', 'K7F2-9QX4'],
    ['no code', '{"expiresAt":"t"}\n', undefined],
    ['something else than a code', '{"code":"; rm -rf /"}\n', undefined],
    ['not JSON', 'Pairing code: K7F2-9QX4\n', undefined],
  ])('pair --json: %s', (_, stdout, expected) => {
    expect(parsePairingCode(stdout)).toBe(expected);
  });
});
