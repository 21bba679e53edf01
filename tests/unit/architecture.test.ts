import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/agent-process.js';

/**
 * The import rules of docs/architecture.md, checked against the code: the map stays true.
 * Each source file's relative imports are resolved to the folder they land in.
 */
interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  specifier: string;
}

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)));
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
    const specifier = match[3]!;
    const to = specifier.startsWith('.') ? normalize(join(dirname(file), specifier)) : specifier;
    found.push({ from: file, to, typeOnly: Boolean(match[2]), specifier });
  }
  return found;
}

/** The folder a path is in, as the map names it: `agent/claude`, `agent` (the root files), `shared`, … */
function area(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'agent') return parts.length > 2 ? `agent/${parts[1]}` : 'agent';
  return parts[0]!;
}

const DOMAINS = ['workspaces', 'claude', 'ratchet', 'kanban', 'terminal', 'fleet', 'remote'];
const SERVICES = ['github', 'git', 'supervisor', 'login'];
const BOTTOM = ['server', 'events', 'store'];

/** Which agent areas each area may import (besides `shared` and itself); docs/architecture.md says why. */
const ALLOWED: Record<string, { any?: boolean; areas?: string[]; typeOnly?: string[] }> = {
  'agent/cli': { any: true },
  'agent/workspaces': {
    areas: ['agent/claude', ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`), 'agent'],
  },
  'agent/claude': {
    areas: [...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`), 'agent'],
    typeOnly: ['agent/workspaces'],
  },
  'agent/ratchet': {
    areas: [
      'agent/workspaces',
      'agent/claude',
      ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`),
      'agent',
    ],
  },
  'agent/kanban': {
    areas: ['agent/workspaces', ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`), 'agent'],
  },
  'agent/terminal': {
    areas: ['agent/workspaces', ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`), 'agent'],
  },
  'agent/fleet': { areas: ['agent/claude', ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`), 'agent'] },
  'agent/remote': {
    areas: [
      'agent/fleet',
      'agent/terminal',
      'agent/kanban',
      ...[...SERVICES, ...BOTTOM].map((a) => `agent/${a}`),
      'agent',
    ],
  },
  'agent/github': { areas: [...BOTTOM.map((a) => `agent/${a}`), 'agent'] },
  'agent/git': { areas: [...BOTTOM.map((a) => `agent/${a}`), 'agent'] },
  'agent/supervisor': { areas: [...BOTTOM.map((a) => `agent/${a}`), 'agent'] },
  'agent/login': { areas: [...BOTTOM.map((a) => `agent/${a}`), 'agent'] },
  'agent/server': { areas: ['agent/events', 'agent/store', 'agent'] },
  'agent/events': { areas: [] },
  'agent/store': { areas: ['agent'], typeOnly: ['agent/server'] },
};

/** The helpers beside agent.ts that every folder may use; agent.ts and modules.ts themselves are the root. */
const ROOT_ONLY = new Set(['agent/agent.ts', 'agent/modules.ts', 'agent/startup.ts']);

const all = ['agent', 'shared', 'extension', 'native-host'].flatMap(sources).flatMap(importsOf);

describe('the import rules of docs/architecture.md', () => {
  it('shared/ imports only itself and npm packages: no Node built-ins, nothing of agent/ or extension/', () => {
    const bad = all.filter(
      (i) =>
        area(i.from) === 'shared' &&
        (i.specifier.startsWith('node:') ||
          builtinModules.includes(i.specifier) ||
          (i.specifier.startsWith('.') && area(i.to) !== 'shared')),
    );
    expect(bad.map((i) => `${i.from} → ${i.specifier}`)).toEqual([]);
  });

  it('the extension imports shared/, never agent/; the agent never imports the extension', () => {
    const bad = all.filter(
      (i) =>
        (area(i.from) === 'extension' &&
          i.specifier.startsWith('.') &&
          ['agent', 'native-host'].includes(i.to.split('/')[0]!)) ||
        (i.from.startsWith('agent/') && i.to.startsWith('extension/')),
    );
    expect(bad.map((i) => `${i.from} → ${i.specifier}`)).toEqual([]);
  });

  it('agent folders import one way, as the map lists (no domain imports cli/, agent.ts or modules.ts)', () => {
    const bad: string[] = [];
    for (const i of all) {
      const from = area(i.from);
      if (!from.startsWith('agent/') || !i.specifier.startsWith('.')) continue;
      const to = area(i.to);
      if (to === from || to === 'shared' || !to.startsWith('agent')) continue;
      const rule = ALLOWED[from];
      if (!rule) {
        bad.push(`${from} has no rule in this test (add it to docs/architecture.md and here)`);
        continue;
      }
      if (rule.any) continue;
      const target = `${i.to.replace(/\.js$/, '.ts')}`;
      if (to === 'agent' && ROOT_ONLY.has(target))
        bad.push(`${i.from} → ${i.specifier} (the composition root)`);
      else if (to === 'agent/cli') bad.push(`${i.from} → ${i.specifier} (cli/)`);
      else if (rule.areas?.includes(to)) continue;
      else if (i.typeOnly && rule.typeOnly?.includes(to)) continue;
      else if (to !== 'agent') bad.push(`${i.from} → ${i.specifier}`);
    }
    expect([...new Set(bad)]).toEqual([]);
  });

  it('every domain folder registers its methods in a handlers.ts', () => {
    const missing = DOMAINS.filter((d) => !sources(`agent/${d}`).some((f) => f.endsWith('/handlers.ts')));
    expect(missing).toEqual([]);
  });
});
