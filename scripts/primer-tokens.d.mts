export function usedTokens(texts: Iterable<string>): Set<string>;
export function trimTokens(css: string, used: Set<string>, keep?: (name: string) => boolean): string;
/** A Vite plugin (structurally typed: wxt bundles its own Vite). */
export function primerTokens(srcDir: string): {
  name: string;
  enforce: 'pre';
  transform(code: string, id: string): { code: string; map: null } | undefined;
};
