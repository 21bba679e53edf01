// What a running turn has cost so far — pure. The CLI says exactly what a
// turn cost only when it ends (its result line, priced by the CLI itself);
// until then ff prices each API call from the usage its assistant line
// reports, so a fixer's budget can be held to while the turn runs and what
// it spends can be shown live. The result line's figure replaces the
// estimate as soon as it comes.
import type { Usage } from '../../shared/claude-messages.js';

/**
 * A call's tokens weighed as input tokens: Anthropic prices output at 5×
 * a model's input price, cache writes at 1.25× and cache reads at 0.1×.
 */
export function weightedTokens(usage: Usage, outputTokens: number = usage.output_tokens ?? 0): number {
  return (
    (usage.input_tokens ?? 0) +
    5 * outputTokens +
    1.25 * (usage.cache_creation_input_tokens ?? 0) +
    0.1 * (usage.cache_read_input_tokens ?? 0)
  );
}

/**
 * USD per input token by model family (list prices), for a model the CLI
 * has not priced in this agent's run yet; one no family names counts at the
 * dearest, so a budget is never passed by a guess.
 */
const LIST_PRICES: ReadonlyArray<readonly [RegExp, number]> = [
  [/haiku/i, 1e-6],
  [/sonnet/i, 3e-6],
  [/opus/i, 5e-6],
];
const DEAREST = 15e-6;

/** The input-token price of `model`: what the CLI used for it (learned), else its family's list price. */
export function inputTokenPrice(model: string | undefined, learned: ReadonlyMap<string, number>): number {
  const known = model ? learned.get(model) : undefined;
  if (known !== undefined) return known;
  return LIST_PRICES.find(([family]) => model && family.test(model))?.[1] ?? DEAREST;
}

/** What a result line's per-model usage says each model's input token cost (cost over weighted tokens). */
export function pricesFromResult(
  modelUsage: Record<
    string,
    {
      inputTokens?: number | null;
      outputTokens?: number | null;
      cacheReadInputTokens?: number | null;
      cacheCreationInputTokens?: number | null;
      costUSD?: number | null;
    }
  >,
): Map<string, number> {
  const prices = new Map<string, number>();
  for (const [model, u] of Object.entries(modelUsage)) {
    const weighted = weightedTokens({
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      cache_read_input_tokens: u.cacheReadInputTokens,
      cache_creation_input_tokens: u.cacheCreationInputTokens,
    });
    if (weighted > 0 && u.costUSD != null && u.costUSD > 0) prices.set(model, u.costUSD / weighted);
  }
  return prices;
}

/** About four characters a token: a call's output as its content shows it, before its closing usage arrives. */
const CHARS_PER_TOKEN = 4;

/** One API call of the running turn, as its assistant lines showed it (a line per content block). */
export interface CallSeen {
  model?: string;
  usage: Usage;
  /** Characters of content its lines carried so far. */
  chars: number;
}

/**
 * A call after one more of its assistant lines — pure: the newest usage,
 * and the line's content added to what it showed.
 */
export function callAfterLine(
  call: CallSeen | undefined,
  line: { model?: string; usage?: Usage | null; content: readonly unknown[] },
): CallSeen {
  const chars = line.content.reduce<number>((sum, block) => sum + JSON.stringify(block).length, 0);
  return {
    ...((line.model ?? call?.model) ? { model: line.model ?? call?.model } : {}),
    usage: line.usage ?? call?.usage ?? {},
    chars: (call?.chars ?? 0) + chars,
  };
}

/** What one call has cost so far (USD), its output counted from what it showed at least. */
export function callCostUsd(call: CallSeen, learned: ReadonlyMap<string, number>): number {
  const output = Math.max(call.usage.output_tokens ?? 0, Math.ceil(call.chars / CHARS_PER_TOKEN));
  return weightedTokens(call.usage, output) * inputTokenPrice(call.model, learned);
}

/** What the running turn's calls have cost so far (USD). */
export function turnCostUsd(calls: Iterable<CallSeen>, learned: ReadonlyMap<string, number>): number {
  let usd = 0;
  for (const call of calls) usd += callCostUsd(call, learned);
  return usd;
}
