/**
 * A sentence as people read it: what its author marked as `code` (the
 * agent's messages name commands that way: "Run `ff-agent pair` for a new
 * one.") shows as code, never as raw backticks. Text only: nothing in it is
 * read as markup.
 */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd count of backticks leaves the last one unmatched: shown as it is.
  if (parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
