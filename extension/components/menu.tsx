import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { SessionView } from '../../shared/domain.js';
import { formatUsd } from '../lib/fleet-model.js';
import { menuPlacement } from '../lib/menu-placement.js';
import { type IconName, Octicon } from '../lib/octicons.js';
import { sessionName } from '../lib/session-name.js';

export interface MenuItem {
  key: string;
  label: string;
  description?: string;
  icon?: IconName;
  checked?: boolean;
  trailing?: ComponentChildren;
}

/**
 * An action menu as GitHub draws one: a button that opens a list of items
 * with optional icons and descriptions. Arrow keys move, Enter picks, Esc
 * and a click outside close it, focus goes back to the button. It opens
 * below or above its button, wherever it has room (lib/menu-placement.ts).
 */
export function Menu({
  label,
  icon,
  items,
  onPick,
  testid,
  align,
  empty,
  disabled = false,
}: {
  label: ComponentChildren;
  icon?: IconName;
  items: MenuItem[];
  onPick: (key: string) => void;
  testid: string;
  align?: 'end';
  empty?: string;
  disabled?: boolean;
}) {
  const open = useSignal(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  // Placed before it paints: measured at its natural height, then kept within the window.
  useLayoutEffect(() => {
    const menu = overlay.current;
    const at = button.current?.getBoundingClientRect();
    if (!open.value || !menu || !at) return;
    const placed = menuPlacement(at, window.innerHeight, menu.scrollHeight);
    menu.dataset.side = placed.side;
    menu.style.maxHeight = `${placed.maxHeight}px`;
  }, [open.value]);
  const radio = items.some((i) => i.checked !== undefined);
  useEffect(() => {
    if (!open.value) return;
    root.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    const outside = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) open.value = false;
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open.value]);
  const close = () => {
    open.value = false;
    button.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const entries = [...(root.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : -1) + entries.length) % entries.length;
      entries[next]?.focus();
    }
  };
  return (
    <div class="ff-menu" ref={root}>
      <button
        onKeyDown={onKey}
        type="button"
        ref={button}
        data-testid={testid}
        aria-haspopup="menu"
        aria-expanded={open.value}
        disabled={disabled}
        onClick={() => (open.value = !open.value)}
      >
        {icon && <Octicon name={icon} />}
        {label}
        <Octicon name="triangle-down" />
      </button>
      {open.value && (
        <div
          ref={overlay}
          class="ff-menu-overlay"
          role="menu"
          data-align={align}
          data-testid={`${testid}-menu`}
          onKeyDown={onKey}
        >
          {items.length === 0 && (
            // A menu holds only menu items: the empty state is one, disabled, so it is announced and focusable.
            <div
              class="ff-menu-empty ff-muted"
              role="menuitem"
              aria-disabled="true"
              tabIndex={-1}
              data-testid={`${testid}-empty`}
            >
              {empty ?? 'Nothing here yet'}
            </div>
          )}
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              class="ff-menu-item"
              role={radio ? 'menuitemradio' : 'menuitem'}
              {...(radio ? { 'aria-checked': item.checked ?? false } : {})}
              data-key={item.key}
              onClick={() => {
                close();
                onPick(item.key);
              }}
            >
              {radio ? (
                <span class="ff-menu-check">{item.checked && <Octicon name="check" />}</span>
              ) : (
                item.icon && <Octicon name={item.icon} />
              )}
              <span class="ff-menu-text">
                <span>{item.label}</span>
                {item.description && <span class="ff-menu-desc">{item.description}</span>}
              </span>
              {item.trailing && <span class="ff-menu-trailing">{item.trailing}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** The session picker: each session with its state, cost and turns. */
export function SessionMenu({
  sessions,
  current,
  onPick,
}: {
  sessions: SessionView[];
  current: string | undefined;
  onPick: (id: string) => void;
}) {
  const selected = sessions.find((s) => s.id === current);
  return (
    <Menu
      testid="ff-session-menu"
      icon="comment-discussion"
      label={selected ? sessionName(selected) : 'Session'}
      items={sessions.map((s) => ({
        key: s.id,
        label: sessionName(s),
        description: `${s.status === 'waiting-permission' ? 'needs you' : s.status} · ${formatUsd(s.costUsd)} · ${s.turns} ${s.turns === 1 ? 'turn' : 'turns'} · ${new Date(s.createdAt).toLocaleString()}`,
        checked: s.id === current,
      }))}
      onPick={onPick}
    />
  );
}
