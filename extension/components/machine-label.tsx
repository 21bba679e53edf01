import offlineIcon from '@primer/octicons/build/svg/cloud-offline-16.svg?raw';
import desktopIcon from '@primer/octicons/build/svg/device-desktop-16.svg?raw';
import serverIcon from '@primer/octicons/build/svg/server-16.svg?raw';
import type { MachineStatus } from '../lib/machines.js';
import { SvgIcon } from '../lib/svg-icon.js';

/**
 * A machine's name and state, as a Primer label: this computer, or a remote
 * with connected / connecting… / unreachable since 4m ago (why, on hover).
 * `compact` drops the state when it is the good one (a row or card that only
 * needs to say where it lives). Its three icons are imported one by one, so
 * the content script can draw it too (styles: lib/primer.css, lib/styles.ts).
 */
export function MachineLabel({ status, compact = false }: { status: MachineStatus; compact?: boolean }) {
  const remote = status.state !== 'local';
  const showState = remote && !(compact && status.state === 'connected');
  return (
    <span
      class="ff-machine"
      data-testid="ff-machine"
      data-machine={status.machine}
      data-state={status.state}
      title={status.title}
    >
      <SvgIcon
        svg={!remote ? desktopIcon : status.reachable ? serverIcon : offlineIcon}
        class="ff-machine-icon"
      />
      <span class="ff-machine-name">{remote ? status.machine : 'This computer'}</span>
      {showState && (
        <span class="Label ff-chip" data-tone={status.tone} data-testid="ff-machine-state">
          {status.label}
        </span>
      )}
    </span>
  );
}
