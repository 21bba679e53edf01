/**
 * What every surface says when the agent is not usable, and the one next
 * step that fits — pure, so each case is a row of a table test. The words
 * carry no markup: a command is its own field, which the surfaces show as
 * code. Whether `ff-agent install` ran is known from the native messaging
 * host it registers: the worker asks it at start (`nativeHost`).
 */

/** The native host: it answered (installed), the browser has none (absent), or not asked yet. */
export type NativeHostState = 'installed' | 'absent' | 'unknown';

export type TroubleStatus = 'connecting' | 'agent-not-running' | 'not-paired' | 'protocol-mismatch';

/** Why a pairing is missing or refused. */
export type PairingTrouble = 'none' | 'refused';

export interface NextStep {
  /** What to do, as a sentence that leads into the command (or stands alone). */
  text: string;
  /** The command to run in a terminal, shown as code. */
  command?: string;
}

export interface Advice {
  /** One plain sentence: what is wrong. */
  message: string;
  nextStep?: NextStep;
}

const INSTALL: NextStep = {
  text: 'Set it up once — it starts ff-agent now and at every login, and pairs this browser:',
  command: 'ff-agent install',
};
const RESTART: NextStep = { text: 'Start it again:', command: 'ff-agent restart' };

export function connectionAdvice(
  status: TroubleStatus,
  context: { nativeHost: NativeHostState; pairing?: PairingTrouble },
): Advice {
  const installed = context.nativeHost === 'installed';
  switch (status) {
    case 'connecting':
      return { message: 'Connecting to ff-agent…' };
    case 'agent-not-running':
      return { message: 'ff-agent is not running.', nextStep: installed ? RESTART : INSTALL };
    case 'not-paired':
      if (context.pairing === 'refused')
        return {
          message: 'ff-agent refused the pairing this browser has.',
          nextStep: installed
            ? RESTART
            : { text: 'Pair again with a new code from', command: 'ff-agent pair' },
        };
      return {
        message: 'Not paired with ff-agent.',
        nextStep: installed ? RESTART : INSTALL,
      };
    case 'protocol-mismatch':
      return {
        message: 'ff-agent and the extension are different versions.',
        nextStep: { text: 'Update both to the same version, then:', command: 'ff-agent restart' },
      };
  }
}
