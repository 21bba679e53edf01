import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { FakeGitHub } from '../fakes/github/server.js';
import { closeServer, listenOnLoopback } from '../fakes/loopback.js';
import { repoRoot } from '../helpers/agent-process.js';
import { tempDir } from '../helpers/temp.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** GitHub escapes everything users write; so does this fake. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
}

/**
 * A fake github.com over HTTPS on 127.0.0.1 (self-signed cert for
 * github.com; Chromium maps the name here with --host-resolver-rules). Pages
 * are built from tests/e2e/fixtures with content from the fake GitHub API's
 * data, so the page and the API agree.
 */
export class GitHubSite {
  port = 0;
  colorMode: 'light' | 'dark' = 'light';
  #server: Server;
  #dir = tempDir('ff-site-');
  readonly github: FakeGitHub;
  issueNumber = 1;
  prNumber = 1;

  constructor(github: FakeGitHub) {
    this.github = github;
    const key = join(this.#dir.path, 'key.pem');
    const cert = join(this.#dir.path, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=github.com',
        '-addext',
        'subjectAltName=DNS:github.com',
      ],
      { stdio: 'ignore' },
    );
    this.#server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://github.com');
      // GitHub's own design tokens (the same package GitHub builds its CSS from), light and dark.
      if (url.pathname === '/__fixtures/primer.css') {
        res.writeHead(200, { 'content-type': 'text/css' }).end(primerCss());
        return;
      }
      if (url.pathname === '/__fixtures/soft-nav.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(read('soft-nav.js'));
        return;
      }
      const page = this.#page(url.pathname);
      if (!page) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        fill(read('layout.html'), {
          colorMode: this.colorMode,
          title: escapeHtml(page.title),
          issueNumber: String(this.issueNumber),
          prNumber: String(this.prNumber),
          main: page.main,
        }),
      );
    });
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.#server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
    this.#dir.cleanup();
  }

  /** Chromium flags that send github.com (and any other hosts given, e.g. a GitHub Enterprise) here. */
  chromeArgs(hosts = ['github.com']): string[] {
    return [
      `--host-resolver-rules=${hosts.map((host) => `MAP ${host}:443 127.0.0.1:${this.port}`).join(',')}`,
    ];
  }

  #page(path: string): { title: string; main: string } | undefined {
    const issue = /^\/octo\/app\/issues\/(\d+)$/.exec(path);
    if (issue) {
      const found = this.github.issues.find((i) => i.number === Number(issue[1]));
      if (!found) return undefined;
      return {
        title: `${found.title} · Issue #${found.number} · octo/app`,
        main: fill(read('issue.html'), {
          issueTitle: escapeHtml(found.title),
          issueNumber: String(found.number),
          issueBody: escapeHtml(found.body),
        }),
      };
    }
    const pull = /^\/octo\/app\/pull\/(\d+)$/.exec(path);
    if (pull) {
      const found = this.github.pullRequests.find((p) => p.number === Number(pull[1]));
      if (!found) return undefined;
      return {
        title: `${found.title} · Pull Request #${found.number} · octo/app`,
        main: fill(read('pull.html'), { prTitle: escapeHtml(found.title), prNumber: String(found.number) }),
      };
    }
    // The issue list, and the other URLs GitHub serves it at: a label's page, a saved view.
    if (path === '/octo/app/issues' || /^\/octo\/app\/(labels\/[^/]+|issues\/views\/\d+)$/.test(path)) {
      const rows = this.github.issues
        .filter((i) => i.repo === 'octo/app')
        .map(
          (i) =>
            `<li><a data-soft data-testid="issue-pr-title-link" href="/octo/app/issues/${i.number}">${escapeHtml(i.title)}</a></li>`,
        )
        .join('');
      return { title: 'Issues · octo/app', main: fill(read('issues.html'), { rows }) };
    }
    if (path === '/octo/app') return { title: 'octo/app', main: read('code.html') };
    return undefined;
  }
}

let primer: string | undefined;
function primerCss(): string {
  const themes = join(
    repoRoot,
    'node_modules',
    '@primer',
    'primitives',
    'dist',
    'css',
    'functional',
    'themes',
  );
  primer ??= ['light.css', 'dark.css'].map((f) => readFileSync(join(themes, f), 'utf8')).join('\n');
  return primer;
}
