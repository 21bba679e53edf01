/** The argument that says what a tool call does (its command, file, pattern…), in one line. */
export const SUMMARY_KEYS = ['command', 'file_path', 'path', 'pattern', 'url', 'description'] as const;

export function toolSummary(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input !== 'object' || input === null) return '';
  const record = input as Record<string, unknown>;
  for (const key of SUMMARY_KEYS) {
    if (typeof record[key] === 'string') return String(record[key]);
  }
  const json = JSON.stringify(input);
  return json.length > 120 ? `${json.slice(0, 120)}…` : json;
}
