import type { JSX } from 'preact';

const paths = new Map<string, string[]>();

/**
 * One Octicon from its SVG file's text (imported with `?raw`), drawn as a
 * Preact element, never as HTML. Decorative (aria-hidden) unless labelled.
 * The content script imports single icons through this, so it carries only those.
 */
export function SvgIcon({
  svg,
  size = 16,
  label,
  class: className,
}: {
  svg: string;
  size?: number;
  label?: string;
  class?: string;
}): JSX.Element {
  let d = paths.get(svg);
  if (!d) {
    d = [...svg.matchAll(/\sd="([^"]+)"/g)].map((m) => m[1]!);
    paths.set(svg, d);
  }
  return (
    // biome-ignore lint/a11y/noSvgWithoutTitle: decorative icons are aria-hidden; labelled ones carry aria-label.
    <svg
      class={`octicon${className ? ` ${className}` : ''}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': 'true' })}
    >
      {d.map((path) => (
        <path d={path} key={path} />
      ))}
    </svg>
  );
}
