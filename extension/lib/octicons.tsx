/**
 * GitHub's Octicons (16 px), imported one by one so a bundle carries only the
 * icons it draws (the package's index holds all ~800). Each SVG file's path
 * data is read once; icons render as Preact elements, never as HTML strings.
 */

import alert from '@primer/octicons/build/svg/alert-16.svg?raw';
import check from '@primer/octicons/build/svg/check-16.svg?raw';
import checklist from '@primer/octicons/build/svg/checklist-16.svg?raw';
import clock from '@primer/octicons/build/svg/clock-16.svg?raw';
import cloudOffline from '@primer/octicons/build/svg/cloud-offline-16.svg?raw';
import commentDiscussion from '@primer/octicons/build/svg/comment-discussion-16.svg?raw';
import copy from '@primer/octicons/build/svg/copy-16.svg?raw';
import cpu from '@primer/octicons/build/svg/cpu-16.svg?raw';
import database from '@primer/octicons/build/svg/database-16.svg?raw';
import dotFill from '@primer/octicons/build/svg/dot-fill-16.svg?raw';
import file from '@primer/octicons/build/svg/file-16.svg?raw';
import fileAdded from '@primer/octicons/build/svg/file-added-16.svg?raw';
import fold from '@primer/octicons/build/svg/fold-16.svg?raw';
import gear from '@primer/octicons/build/svg/gear-16.svg?raw';
import gitBranch from '@primer/octicons/build/svg/git-branch-16.svg?raw';
import gitPullRequest from '@primer/octicons/build/svg/git-pull-request-16.svg?raw';
import globe from '@primer/octicons/build/svg/globe-16.svg?raw';
import graph from '@primer/octicons/build/svg/graph-16.svg?raw';
import hourglass from '@primer/octicons/build/svg/hourglass-16.svg?raw';
import inbox from '@primer/octicons/build/svg/inbox-16.svg?raw';
import issueOpened from '@primer/octicons/build/svg/issue-opened-16.svg?raw';
import linkExternal from '@primer/octicons/build/svg/link-external-16.svg?raw';
import pencil from '@primer/octicons/build/svg/pencil-16.svg?raw';
import plus from '@primer/octicons/build/svg/plus-16.svg?raw';
import pulse from '@primer/octicons/build/svg/pulse-16.svg?raw';
import repo from '@primer/octicons/build/svg/repo-16.svg?raw';
import screenFull from '@primer/octicons/build/svg/screen-full-16.svg?raw';
import search from '@primer/octicons/build/svg/search-16.svg?raw';
import server from '@primer/octicons/build/svg/server-16.svg?raw';
import shield from '@primer/octicons/build/svg/shield-16.svg?raw';
import stop from '@primer/octicons/build/svg/stop-16.svg?raw';
import sync from '@primer/octicons/build/svg/sync-16.svg?raw';
import terminal from '@primer/octicons/build/svg/terminal-16.svg?raw';
import tools from '@primer/octicons/build/svg/tools-16.svg?raw';
import triangleDown from '@primer/octicons/build/svg/triangle-down-16.svg?raw';
import x from '@primer/octicons/build/svg/x-16.svg?raw';
import zap from '@primer/octicons/build/svg/zap-16.svg?raw';
import type { JSX } from 'preact';
import { SvgIcon } from './svg-icon.js';

const svgs = {
  check: check,
  x: x,
  shield: shield,
  zap: zap,
  'comment-discussion': commentDiscussion,
  plus: plus,
  'screen-full': screenFull,
  terminal: terminal,
  file: file,
  pencil: pencil,
  search: search,
  'git-branch': gitBranch,
  'git-pull-request': gitPullRequest,
  'issue-opened': issueOpened,
  'triangle-down': triangleDown,
  clock: clock,
  pulse: pulse,
  cpu: cpu,
  sync: sync,
  alert: alert,
  stop: stop,
  gear: gear,
  repo: repo,
  graph: graph,
  inbox: inbox,
  globe: globe,
  checklist: checklist,
  tools: tools,
  'file-added': fileAdded,
  hourglass: hourglass,
  'dot-fill': dotFill,
  'link-external': linkExternal,
  server: server,
  database: database,
  'cloud-offline': cloudOffline,
  copy: copy,
  fold: fold,
} as const;

export type IconName = keyof typeof svgs;

/** An octicon by name (ff's pages); decorative (aria-hidden) unless given a label. */
export function Octicon({
  name,
  size = 16,
  label,
  class: className,
}: {
  name: IconName;
  size?: number;
  label?: string;
  class?: string;
}): JSX.Element {
  return (
    <SvgIcon
      svg={svgs[name]}
      size={size}
      class={`octicon-${name}${className ? ` ${className}` : ''}`}
      {...(label ? { label } : {})}
    />
  );
}

/** The icon GitHub-minded readers expect for a Claude Code tool. */
export function toolIcon(tool: string): IconName {
  switch (tool) {
    case 'Bash':
    case 'BashOutput':
    case 'KillShell':
      return 'terminal';
    case 'Read':
      return 'file';
    case 'Write':
      return 'file-added';
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return 'pencil';
    case 'Grep':
    case 'Glob':
      return 'search';
    case 'WebFetch':
    case 'WebSearch':
      return 'globe';
    case 'TodoWrite':
      return 'checklist';
    case 'Task':
      return 'zap';
    default:
      return 'tools';
  }
}
