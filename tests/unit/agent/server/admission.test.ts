import { describe, expect, it } from 'vitest';
import { judgeHello, judgeUpgrade } from '../../../../agent/server/admission.js';
import type { RedeemResult } from '../../../../agent/server/pairing-codes.js';
import { CHROME_EXTENSION_ID } from '../../../../shared/extension-identity.js';
import { MAX_HELLO_BYTES, MAX_PENDING_HELLOS, PROTOCOL_VERSION } from '../../../../shared/protocol.js';

describe('judgeUpgrade: who may open a WebSocket', () => {
  const ff = `chrome-extension://${CHROME_EXTENSION_ID}`;
  it.each([
    ['the CLI on 127.0.0.1', { host: '127.0.0.1:47100' }, 0, 'ok'],
    ["ff's extension on localhost", { host: 'localhost:47100', origin: ff }, 0, 'ok'],
    ['a rebinding page (foreign Host)', { host: 'evil.example:47100', origin: ff }, 0, 403],
    ['no Host at all', {}, 0, 403],
    ['a web page', { host: '127.0.0.1:47100', origin: 'https://evil.example' }, 0, 403],
    ['a sandboxed frame (Origin null)', { host: '127.0.0.1:47100', origin: 'null' }, 0, 403],
    ['the CLI while too many wait to say hello', { host: '127.0.0.1:47100' }, MAX_PENDING_HELLOS, 503],
    ['the CLI while one fewer wait', { host: '127.0.0.1:47100' }, MAX_PENDING_HELLOS - 1, 'ok'],
  ] as const)('%s → %s', (_, headers, waitingForHello, expected) => {
    const verdict = judgeUpgrade(headers, { port: 47100, allowedExtensionIds: () => [], waitingForHello });
    expect(verdict.ok ? 'ok' : verdict.status).toBe(expected);
  });

  it('refusals for Host and Origin say what was refused in the log; a full house only in its answer', () => {
    const context = { port: 47100, allowedExtensionIds: () => [], waitingForHello: 0 };
    const host = judgeUpgrade({ host: 'evil.example:47100' }, context);
    const origin = judgeUpgrade({ host: '127.0.0.1:47100', origin: 'https://evil.example' }, context);
    const full = judgeUpgrade(
      { host: '127.0.0.1:47100' },
      { ...context, waitingForHello: MAX_PENDING_HELLOS },
    );
    expect(host).toMatchObject({
      message: 'Host not allowed',
      warning: expect.stringContaining('"evil.example:47100"'),
    });
    expect(origin).toMatchObject({
      message: 'Origin not allowed',
      warning: expect.stringContaining('web pages'),
    });
    expect(full).toMatchObject({ message: expect.stringContaining('try again shortly') });
    expect(full).not.toHaveProperty('warning');
  });

  it('does not read the allowed extension ids for a request whose Host is refused', () => {
    let reads = 0;
    const allowedExtensionIds = () => {
      reads++;
      return [];
    };
    judgeUpgrade({ host: 'evil.example:47100' }, { port: 47100, allowedExtensionIds, waitingForHello: 0 });
    expect(reads).toBe(0);
    judgeUpgrade({ host: '127.0.0.1:47100' }, { port: 47100, allowedExtensionIds, waitingForHello: 0 });
    expect(reads).toBe(1);
  });
});

describe('judgeHello: the first frame', () => {
  const client = { name: 'ff-extension', version: '0.1.0' };
  const hello = (fields: Record<string, unknown>) =>
    JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, client, ...fields });
  const codes: Record<string, RedeemResult> = {
    'GOOD-CODE': 'ok',
    'USED-CODE': 'used',
    'OLD0-CODE': 'expired',
  };
  const context = {
    token: 'secret',
    agentVersion: '0.1.0',
    redeemPairingCode: (code: string) => codes[code] ?? 'unknown',
  };

  it.each([
    ['the right token', hello({ token: 'secret' }), 'ok'],
    ['a wrong token', hello({ token: 'guess' }), 'bad-token'],
    ['an empty token', hello({ token: '' }), 'bad-token'],
    ['a good pairing code', hello({ pairingCode: 'GOOD-CODE' }), 'ok'],
    ['a spent pairing code', hello({ pairingCode: 'USED-CODE' }), 'pairing-code-used'],
    ['an expired pairing code', hello({ pairingCode: 'OLD0-CODE' }), 'pairing-code-expired'],
    ['an unknown pairing code', hello({ pairingCode: 'NOPE-NOPE' }), 'bad-pairing-code'],
    ['a token and a code: the token decides', hello({ token: 'secret', pairingCode: 'NOPE-NOPE' }), 'ok'],
    ['an older protocol', hello({ token: 'secret', protocol: PROTOCOL_VERSION - 1 }), 'protocol-mismatch'],
    ['a newer protocol', hello({ token: 'secret', protocol: PROTOCOL_VERSION + 1 }), 'protocol-mismatch'],
    [
      'a wrong token and another protocol',
      hello({ token: 'guess', protocol: PROTOCOL_VERSION + 1 }),
      'bad-token',
    ],
    ['neither token nor code', hello({}), 'hello-required'],
    ['a request before hello', JSON.stringify({ type: 'req', id: 1, method: 'status' }), 'hello-required'],
    ['not JSON', '{"type":"hello"', 'hello-required'],
    ['a binary frame', undefined, 'hello-required'],
    [
      'a hello over MAX_HELLO_BYTES',
      hello({ token: 'secret', pad: 'x'.repeat(MAX_HELLO_BYTES) }),
      'hello-required',
    ],
  ])('%s → %s', (_, text, expected) => {
    const verdict = judgeHello(text, context);
    expect(verdict.ok ? 'ok' : verdict.reason).toBe(expected);
  });

  it('a protocol mismatch names the side to update', () => {
    const newer = judgeHello(hello({ token: 'secret', protocol: PROTOCOL_VERSION + 1 }), context);
    const older = judgeHello(hello({ token: 'secret', protocol: PROTOCOL_VERSION - 1 }), context);
    expect(newer).toMatchObject({ why: expect.stringMatching(/update ff-agent$/) });
    expect(older).toMatchObject({ why: expect.stringMatching(/update the extension$/) });
  });

  it('a client that pairs by code is told so, so the welcome can carry the token', () => {
    expect(judgeHello(hello({ pairingCode: 'GOOD-CODE' }), context)).toMatchObject({
      ok: true,
      pairedByCode: true,
    });
    expect(judgeHello(hello({ token: 'secret' }), context)).toMatchObject({ ok: true, pairedByCode: false });
  });

  it('without a pairing-code book every code is unknown', () => {
    const verdict = judgeHello(hello({ pairingCode: 'GOOD-CODE' }), {
      token: 'secret',
      agentVersion: '0.1.0',
    });
    expect(verdict).toMatchObject({ ok: false, reason: 'bad-pairing-code' });
  });
});
