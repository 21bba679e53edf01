/**
 * Applies a partial update to a stored record: given fields are set, fields
 * given as `undefined` are removed (so optional fields really disappear from
 * state.json), and `updatedAt` is stamped.
 */
export function applyPatch<T extends { updatedAt?: string }>(
  record: T,
  patch: Partial<T>,
  now = new Date(),
): void {
  const target = record as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
  record.updatedAt = now.toISOString();
}
