/**
 * Colour for the CLI's own output: only on a terminal, never when NO_COLOR is set (to anything
 * but empty, per no-color.org) or TERM is dumb; FORCE_COLOR turns it on for pipes. Pure given
 * the stream's TTY flag and the environment.
 */
export function colourWanted(isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return Boolean(isTTY) && env.TERM !== 'dumb';
}

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Style = keyof typeof CODES;

/** `text` in `style` when `on`, else as is. */
export function paint(style: Style, text: string, on: boolean): string {
  if (!on || text === '') return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Painters for stdout and stderr, each decided by its own stream. */
export const out = (style: Style, text: string) => paint(style, text, colourWanted(process.stdout.isTTY));
export const err = (style: Style, text: string) => paint(style, text, colourWanted(process.stderr.isTTY));
