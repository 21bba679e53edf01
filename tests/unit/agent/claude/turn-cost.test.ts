import { describe, expect, it } from 'vitest';
import {
  callAfterLine,
  inputTokenPrice,
  pricesFromResult,
  turnCostUsd,
  weightedTokens,
} from '../../../../agent/claude/turn-cost.js';

describe('pricing a running turn', () => {
  it.each([
    ['input only', { input_tokens: 1000 }, 1000],
    ['output at 5×', { input_tokens: 10, output_tokens: 100 }, 510],
    [
      'cache writes at 1.25×, reads at 0.1×',
      { cache_creation_input_tokens: 800, cache_read_input_tokens: 5000 },
      1500,
    ],
    ['nulls as nothing', { input_tokens: null, output_tokens: null }, 0],
  ])('weighted tokens: %s', (_what, usage, weighted) => {
    expect(weightedTokens(usage)).toBe(weighted);
  });

  it('learns the price Claude Code used from its result line: cost over weighted tokens', () => {
    // As the CLI reported it here: 10 input and 12 output tokens of its default model for $0.00028.
    const prices = pricesFromResult({
      'claude-opus-5-5': { inputTokens: 10, outputTokens: 12, costUSD: 0.00028 },
      'claude-haiku-4-5': { inputTokens: 0, outputTokens: 0, costUSD: 0 },
    });
    expect(prices.get('claude-opus-5-5')).toBeCloseTo(4e-6, 12);
    expect(prices.has('claude-haiku-4-5')).toBe(false);
  });

  it.each([
    ['a learned price first', 'claude-opus-5-5', new Map([['claude-opus-5-5', 4e-6]]), 4e-6],
    ['else its family’s list price', 'claude-sonnet-9', new Map(), 3e-6],
    ['haiku', 'claude-haiku-4-5', new Map(), 1e-6],
    ['a model no family names: the dearest', 'mystery-model', new Map(), 15e-6],
    ['no model: the dearest', undefined, new Map(), 15e-6],
  ])('input price: %s', (_what, model, learned, price) => {
    expect(inputTokenPrice(model, learned)).toBe(price);
  });

  it('counts each call once, across the lines its content blocks come on, its output at least what its content shows', () => {
    const usage = { input_tokens: 400_000, output_tokens: 1 };
    let call = callAfterLine(undefined, {
      model: 'claude-opus-5-5',
      usage,
      content: [{ type: 'text', text: 'x'.repeat(30) }],
    });
    call = callAfterLine(call, { usage, content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] });
    expect(call.model).toBe('claude-opus-5-5');
    const learned = new Map([['claude-opus-5-5', 4e-6]]);
    const one = turnCostUsd([call], learned);
    // 400,000 input tokens at $4 a million, and the content's dozen or so output tokens at 5×.
    expect(one).toBeGreaterThan(1.6);
    expect(one).toBeLessThan(1.601);
    expect(turnCostUsd([call, call], learned)).toBeCloseTo(2 * one, 10);
  });
});
