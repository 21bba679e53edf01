export const root: string;
export function buildIfStale(options?: { firefox?: boolean; quiet?: boolean }): void;
