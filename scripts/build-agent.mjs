// Builds the agent: `tsc` type-checks and emits dist/ file by file (the native host and tests use those),
// then esbuild bundles the CLI into dist/agent/cli/main.js plus chunks that each command loads on demand.
// One bundle instead of ~300 module files roughly halves `ff-agent serve`'s cold start (tests/bench,
// agent.cold_start_to_listening): Node 20 resolves, reads and compiles every ESM file on its own.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/**
 * zod re-exports all of its ~45 locales (`z.locales`, 366 KB of the agent's bundle, parsed and
 * compiled at every start); ff's messages are English, so only `en` is bundled (`z.locales.en`).
 * @type {import('esbuild').Plugin}
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};

/** @param {{ quiet?: boolean }} options */
export async function buildAgent({ quiet = false } = {}) {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    },
  );
  const { build } = await import('esbuild');
  const outdir = join(root, 'dist', 'agent', 'cli');
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'agent/cli/main.ts' },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    // A native addon, and ws's optional native speedups: loaded from node_modules at run time.
    external: ['node-pty', 'bufferutil', 'utf-8-validate'],
    // The CommonJS packages inside (commander, ws) call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __ffRequire } from 'node:module'; const require = __ffRequire(import.meta.url);",
    },
    logLevel: quiet ? 'error' : 'warning',
    plugins: [zodEnglishOnly],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildAgent();
