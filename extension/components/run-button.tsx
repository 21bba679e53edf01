import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { WorkspaceView } from '../../shared/domain.js';
import type { AgentPort } from '../lib/agent-port.js';
import { shownError } from '../lib/use-agent.js';

/**
 * Run and Stop for a workspace's app (the project's run script, in a
 * terminal of the workspace), where a surface has room for one button: the
 * issue page's box and the popup's row. Whether it runs is asked once when
 * shown (a run terminal that has not exited); what it then listens on shows
 * as the workspace's previews. An error is said next to it, as the agent
 * words it (no run script: how to set one).
 */
export function RunButton({
  agent,
  w,
  connected,
  link = false,
  onError,
}: {
  agent: AgentPort;
  w: Pick<WorkspaceView, 'id' | 'status'>;
  connected: boolean;
  /** Drawn as a link, for a line of links (the popup's row); a button otherwise. */
  link?: boolean;
  onError: (message: string) => void;
}) {
  const running = useSignal<boolean | undefined>(undefined);
  const busy = useSignal(false);
  const ready = w.status === 'ready';
  useEffect(() => {
    if (!connected || !ready) return;
    let live = true;
    void agent.call('terminal.list', { workspaceId: w.id }).then(
      (terminals) => {
        if (live) running.value = terminals.some((t) => t.run && t.exitCode === undefined);
      },
      () => {}, // unknown: Run is offered, and says so if it runs already
    );
    return () => {
      live = false;
    };
  }, [agent, w.id, connected, ready]);
  if (!ready) return null;
  const act = async (method: 'workspace.run' | 'workspace.stopRun') => {
    busy.value = true;
    onError('');
    try {
      await agent.call(method, { workspaceId: w.id });
      running.value = method === 'workspace.run';
    } catch (e) {
      onError(shownError(e));
    } finally {
      busy.value = false;
    }
  };
  const look = link ? 'ff-link ff-run-link' : 'ff-btn';
  return running.value ? (
    <button
      type="button"
      class={look}
      data-testid="ff-stop-run"
      title="Stop the app and what it started"
      disabled={!connected || busy.value}
      onClick={() => void act('workspace.stopRun')}
    >
      {busy.value ? 'Stopping…' : 'Stop app'}
    </button>
  ) : (
    <button
      type="button"
      class={look}
      data-testid="ff-run"
      title="Start the project's run script in a terminal of this workspace, on its own ports"
      disabled={!connected || busy.value}
      onClick={() => void act('workspace.run')}
    >
      {busy.value ? 'Starting…' : 'Run'}
    </button>
  );
}
