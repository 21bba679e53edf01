export const root: string;
export function buildIfStale(options?: { firefox?: boolean; e2e?: boolean; quiet?: boolean }): void;
