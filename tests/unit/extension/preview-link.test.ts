import { describe, expect, it } from 'vitest';
import { previewHref } from '../../../extension/components/preview-link.js';

const preview = (url: string) => ({ port: 3001, url, pid: 7, command: 'vite' });

describe('previewHref', () => {
  it.each([
    ['local', 'http://localhost:3001/', 'http://localhost:3001/'],
    ['local', 'javascript:alert(1)', undefined],
    // A remote's port is on the remote host: no link until it is forwarded.
    ['gpu-box', 'http://localhost:3001/', undefined],
  ])('on %s, %s opens %s', (machine, url, href) => {
    expect(previewHref(machine, preview(url))).toBe(href);
  });
});
