import { describe, expect, it } from 'vitest';
import { formatScripts } from '../../../../agent/cli/projects.js';
import { parseScriptsFile, resolveScripts } from '../../../../agent/workspaces/project-scripts.js';

describe('parseScriptsFile', () => {
  it.each([
    [
      'conductor.json',
      '{"scripts":{"setup":"npm ci","run":"npm run dev","archive":"./bye.sh"},"runScriptMode":"concurrent"}',
      { setup: 'npm ci', run: 'npm run dev', archive: './bye.sh' },
    ],
    ['conductor.json', '{"runScriptMode":"concurrent"}', {}],
    [
      '.conductor/settings.toml',
      '"$schema" = "x"\n[scripts]\nsetup = """\npnpm i\ncp "$CONDUCTOR_ROOT_PATH/.env" .env\n"""\nrun = "pnpm dev --port $CONDUCTOR_PORT"\nrun_mode = "concurrent"\n',
      { setup: 'pnpm i\ncp "$CONDUCTOR_ROOT_PATH/.env" .env\n', run: 'pnpm dev --port $CONDUCTOR_PORT' },
    ],
    [
      '.superset/config.json',
      '{"setup":["npm ci","cp $SUPERSET_ROOT_PATH/.env ."],"teardown":["./down.sh"],"run":["npm start"]}',
      { setup: 'npm ci && cp $SUPERSET_ROOT_PATH/.env .', archive: './down.sh', run: 'npm start' },
    ],
    ['.superset/config.json', '{"setup":[]}', {}],
    ['conductor.json', '{"scripts":{"setup":"  "}}', {}],
  ] as const)('%s %j declares %j', (file, text, scripts) => {
    expect(parseScriptsFile(file, text)).toEqual({ ok: true, scripts });
  });

  it.each([
    ['conductor.json', '{"scripts":', /conductor.json is not valid JSON/],
    ['.conductor/settings.toml', '[scripts\nsetup=1', /settings.toml is not valid TOML/],
    ['conductor.json', '{"scripts":{"run":["a"]}}', /scripts.run must be a string/],
    ['conductor.json', '["npm ci"]', /holds no table/],
    ['.superset/config.json', '{"setup":[1]}', /"setup" must be a list of commands/],
  ] as const)('%s %j is refused: %s', (file, text, error) => {
    const parsed = parseScriptsFile(file, text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('resolveScripts', () => {
  const conductorJson = {
    file: 'conductor.json' as const,
    text: '{"scripts":{"setup":"json setup","run":"json run"}}',
  };
  const conductorToml = { file: '.conductor/settings.toml' as const, text: '[scripts]\nrun = "toml run"\n' };
  const superset = {
    file: '.superset/config.json' as const,
    text: '{"setup":["s1"],"run":["srun"],"teardown":["sdown"]}',
  };

  it.each([
    ['nothing anywhere', {}, [], {}],
    [
      "ff's settings win over the repo's files",
      { runScript: 'ff run' },
      [conductorJson],
      { setup: ['json setup', 'conductor.json'], run: ['ff run', 'ff'] },
    ],
    [
      'conductor.json alone',
      {},
      [conductorJson],
      { setup: ['json setup', 'conductor.json'], run: ['json run', 'conductor.json'] },
    ],
    [
      'settings.toml makes Conductor (and ff) ignore conductor.json',
      {},
      [conductorJson, conductorToml],
      { run: ['toml run', '.conductor/settings.toml'] },
    ],
    [
      "Superset's fills in what Conductor's leaves out, its teardown the archive script",
      {},
      [conductorToml, superset],
      {
        setup: ['s1', '.superset/config.json'],
        run: ['toml run', '.conductor/settings.toml'],
        archive: ['sdown', '.superset/config.json'],
      },
    ],
  ] as const)('%s', (_why, project, files, expected) => {
    const resolved = resolveScripts(project, files);
    const simple = Object.fromEntries(
      (['setup', 'run', 'archive'] as const)
        .filter((kind) => resolved[kind])
        .map((kind) => [kind, [resolved[kind]!.command, resolved[kind]!.source]]),
    );
    expect(simple).toEqual(expected);
    expect(resolved.problems).toEqual([]);
  });

  it('a broken file is named in problems and the next source is asked', () => {
    const resolved = resolveScripts({}, [{ file: 'conductor.json', text: '{' }, superset]);
    expect(resolved.run).toEqual({ command: 'srun', source: '.superset/config.json' });
    expect(resolved.problems).toEqual([expect.stringMatching(/^conductor.json is not valid JSON/)]);
  });
});

describe('formatScripts', () => {
  it('says where each script came from, and what could not be read', () => {
    expect(
      formatScripts({
        setup: { command: 'npm ci', source: 'ff' },
        run: { command: 'npm run dev', source: 'conductor.json' },
        problems: ['.superset/config.json is not valid JSON: x'],
      }),
    ).toBe(
      'scripts (what new workspaces run)\n' +
        '  setup      npm ci  (from ff project settings)\n' +
        '  run        npm run dev  (from conductor.json)\n' +
        '  archive    (none)\n' +
        '  ! .superset/config.json is not valid JSON: x\n',
    );
  });
});
