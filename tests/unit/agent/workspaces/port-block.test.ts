import { describe, expect, it } from 'vitest';
import {
  blockCandidates,
  blocksOverlap,
  chooseFreeBlock,
  PortBlocks,
} from '../../../../agent/workspaces/port-block.js';

const range = { start: 100, end: 150 };

describe('blocksOverlap', () => {
  it.each([
    [{ first: 100, count: 10 }, { first: 110, count: 10 }, false],
    [{ first: 100, count: 10 }, { first: 109, count: 10 }, true],
    [{ first: 105, count: 2 }, { first: 100, count: 10 }, true],
    [{ first: 90, count: 10 }, { first: 100, count: 10 }, false],
  ])('%j and %j: %s', (a, b, overlap) => {
    expect(blocksOverlap(a, b)).toBe(overlap);
    expect(blocksOverlap(b, a)).toBe(overlap);
  });
});

describe('blockCandidates', () => {
  it.each([
    ['none held: every aligned block in order', [], [100, 110, 120, 130, 140]],
    ['a held block is skipped', [{ first: 110, count: 10 }], [100, 120, 130, 140]],
    ['a held block off the grid takes both blocks it touches', [{ first: 115, count: 10 }], [100, 130, 140]],
    ['all held: none left', [100, 110, 120, 130, 140].map((first) => ({ first, count: 10 })), []],
  ])('%s', (_why, held, firsts) => {
    expect(blockCandidates(held, range).map((b) => b.first)).toEqual(firsts);
  });

  it('never offers a block past the end of the range', () => {
    expect(blockCandidates([], { start: 100, end: 125 }).map((b) => b.first)).toEqual([100, 110]);
  });
});

describe('chooseFreeBlock', () => {
  it('skips a block with one port taken by another program', async () => {
    const taken = new Set([103]);
    const block = await chooseFreeBlock([], async (port) => !taken.has(port), range);
    expect(block).toEqual({ first: 110, count: 10 });
  });

  it('says what to do when no block is free', async () => {
    await expect(chooseFreeBlock([], async () => false, range)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('archive workspaces you no longer run'),
    });
  });
});

describe('PortBlocks', () => {
  it('two workspaces claiming at once get different blocks: the second sees the first recorded', async () => {
    const held: Array<{ first: number; count: number }> = [];
    const blocks = new PortBlocks(
      () => [...held],
      async () => true,
    );
    const record = async (block: { first: number; count: number }) => {
      await new Promise((resolve) => setImmediate(resolve));
      held.push(block);
      return block.first;
    };
    const firsts = await Promise.all([blocks.claim(record), blocks.claim(record), blocks.claim(record)]);
    expect(new Set(firsts).size).toBe(3);
  });

  it('a claim whose recording fails lets the next one choose', async () => {
    const blocks = new PortBlocks(
      () => [],
      async () => true,
    );
    await expect(blocks.claim(async () => Promise.reject(new Error('disk full')))).rejects.toThrow(
      'disk full',
    );
    await expect(blocks.claim(async (block) => block.first)).resolves.toBe(20_000);
  });
});
