import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClaudeArgs, claudeEnv, resolveClaudeBinary } from '../../../../agent/claude/claude-args.js';
import { tempDir } from '../../../helpers/temp.js';

const base = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'];

describe('buildClaudeArgs', () => {
  it.each([
    [{ permissionMode: 'bypassPermissions' as const }, [...base, '--permission-mode', 'bypassPermissions']],
    [
      { permissionMode: 'ask' as const },
      [...base, '--permission-mode', 'default', '--permission-prompt-tool', 'stdio'],
    ],
    [
      { permissionMode: 'bypassPermissions' as const, resumeId: 'abc', model: 'opus' },
      [...base, '--permission-mode', 'bypassPermissions', '--resume', 'abc', '--model', 'opus'],
    ],
  ])('%j', (options, args) => {
    expect(buildClaudeArgs(options)).toEqual(args);
  });
});

describe('claudeEnv', () => {
  it.each([
    ['bypassPermissions', true, '1'],
    ['bypassPermissions', false, undefined],
    ['ask', true, undefined],
  ] as const)('%s as root=%s → IS_SANDBOX=%s', (mode, root, value) => {
    expect(claudeEnv({ PATH: '/bin' }, mode, root).IS_SANDBOX).toBe(value);
  });
});

describe('resolveClaudeBinary', () => {
  it('prefers FF_CLAUDE_BIN, else finds claude on PATH, else names both fixes', () => {
    const dir = tempDir();
    const bin = join(dir.path, 'claude');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(resolveClaudeBinary({ FF_CLAUDE_BIN: bin, PATH: '' })).toBe(bin);
    expect(resolveClaudeBinary({ PATH: `/nonexistent:${dir.path}` })).toBe(bin);
    expect(() => resolveClaudeBinary({ PATH: '/nonexistent' })).toThrow(/no `claude` on PATH.*FF_CLAUDE_BIN/);
    expect(() => resolveClaudeBinary({ FF_CLAUDE_BIN: join(dir.path, 'nope'), PATH: dir.path })).toThrow(
      /FF_CLAUDE_BIN is .*nope, which is not an executable file/,
    );
    dir.cleanup();
  });
});
