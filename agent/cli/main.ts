#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { AgentError } from '../../shared/protocol.js';
import { resolveHome } from '../store/home.js';
import { agentVersion } from '../version.js';
import { CliError } from './connect.js';
import { serve } from './serve.js';
import { status } from './status.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 = any free port).');
  }
  return port;
}

export function buildProgram(): Command {
  const program = new Command('ff-agent')
    .description(
      'The local agent of ff: worktrees, Claude Code sessions and the PR ratchet, for the ff browser extension.',
    )
    .version(agentVersion, '-v, --version')
    .option('--home <dir>', 'where ff keeps its state (default: $FF_HOME or ~/.ff)')
    .showHelpAfterError('(run ff-agent --help for usage)')
    .exitOverride();

  const home = () => resolveHome(program.opts<{ home?: string }>().home);

  program
    .command('serve')
    .description('run the agent in the foreground (127.0.0.1 only)')
    .option('-p, --port <port>', 'port to listen on (default: $FF_PORT, the saved port, or 47100)', parsePort)
    .option('--verbose', 'also write the log to stderr')
    .action((options: { port?: number; verbose?: boolean }) =>
      serve({ home: home().root, port: options.port, verbose: options.verbose }),
    );

  program
    .command('status')
    .description('is the agent running? pid, port, uptime and counts')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => status(home(), options));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander already printed help/usage
    if (error instanceof CliError) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AgentError) {
      process.stderr.write(`ff-agent: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `ff-agent: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

const code = await main(process.argv);
// `serve` keeps running on its own handles; every other command ends here.
if (code !== 0) process.exit(code);
