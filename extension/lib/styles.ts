/**
 * Styles inside each feature's shadow root. GitHub's own CSS variables (with
 * fallbacks) make the UI follow light, dark and dimmed themes; the shadow
 * root keeps GitHub's CSS and ours apart.
 */
export const featureStyles = `
:host { all: initial; display: block; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: var(--fgColor-default, var(--color-fg-default, #1f2328)); }
* { box-sizing: border-box; }
.ff-box { border: 1px solid var(--borderColor-default, var(--color-border-default, #d0d7de)); border-radius: 6px;
  background: var(--bgColor-default, var(--color-canvas-default, #fff)); padding: 8px 12px; margin: 8px 0; }
.ff-row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.ff-muted { color: var(--fgColor-muted, var(--color-fg-muted, #59636e)); font-size: 12px; }
.ff-btn { font: inherit; font-size: 12px; font-weight: 500; line-height: 20px; padding: 3px 12px; border-radius: 6px; cursor: pointer;
  display: inline-flex; align-items: center; gap: 4px; white-space: nowrap;
  border: 1px solid var(--button-default-borderColor-rest, var(--borderColor-default, #d0d7de));
  box-shadow: var(--button-default-shadow-resting, none);
  background: var(--button-default-bgColor-rest, var(--bgColor-muted, #f6f8fa)); color: var(--button-default-fgColor-rest, inherit); }
.ff-btn:hover { background: var(--button-default-bgColor-hover, var(--bgColor-muted, #eff2f5)); }
.ff-btn .octicon { fill: currentColor; color: var(--fgColor-muted, #59636e); }
.ff-btn-primary .octicon { color: inherit; }
.ff-btn[disabled] { opacity: .6; cursor: default; }
.ff-btn-primary { background: var(--button-primary-bgColor-rest, #1f883d); color: var(--button-primary-fgColor-rest, #fff);
  border-color: var(--button-primary-borderColor-rest, rgba(31,35,40,.15)); }
.ff-btn-primary:hover { background: var(--button-primary-bgColor-hover, #1c8139); }
.ff-chip { display: inline-block; padding: 0 7px; border-radius: 2em; font-size: 12px; font-weight: 500; line-height: 18px;
  white-space: nowrap; border: 1px solid var(--borderColor-default, #d0d7de); color: var(--fgColor-muted, #59636e); }
.ff-chip[data-tone="working"] { border-color: var(--borderColor-attention-emphasis, #9a6700); color: var(--fgColor-attention, #9a6700); }
.ff-chip[data-tone="waiting"] { border-color: var(--borderColor-accent-emphasis, #0969da); color: var(--fgColor-accent, #0969da); }
.ff-chip[data-tone="done"] { border-color: var(--borderColor-done-emphasis, #8250df); color: var(--fgColor-done, #8250df); }
.ff-chip[data-tone="bad"] { border-color: var(--borderColor-danger-emphasis, #cf222e); color: var(--fgColor-danger, #d1242f); }
.ff-chip[data-tone="good"] { border-color: var(--borderColor-success-emphasis, #1a7f37); color: var(--fgColor-success, #1a7f37); }
.ff-error { color: var(--fgColor-danger, #d1242f); }
.ff-banner { border: 1px solid var(--borderColor-danger-emphasis, #cf222e); border-radius: 6px; padding: 6px 10px; margin-bottom: 6px; }
.ff-command { user-select: all; white-space: nowrap; }
.ff-kept { display: block; font-size: 12px; color: var(--fgColor-muted, #59636e); }
.ff-link { background: none; border: none; color: var(--fgColor-accent, #0969da); cursor: pointer; padding: 0; font: inherit; }
.ff-link:hover { text-decoration: underline; }
button.ff-preview-open { text-decoration: underline; }
.octicon { display: inline-block; vertical-align: text-bottom; fill: currentColor; flex-shrink: 0; }
a { color: var(--fgColor-accent, #0969da); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bgColor-muted, #f6f8fa); padding: 1px 4px; border-radius: 4px; }
.ff-floating { position: fixed; right: 16px; bottom: 16px; z-index: 100; max-width: 420px; box-shadow: 0 8px 24px rgba(140,149,159,.2); }
.ff-board { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }
.ff-column { border: 1px solid var(--borderColor-muted, #d8dee4); border-radius: 6px; padding: 6px; min-height: 60px;
  background: var(--bgColor-muted, #f6f8fa); }
.ff-column h3 { font-size: 12px; margin: 0 0 6px; }
.ff-card { border: 1px solid var(--borderColor-default, #d0d7de); border-radius: 6px; padding: 6px; margin: 4px 0;
  background: var(--bgColor-default, #fff); font-size: 12px; overflow-wrap: anywhere; }
.ff-card-title { font-weight: 600; margin-bottom: 2px; }
.ff-card-meta { gap: 6px; margin: 2px 0; }
.ff-card .ff-link { font-size: 12px; }
.ff-machine { display: inline-flex; align-items: center; gap: 4px; font-size: 12px; }
.ff-machine-icon { color: var(--fgColor-muted, #59636e); }
.ff-machine[data-state="unreachable"] .ff-machine-icon, .ff-machine[data-state="unknown"] .ff-machine-icon { color: var(--fgColor-danger, #d1242f); }
.ff-machine-name { font-weight: 600; }
ul.ff-decisions { margin: 4px 0; padding-left: 18px; font-size: 12px; }
.ff-decisions-title { margin: 8px 0 0; font-size: 12px; font-weight: 600; }
.ff-decision-log > summary { cursor: pointer; font-size: 12px; }
`;
