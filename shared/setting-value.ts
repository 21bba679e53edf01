/**
 * One setting typed on a command line (`ff-agent settings set`, `ff-agent
 * ratchet settings set`) → a patch, or a one-line error naming the key and
 * what it takes. Pure. The type of the default decides how the text reads:
 * true/false (on/off, yes/no, 1/0), a number, or a comma-separated list
 * (`""` empties one).
 */
import type { z } from 'zod';

export type SettingValueResult<P> = { ok: true; patch: P } | { ok: false; error: string };

export function parsePatchValue<P>(
  patch: z.ZodType<P> & { shape: Record<string, z.ZodType> },
  defaults: Record<string, unknown>,
  what: string,
  key: string,
  raw: string,
): SettingValueResult<P> {
  const keys = Object.keys(patch.shape);
  if (!Object.hasOwn(patch.shape, key))
    return { ok: false, error: `Unknown ${what} "${key}". Settings: ${keys.join(', ')}.` };
  const text = raw.trim();
  const example = defaults[key];
  let value: unknown = text;
  if (typeof example === 'boolean') {
    const lower = text.toLowerCase();
    value = ['true', 'on', 'yes', '1'].includes(lower)
      ? true
      : ['false', 'off', 'no', '0'].includes(lower)
        ? false
        : text;
  } else if (typeof example === 'number') {
    value = text === '' || Number.isNaN(Number(text)) ? text : Number(text);
  } else if (Array.isArray(example)) {
    value = text
      .split(',')
      .map((item) => item.trim().replace(/^@/, ''))
      .filter(Boolean);
  }
  const parsed = patch.safeParse({ [key]: value });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `Bad value for ${key}: "${raw}" (${issue?.message ?? 'invalid'}).` };
  }
  return { ok: true, patch: parsed.data };
}
