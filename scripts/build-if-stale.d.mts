export const root: string;
export function buildIfStale(options?: {
  firefox?: boolean;
  e2e?: boolean;
  zip?: boolean;
  quiet?: boolean;
}): Promise<void>;
export function zipName(browser: 'chrome' | 'firefox'): string;
