import type { ITheme } from '@xterm/xterm';

/**
 * The terminal's colors as Primer tokens: the page's own background and
 * text, and GitHub's ANSI palette (the one its Actions logs use), so a
 * terminal is light in light mode and dark in dark mode like the rest of
 * the page. xterm draws on a canvas and takes colors, not CSS: each token
 * is resolved against the page (`resolve`) when the terminal opens and
 * again when the color scheme changes.
 */
export const TERMINAL_COLORS = {
  background: 'var(--bgColor-default)',
  foreground: 'var(--fgColor-default)',
  cursor: 'var(--fgColor-default)',
  cursorAccent: 'var(--bgColor-default)',
  selectionBackground: 'var(--bgColor-accent-muted)',
  black: 'var(--ansi-black)',
  red: 'var(--ansi-red)',
  green: 'var(--ansi-green)',
  yellow: 'var(--ansi-yellow)',
  blue: 'var(--ansi-blue)',
  magenta: 'var(--ansi-magenta)',
  cyan: 'var(--ansi-cyan)',
  white: 'var(--ansi-white)',
  brightBlack: 'var(--ansi-blackBright)',
  brightRed: 'var(--ansi-redBright)',
  brightGreen: 'var(--ansi-greenBright)',
  brightYellow: 'var(--ansi-yellowBright)',
  brightBlue: 'var(--ansi-blueBright)',
  brightMagenta: 'var(--ansi-magentaBright)',
  brightCyan: 'var(--ansi-cyanBright)',
  brightWhite: 'var(--ansi-whiteBright)',
} as const satisfies Partial<Record<keyof ITheme, string>>;

/** xterm's theme from the tokens, each resolved to a color (an unresolvable one is left to xterm's default) — pure. */
export function terminalTheme(resolve: (css: string) => string | undefined): ITheme {
  const theme: ITheme = {};
  for (const [key, css] of Object.entries(TERMINAL_COLORS) as [keyof typeof TERMINAL_COLORS, string][]) {
    const color = resolve(css);
    if (color) theme[key] = color;
  }
  return theme;
}

/** Resolves a CSS color (with var()) to what the page computes for it, through an element of `doc`. */
export function pageColors(doc: Document): (css: string) => string | undefined {
  return (css) => {
    const probe = doc.createElement('span');
    probe.style.color = css;
    probe.hidden = true;
    doc.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color || undefined;
  };
}
