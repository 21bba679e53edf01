import { errorText } from '../../shared/error-text.js';
import { renderTemplate } from '../claude/prompts.js';
import type { WorkspaceContext } from './context.js';

/** The setup command that is still running when the first session starts, and its log. */
export interface SetupRunning {
  setupScript: string;
  logFile: string;
}

/**
 * Starts the first session of a ready workspace that still has its
 * initial prompt (also after a restart that came between ready and start);
 * with `setup`, of one whose setup command is running, the prompt saying so.
 * The prompt is cleared first, so it starts once; a hook that fails leaves a warning.
 */
export async function startFirstSession(
  ctx: Pick<WorkspaceContext, 'records' | 'prompts'>,
  id: string,
  setup?: SetupRunning,
): Promise<void> {
  const workspace = ctx.records.find(id);
  const now = workspace.status === 'ready' || (setup !== undefined && workspace.status === 'provisioning');
  if (!now || !workspace.initialPrompt) return;
  const prompt = firstPrompt(workspace.initialPrompt, setup, ctx.prompts.setupRunning);
  const outside = workspace.initialPromptOutsideAuthors ?? [];
  const unverified = workspace.initialPromptUnverified;
  await ctx.records.patch(id, {
    initialPrompt: undefined,
    initialPromptOutsideAuthors: undefined,
    initialPromptUnverified: undefined,
  });
  for (const hook of ctx.records.readyHooks) {
    try {
      await hook(ctx.records.find(id), prompt, outside, unverified);
    } catch (error) {
      await ctx.records.warn(id, `Could not start the first session: ${errorText(error)}`);
    }
  }
}

/** The initial prompt, followed, while setup still runs, by prompts/setup-running.md naming it and its log. Pure. */
export function firstPrompt(
  initialPrompt: string,
  setup: SetupRunning | undefined,
  setupRunningTemplate: string,
) {
  return setup
    ? `${initialPrompt}\n\n${renderTemplate(setupRunningTemplate, { setup: setup.setupScript, log: setup.logFile })}`
    : initialPrompt;
}
