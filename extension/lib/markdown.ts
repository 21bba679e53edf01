import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Claude's markdown → HTML that is safe to insert: parsed by a real
 * markdown parser, then sanitized by DOMPurify (no scripts, no event
 * handlers, no javascript: links); links open in a new tab without opener.
 */
export function renderMarkdown(text: string): string {
  const cached = rendered.get(text);
  if (cached !== undefined) return cached;
  const clean = render(text);
  rendered.set(text, clean);
  if (rendered.size > CACHE_ENTRIES) rendered.delete(rendered.keys().next().value as string);
  return clean;
}

/** A chat re-renders its whole list as events arrive: each message is parsed and sanitized once. */
const CACHE_ENTRIES = 2000;
const rendered = new Map<string, string>();

function render(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  const clean = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'img'],
    FORBID_ATTR: ['style'],
  });
  return clean.replace(/<a /g, '<a target="_blank" rel="noopener noreferrer" ');
}
