import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClaudeArgs, resolveClaudeBinary } from '../../../../agent/claude/claude-args.js';
import { tempDir } from '../../../helpers/temp.js';

const base = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'];

describe('buildClaudeArgs', () => {
  it('puts the permission flags after the stream-json ones, then resume and model', () => {
    expect(
      buildClaudeArgs({
        permission: ['--permission-mode', 'acceptEdits', '--permission-prompts', 'none'],
        resumeId: 'abc',
        model: 'opus',
      }),
    ).toEqual([
      ...base,
      ...['--permission-mode', 'acceptEdits', '--permission-prompts', 'none'],
      ...['--resume', 'abc', '--model', 'opus'],
    ]);
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
