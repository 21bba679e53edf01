import { inertJson, inertText } from '../../shared/inert-text.js';

/**
 * What the CLI prints of what others wrote — GitHub's check names, issue
 * titles and error messages, Claude's text, the agent's records of them —
 * goes through here: inert on a terminal (shared/inert-text.ts), so a check
 * named `\e]0;…\a\e[2J` cannot set the window title or clear the screen.
 * ff's own colours (style.ts) are painted around text made inert first.
 */

/** Text on stdout, made inert. */
export function say(text: string): void {
  process.stdout.write(inertText(text));
}

/** Text on stderr, made inert. */
export function sayError(text: string): void {
  process.stderr.write(inertText(text));
}

/** `--json` output: escapes what a terminal would act on, and loses nothing. */
export function print(value: unknown, indent = 2): void {
  process.stdout.write(`${inertJson(value, indent)}\n`);
}
