/**
 * Where each feature mounts on GitHub's pages — every selector in one place,
 * several per feature, most specific first (GitHub changes its markup without
 * notice). When none is there, the feature shows as a floating panel instead.
 */
export const anchors = {
  /** Issue page: the header's action buttons (React issue view), then older layouts. */
  issueActions: [
    '[data-component="PH_Actions"]',
    '[data-testid="issue-header"]',
    '.gh-header-actions',
    '#partial-discussion-header',
  ],
  /** Issue title, for the Start flow when GitHub itself cannot be asked. */
  issueTitle: ['[data-testid="issue-title"]', 'bdi.js-issue-title', '.js-issue-title'],
  issueBody: ['[data-testid="issue-body"] .markdown-body', '[data-testid="issue-body"]', '.comment-body'],
  /** PR page: above the merge box, else the sidebar. */
  pullPanel: ['[data-testid="mergebox-partial"]', '#partial-pull-merging', '#partial-discussion-sidebar'],
  /** Repo issue list: the toolbar above the list. */
  issueListToolbar: ['[aria-label="Actions"]', '[data-testid="list-view-header"]', '#js-issues-toolbar'],
} as const;

export function firstMatch(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const found = root.querySelector(selector);
    if (found) return found;
  }
  return null;
}
