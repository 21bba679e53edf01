import { describe, expect, it } from 'vitest';
import { canOpenPreview, previewHref } from '../../../extension/components/preview-link.js';
import { loopbackPreviewHref } from '../../../extension/lib/safe-href.js';

const preview = (url: string) => ({ port: 3001, url, pid: 7, command: 'vite' });

describe('previewHref and canOpenPreview', () => {
  it.each([
    ['local', 'http://localhost:3001/', 'http://localhost:3001/', true],
    ['local', 'javascript:alert(1)', undefined, false],
    // A remote's port is on the remote host: no URL here until the agent forwards it, on a click.
    ['gpu-box', 'http://localhost:3001/', undefined, true],
  ])('on %s, %s links %s (opens: %s)', (machine, url, href, opens) => {
    expect(previewHref(machine, preview(url))).toBe(href);
    expect(canOpenPreview(machine, preview(url))).toBe(opens);
  });
});

describe('loopbackPreviewHref: what the background opens for a preview the agent answered', () => {
  it.each([
    ['http://127.0.0.1:41234/', 'http://127.0.0.1:41234/'],
    ['http://localhost:3001/', 'http://localhost:3001/'],
    ['http://[::1]:3001/', 'http://[::1]:3001/'],
    // Anything else is not a forward ff made: opened for no one.
    ['https://127.0.0.1:41234/', undefined],
    ['http://127.0.0.1/', undefined],
    ['http://example.com:3001/', undefined],
    ['http://user:pw@127.0.0.1:3001/', undefined],
    ['javascript:alert(1)', undefined],
    ['not a url', undefined],
    ['', undefined],
  ])('%s → %s', (url, href) => {
    expect(loopbackPreviewHref(url)).toBe(href);
  });
});
