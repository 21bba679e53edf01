/**
 * Branch names for new workspaces. Pure; the result is still checked
 * against git's rules (isValidBranchNameSync) before use.
 *
 *   issue 12 "Fix the login bug!"  → ff/12-fix-the-login-bug
 *   issue 12 with an empty or all-emoji title → ff/12
 *   no issue → ff/<short id>
 */
export const MAX_SLUG = 50;

/** ASCII letters, digits and single dashes; at most MAX_SLUG characters; may be empty. */
export function slugify(title: string, max = MAX_SLUG): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off their letters: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii.slice(0, max).replace(/-+$/g, '');
}

export function defaultBranchName(input: { issueNumber?: number; title?: string; shortId: string }): string {
  if (input.issueNumber !== undefined) {
    const slug = slugify(input.title ?? '');
    return slug ? `ff/${input.issueNumber}-${slug}` : `ff/${input.issueNumber}`;
  }
  return `ff/${input.shortId}`;
}

/** `name`, then `name-2`, `name-3`, … */
export function withSuffix(name: string, attempt: number): string {
  return attempt <= 1 ? name : `${name}-${attempt}`;
}

/**
 * git's rules for a branch name (`git check-ref-format --branch`), without
 * spawning git: no component starting with `.` or ending in `.lock`; no
 * `..`, `@{`, `//`, `\`, control characters, space, `~ ^ : ? * [`; not
 * starting with `-` or `/`, not ending with `/` or `.`; not `@` or `HEAD`.
 * Table-tested against git itself.
 */
export function isValidBranchNameSync(name: string): boolean {
  if (!name || name === '@' || name === 'HEAD' || name.startsWith('-')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.$/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

export type BranchInput = { branch: string } | { error: string };

/**
 * A branch name as the user typed it (`--branch`, `--base`): `refs/heads/x`
 * means `x` (git would otherwise make `refs/heads/refs/heads/x`); for a base,
 * `refs/remotes/origin/x` and `origin/x` mean `x` too. Other refs, and names git
 * refuses, are errors with a one-line reason. Pure.
 */
export function normalizeBranchInput(input: string, kind: 'branch' | 'base' = 'branch'): BranchInput {
  let name = input;
  if (name.startsWith('refs/heads/')) name = name.slice('refs/heads/'.length);
  else if (kind === 'base' && name.startsWith('refs/remotes/origin/'))
    name = name.slice('refs/remotes/origin/'.length);
  else if (kind === 'base' && name.startsWith('origin/')) name = name.slice('origin/'.length);
  else if (name.startsWith('refs/'))
    return {
      error: `${JSON.stringify(input)} is not a branch; give a branch name (refs/heads/… or just the name).`,
    };
  if (!isValidBranchNameSync(name) || name.startsWith('refs/'))
    return { error: `${JSON.stringify(input)} is not a valid branch name.` };
  return { branch: name };
}
