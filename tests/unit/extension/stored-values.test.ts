import { describe, expect, it } from 'vitest';
import { enterpriseHostsFrom } from '../../../extension/lib/enterprise-hosts.js';
import {
  defaultNotificationSettings,
  notificationSettingsFrom,
} from '../../../extension/lib/notifications.js';
import { seenTurnsFrom } from '../../../extension/lib/workspace-list.js';

// What storage holds is whatever an older version, another extension build or a
// hand edit left there: each reader gives a usable value, never a crash or a cast.
describe('values read back from extension storage', () => {
  it.each([
    ['nothing stored', undefined, defaultNotificationSettings],
    ['not an object', 'off', defaultNotificationSettings],
    ['a kind turned off', { turn: false }, { ...defaultNotificationSettings, turn: false }],
    [
      'a kind that is not a boolean keeps its default',
      { merged: 'no', ready: false },
      { ...defaultNotificationSettings, ready: false },
    ],
    ['an unknown kind is dropped', { bogus: false }, defaultNotificationSettings],
  ])('notification settings: %s', (_, stored, expected) => {
    expect(notificationSettingsFrom(stored)).toEqual(expected);
  });

  it.each([
    ['nothing stored', undefined, []],
    ['not a list', 'ghe.example.com', []],
    [
      'hosts, normalized and distinct',
      ['GHE.example.com', 'ghe.example.com', 'https://code.corp.example/x'],
      ['ghe.example.com', 'code.corp.example'],
    ],
    [
      'non-strings and non-hosts are dropped',
      [42, null, 'not a host', 'github.com', 'ghe.example.com'],
      ['ghe.example.com'],
    ],
  ])('GitHub Enterprise hosts: %s', (_, stored, expected) => {
    expect(enterpriseHostsFrom(stored)).toEqual(expected);
  });

  it.each([
    ['nothing stored', undefined, {}],
    ['a list', [1, 2], {}],
    ['turn counts kept, anything else dropped', { w1: 3, w2: -1, w3: '4', w4: 1.5, w5: 0 }, { w1: 3, w5: 0 }],
  ])('seen turns: %s', (_, stored, expected) => {
    expect(seenTurnsFrom(stored)).toEqual(expected);
  });
});
