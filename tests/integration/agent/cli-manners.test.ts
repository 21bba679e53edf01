import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent-process.js';
import { tempDir } from '../../helpers/temp.js';

const home = tempDir('ff-cli-manners-');
const env = { FF_HOME: home.path, NO_COLOR: '', FORCE_COLOR: '' };

describe('the CLI, as a new user meets it', () => {
  it("a usage error points at the subcommand's own --help", async () => {
    const missing = await runCli(['project', 'add'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("missing required argument 'path'");
    expect(missing.stderr).toContain('(run ff-agent project add --help for usage)');
    const unknown = await runCli(['workspace', 'create', '--project', 'octo/app', '--isue', '3'], env);
    expect(unknown.stderr).toContain('(run ff-agent workspace create --help for usage)');
  });

  it('help carries examples', async () => {
    const help = await runCli(['project', 'add', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}\$ cd ~\/src\/app && ff-agent project add \./);
    expect((await runCli(['--help'], env)).stdout).toContain('$ ff-agent install');
  });

  it('errors are red only where colour is wanted: FORCE_COLOR on a pipe, never with NO_COLOR', async () => {
    const forced = await runCli(['status'], { ...env, FORCE_COLOR: '1' });
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('\u001b[31mff-agent is not running');
    const plain = await runCli(['status'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.stderr).not.toContain('\u001b[');
    expect(plain.stderr).toMatch(/^ff-agent is not running/);
  });
});
